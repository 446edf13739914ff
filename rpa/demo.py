"""Demo data of the rpa app: a registered sender number, Korean templates, report columns."""

from .models import MessageTemplate, ReportColumn, SenderNumber
from .services import DEFAULT_REPORT_COLUMNS

TEMPLATES = {
    "negative": "[구청 보건소] {name}님, {test_date} 코로나19 검사 결과 음성입니다.",
    "positive": (
        "[구청 보건소] {name}님, {test_date} 코로나19 검사 결과 양성입니다. "
        "외출을 삼가시고 보건소 안내 전화를 기다려 주세요."
    ),
    "inconclusive": (
        "[구청 보건소] {name}님, {test_date} 검사 결과 미결정입니다. "
        "가까운 선별진료소에서 재검사를 받아 주세요."
    ),
    "quarantine": (
        "[구청 보건소] {name}님은 {quarantine_start}부터 {quarantine_end}까지 자가격리 대상입니다. "
        "매일 자가진단을 해 주세요: {link}"
    ),
    "reminder": "[구청 보건소] {name}님, 오늘 자가진단이 아직 없습니다. 지금 해 주세요: {link}",
}


def seed(stdout=None) -> None:
    sender, _ = SenderNumber.objects.get_or_create(
        number="0221234567", defaults={"label": "구청 보건소 대표번호"}
    )
    for kind, text in TEMPLATES.items():
        MessageTemplate.objects.get_or_create(kind=kind, defaults={"text": text, "sender": sender})
    if not ReportColumn.objects.exists():
        for position, (field, header) in enumerate(DEFAULT_REPORT_COLUMNS, start=1):
            ReportColumn.objects.create(position=position, field=field, header=header)
    if stdout is not None:
        stdout.write("rpa: sender number, message templates and report columns ready")
