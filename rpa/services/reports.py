"""The agency report: a day's valid cases as xlsx, in the configured columns."""

import datetime
import io
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core import clock

from .. import rules
from ..defaults import REPORT_COLUMNS
from ..models import AgencyReport, MessageKind, OutboxMessage, Recipient, ReportColumn, Upload

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status

DEFAULT_REPORT_COLUMNS = REPORT_COLUMNS


def request_agency_report(*, user, day: datetime.date) -> AgencyReport:
    """Queue the agency's xlsx for a day; a worker builds it (the sweep, if the broker is down)."""
    report = AgencyReport.objects.create(day=day, requested_by=user)
    transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def retry_agency_report(*, report: AgencyReport) -> AgencyReport:
    """Prepare a failed report again; a report that is not failed is left as it is."""
    with transaction.atomic():
        updated = AgencyReport.objects.filter(
            pk=report.pk, status=AgencyReport.Status.FAILED
        ).update(status=AgencyReport.Status.PENDING, failure_reason="", finished_at=None)
        if updated:
            transaction.on_commit(lambda: _enqueue(report.pk))
    report.refresh_from_db()
    return report


def _enqueue(report_id: int) -> None:
    from ..tasks import build_agency_report as build_task  # here: rpa.tasks imports us

    try:
        build_task.apply_async(args=[report_id], retry=False)
    except Exception:
        logger.warning("agency report %s left for the sweep: broker unavailable", report_id)


# A report still pending after this was never picked up (the broker was down at the request,
# or the worker died): the sweep builds it. After the longer wait it is given up on, with why.
PENDING_SWEEP_AFTER = datetime.timedelta(seconds=60)
PENDING_GIVE_UP_AFTER = datetime.timedelta(hours=1)


def sweep_pending_reports(*, now: datetime.datetime | None = None) -> int:
    """Build the reports left pending; returns how many were built or failed now."""
    now = now or clock.now()
    stale = AgencyReport.objects.filter(
        status=AgencyReport.Status.PENDING, created_at__lte=now - PENDING_SWEEP_AFTER
    ).order_by("created_at")
    done = 0
    for report_id, created_at in stale.values_list("pk", "created_at"):
        if created_at <= now - PENDING_GIVE_UP_AFTER:
            _fail(
                report_id,
                _("The report was not prepared within an hour; press Try again."),
                now=now,
            )
            done += 1
        elif build_agency_report(report_id, now=now):
            done += 1
    return done


def _fail(report_id: int, reason: str, *, now: datetime.datetime) -> None:
    AgencyReport.objects.filter(pk=report_id, status=AgencyReport.Status.PENDING).update(
        status=AgencyReport.Status.FAILED, failure_reason=reason[:255], finished_at=now
    )


def build_agency_report(report_id: int, *, now: datetime.datetime | None = None) -> bool:
    """Build one pending report once; returns whether this call settled it (ready or failed).

    The row stays locked while it is written, so the sweep and a late task never build the same
    report twice. Whatever goes wrong is kept on the report in one sentence, for its page.
    """
    try:
        with transaction.atomic():
            report = (
                AgencyReport.objects.select_for_update(skip_locked=True)
                .filter(pk=report_id, status=AgencyReport.Status.PENDING)
                .first()
            )
            if report is None:
                return False
            _write_report(report, now=now or clock.now())
    except Exception as exc:  # noqa: BLE001  the team sees why; the log gets the kind only
        logger.warning("agency report %s failed: %s", report_id, type(exc).__name__)
        _fail(
            report_id,
            _(
                "The report could not be written (%(error)s): press Try again, and tell an "
                "administrator if it fails again."
            )
            % {"error": type(exc).__name__},
            now=now or clock.now(),
        )
    return True


def _write_report(report: AgencyReport, *, now: datetime.datetime) -> None:
    columns = list(ReportColumn.objects.values_list("field", "header")) or DEFAULT_REPORT_COLUMNS
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("report")
    sheet.append([header for _field, header in columns])
    recipients = (
        Recipient.objects.filter(
            upload__day=report.day,
            status=Recipient.Status.VALID,
            already_messaged_by__isnull=True,
        )
        .exclude(upload__status=Upload.Status.PREVIEWED)
        .order_by("upload_id", "row")
    )
    status_of = dict(
        OutboxMessage.objects.filter(upload__day=report.day)
        .exclude(kind=MessageKind.REMINDER)
        .values_list("recipient_id", "status")
    )
    labels = dict(Status.choices)
    count = 0
    for recipient in recipients.iterator(chunk_size=5000):
        values = []
        for field, _header in columns:
            if field == "message_status":
                value = str(labels.get(status_of.get(recipient.pk), ""))
            elif field == "message_kind":
                value = str(MessageKind(recipient.message_kind).label)
            elif field == "result":
                value = _result_label(recipient.result)
            else:
                value = getattr(recipient, field)
            values.append(rules.neutralise_cell(value))
        sheet.append(values)
        count += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    report.file.save(
        f"agency-{report.day:%Y%m%d}-{report.pk}.xlsx", ContentFile(buffer.getvalue()), save=False
    )
    report.rows = count
    report.status = AgencyReport.Status.READY
    report.finished_at = now
    report.save(update_fields=["file", "rows", "status", "finished_at"])


def _result_label(result: str) -> str:
    return {
        "negative": _("Negative"),
        "positive": _("Positive"),
        "inconclusive": _("Inconclusive"),
    }.get(result, "")
