"""The agency report: a day's valid cases as xlsx, in the configured columns."""

import datetime
import io
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import rules
from ..models import AgencyReport, MessageKind, OutboxMessage, Recipient, ReportColumn, Upload

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status

DEFAULT_REPORT_COLUMNS = [
    ("name", "성명"),
    ("birth_date", "생년월일"),
    ("phone", "연락처"),
    ("test_date", "검사일"),
    ("result", "검사결과"),
    ("quarantine_start", "격리시작일"),
    ("quarantine_end", "격리해제일"),
    ("message_status", "문자발송"),
]


def request_agency_report(*, user, day: datetime.date) -> AgencyReport:
    """Queue the agency's xlsx for a day; a worker builds it."""
    from ..tasks import build_agency_report as build_task

    report = AgencyReport.objects.create(day=day, requested_by=user)

    def enqueue():
        try:
            build_task.apply_async(args=[report.pk], retry=False)
        except Exception:
            logger.warning("agency report %s left for the sweep: broker unavailable", report.pk)

    transaction.on_commit(enqueue)
    return report


def build_agency_report(report_id: int) -> None:
    """Write the day's valid cases in the configured columns; idempotent per report."""
    from openpyxl import Workbook

    report = AgencyReport.objects.filter(pk=report_id, status=AgencyReport.Status.PENDING).first()
    if report is None:
        return
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
    report.finished_at = timezone.now()
    report.save(update_fields=["file", "rows", "status", "finished_at"])


def _result_label(result: str) -> str:
    return {
        "negative": _("Negative"),
        "positive": _("Positive"),
        "inconclusive": _("Inconclusive"),
    }.get(result, "")
