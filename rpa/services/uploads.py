"""Uploads: a read sheet stored with its rows, the access log, the sheet export and retention."""

import datetime
import hashlib
import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core import clock

from .. import rules, sql
from ..importer import read_sheet
from ..importer.sources import load_bytes, max_upload_bytes
from ..models import AccessLog, AgencyReport, OutboxMessage, Recipient, Upload


def create_upload(*, user, filename: str, data, today: datetime.date | None = None) -> Upload:
    """Read a sheet (bytes, a path or an open file such as an uploaded file) and store it
    with its rows as a previewed upload of `today`.

    SheetRefused from the importer propagates, and then nothing at all is stored.
    """
    data = load_bytes(data, max_upload_bytes(None))
    report = read_sheet(data, filename)
    sha256 = hashlib.sha256(data).hexdigest()
    upload = Upload(
        uploaded_by=user,
        original_name=filename[-255:],
        sha256=sha256,
        day=today or clock.today(),
        sheet=report.sheet or "",
        header_row=report.header_row or 1,
        header=list(getattr(report, "header", ()) or ()),
        summary=dict(report.summary),
    )
    upload.file.save(f"{sha256}.bin", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            upload.save()
            sql.copy_insert(
                Recipient,
                RECIPIENT_COLUMNS,
                (_recipient_values(upload, row) for row in report.rows),
                computed=RECIPIENT_COMPUTED,
            )
            sql.mark_already_messaged(upload_id=upload.pk, day=upload.day)
    except BaseException:
        upload.file.delete(save=False)
        raise
    return upload


# The columns a read row fills, in the order of `_recipient_values`.
RECIPIENT_COLUMNS = sql.columns(
    Recipient,
    "upload",
    "row",
    "status",
    "name",
    "phone",
    "birth_date",
    "result",
    "test_date",
    "quarantine_start",
    "quarantine_end",
    "message_kind",
    "errors",
    "duplicate_of",
    "raw",
    "person_key",
)
# Who texted a resident already is found after the insert (sql.mark_already_messaged).
RECIPIENT_COMPUTED = {sql.column(Recipient, "already_messaged_by"): "NULL"}


def _recipient_values(upload: Upload, row) -> tuple:
    """One read row as the values of RECIPIENT_COLUMNS."""
    valid = row.status == Recipient.Status.VALID
    kind = (row.message_kind or "") if valid else ""
    name = (row.name or "")[:100]
    phone = (row.phone or "")[:20]
    return (
        upload.pk,
        row.row,
        row.status,
        name,
        phone,
        row.birth_date,
        row.result or "",
        row.test_date,
        row.quarantine_start,
        row.quarantine_end,
        kind,
        [dict(e) for e in row.errors],
        row.duplicate_of,
        [("" if cell is None else str(cell)) for cell in row.raw],
        rules.person_key(
            name=name,
            phone=phone,
            kind=kind,
            test_date=row.test_date,
            start=row.quarantine_start,
        )
        if valid
        else "",
    )


def record_access(*, user, action: str, what: str, upload: Upload | None = None) -> AccessLog:
    """Every view, export and download of residents' data leaves a row (who, what, when)."""
    return AccessLog.objects.create(user=user, action=action, upload=upload, what=what[:200])


def sheet_with_status(upload: Upload) -> bytes:
    """The sheet's rows as xlsx with two added columns: the status and the reason."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(upload.sheet or "sheet")
    header = list(upload.header)
    width = max(
        [len(header)] + [len(r) for r in upload.recipients.values_list("raw", flat=True)[:1]]
    )
    header += [""] * (width - len(header))
    sheet.append([rules.neutralise_cell(h) for h in header] + [_("Status"), _("Reason")])
    labels = dict(Recipient.Status.choices)
    for recipient in upload.recipients.order_by("row").iterator(chunk_size=5000):
        raw = list(recipient.raw) + [""] * (width - len(recipient.raw))
        if recipient.status == Recipient.Status.DUPLICATE:
            reason = _("Same person as row %(row)s.") % {"row": recipient.duplicate_of}
        elif recipient.already_messaged_by_id:
            reason = _("Already texted by an earlier upload today.")
        else:
            reason = " ".join(str(e.get("message", "")) for e in recipient.errors)
        sheet.append(
            [rules.neutralise_cell(v) for v in raw]
            + [str(labels.get(recipient.status, recipient.status)), rules.neutralise_cell(reason)]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def purge_expired(
    *, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> int:
    """Delete sheets and residents older than the retention period, keeping the counts."""
    now = now or clock.now()
    today = today or clock.today(now)
    cutoff = today - datetime.timedelta(days=settings.RPA_RETENTION_DAYS)
    purged = 0
    for upload_id in Upload.objects.filter(day__lt=cutoff, purged_at__isnull=True).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            upload = Upload.objects.select_for_update().get(pk=upload_id)
            upload.final_counts = {
                row["status"]: row["n"]
                for row in OutboxMessage.objects.filter(upload=upload)
                .values("status")
                .annotate(n=Count("id"))
            }
            upload.messages.all().delete()
            upload.recipients.all().delete()
            if upload.file:
                upload.file.delete(save=False)
            upload.file = ""
            upload.purged_at = now
            upload.save(update_fields=["final_counts", "file", "purged_at"])
            purged += 1
    for report in AgencyReport.objects.filter(day__lt=cutoff).exclude(file=""):
        report.file.delete(save=False)
        report.file = ""
        report.save(update_fields=["file"])
    return purged
