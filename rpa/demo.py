"""Demo data of the rpa app: a registered sender number for the default templates."""

from .defaults import MESSAGE_TEXTS, REPORT_COLUMNS
from .models import MessageTemplate, ReportColumn, SenderNumber


def seed(stdout=None) -> None:
    sender, _ = SenderNumber.objects.get_or_create(
        number="0221234567", defaults={"label": "구청 보건소 대표번호"}
    )
    # The migration wrote the texts without a number: the demo's sends from its own.
    for kind, text in MESSAGE_TEXTS.items():
        MessageTemplate.objects.get_or_create(kind=kind, defaults={"text": text, "sender": sender})
    MessageTemplate.objects.filter(sender__isnull=True).update(sender=sender)
    if not ReportColumn.objects.exists():
        for position, (field, header) in enumerate(REPORT_COLUMNS, start=1):
            ReportColumn.objects.create(position=position, field=field, header=header)
    if stdout is not None:
        stdout.write("rpa: sender number, message templates and report columns ready")
