"""Sheets, templates and uploads for the rpa tests."""

import datetime
import random

import factory

from rpa import services
from rpa.models import MessageTemplate, SenderNumber

TEMPLATE_TEXTS = {
    "negative": "[구청] {name}님 {test_date} 검사 결과 음성입니다.",
    "positive": "[구청] {name}님 {test_date} 검사 결과 양성입니다. 보건소 안내에 따라 주세요.",
    "inconclusive": "[구청] {name}님 검사 결과 미결정입니다. 재검사를 받아 주세요.",
    "quarantine": "[구청] {name}님 자가격리 {quarantine_start}~{quarantine_end}. 매일 자가진단: {link}",
    "reminder": "[구청] {name}님 오늘 자가진단을 아직 하지 않으셨습니다: {link}",
}

HEADER = "성명,휴대전화,생년월일,검사일,검사결과,구분,격리시작일,격리해제일"


class SenderNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SenderNumber
        django_get_or_create = ["number"]

    number = "0212345678"
    label = "보건소"


def make_templates() -> dict[str, MessageTemplate]:
    sender = SenderNumberFactory()
    return {
        kind: MessageTemplate.objects.update_or_create(
            kind=kind, defaults={"text": text, "sender": sender}
        )[0]
        for kind, text in TEMPLATE_TEXTS.items()
    }


def phone(n: int) -> str:
    return f"010{n:08d}"


def result_row(n: int, *, result: str = "음성", day: str = "2021-08-02", name: str | None = None):
    return f"{name or f'주민{n}'},{phone(n)},900101,{day},{result},,,"


def quarantine_row(n: int, *, start: datetime.date, end: datetime.date, name: str | None = None):
    return f"{name or f'격리{n}'},{phone(n)},900101,,,자가격리,{start:%Y-%m-%d},{end:%Y-%m-%d}"


def sheet(rows: list[str]) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def results_sheet(count: int, start: int = 0, rejected: int = 0) -> bytes:
    results = ["음성", "양성", "미결정"]
    rows = [result_row(start + i, result=results[i % 3]) for i in range(count)]
    rows += [f"잘못{i},02-123-4567,,2021-08-02,음성,,," for i in range(rejected)]
    random.Random(count).shuffle(rows)
    return sheet(rows)


def upload_sheet(user, data: bytes, name: str = "명단.csv"):
    return services.create_upload(user=user, filename=name, data=data)


def quarantined(user, rows):
    """An upload of quarantine rows, confirmed, whose texts the gateway took."""
    upload = upload_sheet(user, sheet(rows))
    services.confirm_send(upload=upload, user=user)
    upload.messages.update(status="sent")
    return upload
