"""What COPY stores is what the ORM would have: empty strings, NULLs, quotes, JSON, order."""

import datetime

import pytest

from rpa.models import Recipient, Upload
from rpa.services.uploads import RECIPIENT_COLUMNS
from rpa.sql import copy_insert

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(health_user):
    return Upload.objects.create(
        uploaded_by=health_user,
        original_name="명단.xlsx",
        sha256="0" * 64,
        day=datetime.date(2026, 3, 2),
    )


def row(upload, number, **values):
    defaults = {
        "upload_id": upload.pk,
        "row": number,
        "status": "rejected",
        "name": "",
        "phone": "",
        "birth_date": None,
        "result": "",
        "test_date": None,
        "quarantine_start": None,
        "quarantine_end": None,
        "message_kind": "",
        "errors": [],
        "duplicate_of": None,
        "raw": [],
        "person_key": "",
    }
    defaults.update(values)
    return tuple(defaults[name] for name in RECIPIENT_COLUMNS)


def test_values_arrive_as_they_were_given(upload):
    tricky = '김 "하나", 둘\n셋 \\ 넷'
    copy_insert(
        Recipient,
        RECIPIENT_COLUMNS,
        [
            row(
                upload,
                2,
                name=tricky,
                birth_date=datetime.date(1990, 1, 2),
                errors=[{"field": "phone", "message": '"010" 없음'}],
                raw=["", "=1+1", "쉼표,", '따옴표"'],
                duplicate_of=7,
            ),
            row(upload, 3),
        ],
        computed={"already_messaged_by_id": "NULL"},
    )
    first, second = Recipient.objects.filter(upload=upload).order_by("row")
    assert first.name == tricky
    assert first.birth_date == datetime.date(1990, 1, 2)
    assert first.errors == [{"field": "phone", "message": '"010" 없음'}]
    assert first.raw == ["", "=1+1", "쉼표,", '따옴표"']
    assert first.duplicate_of == 7
    # Empty text stays empty text; absent dates and numbers are NULL.
    assert (second.name, second.phone, second.person_key) == ("", "", "")
    assert (second.birth_date, second.test_date, second.duplicate_of) == (None, None, None)


def test_rows_keep_their_order_and_a_conflict_is_skipped_only_when_asked(upload):
    copy_insert(Recipient, RECIPIENT_COLUMNS, [row(upload, n) for n in (5, 3, 4)])
    rows = list(
        Recipient.objects.filter(upload=upload).order_by("pk").values_list("row", flat=True)
    )
    assert rows == [5, 3, 4]
    # (upload, row) is unique: row 3 again is left out, row 6 goes in.
    copy_insert(Recipient, RECIPIENT_COLUMNS, [row(upload, 3), row(upload, 6)], skip_conflicts=True)
    assert Recipient.objects.filter(upload=upload).count() == 4
