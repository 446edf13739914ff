"""import_cases without --dry-run: stored as an upload by a health-team member, via rpa.services."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from accounts import roles
from tests.factories import UserFactory

from .helpers import SAMPLES

services = pytest.importorskip("rpa.services")


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    status = 0
    try:
        call_command("import_cases", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        status = exit_.code
    return status, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_import_stores_an_upload_and_prints_its_id(health_user):
    from rpa.models import Upload

    status, out, err = _run(
        str(SAMPLES / "duplicates.xlsx"), "--json", "--user", health_user.username
    )
    assert status == 0, err
    payload = json.loads(out)
    assert list(payload) == ["file", "sheet", "header_row", "rows", "summary", "upload"]
    upload = Upload.objects.get(pk=payload["upload"])
    assert upload.uploaded_by == health_user
    assert upload.recipients.count() == payload["summary"]["rows"] == 16
    assert upload.recipients.filter(status="duplicate").count() == 2


@pytest.mark.django_db
def test_import_of_a_refused_file_stores_nothing(health_user):
    from rpa.models import Upload

    status, out, err = _run(
        str(SAMPLES / "wrong-columns.xlsx"), "--json", "--user", health_user.username
    )
    assert (status, out) == (2, "")
    assert len(err.strip().splitlines()) == 1
    assert not Upload.objects.exists()


@pytest.mark.django_db
def test_only_the_health_team_may_import(staff_user):
    with pytest.raises(CommandError):
        call_command("import_cases", str(SAMPLES / "standard.xlsx"), "--user", staff_user.username)
    with pytest.raises(CommandError):
        call_command("import_cases", str(SAMPLES / "standard.xlsx"), "--user", "nobody-here")
    with pytest.raises(CommandError):
        call_command("import_cases", str(SAMPLES / "standard.xlsx"))


@pytest.mark.django_db
def test_import_with_send_confirms_the_upload(health_user):
    from rpa.models import MessageKind, MessageTemplate, SenderNumber, Upload

    sender = SenderNumber.objects.create(number="0421234567", label="보건소")
    for kind in MessageKind.values:
        MessageTemplate.objects.update_or_create(
            kind=kind, defaults={"text": "{name}님, 보건소 안내입니다.", "sender": sender}
        )
    admin = UserFactory(role=roles.ADMIN)
    status, out, err = _run(
        str(SAMPLES / "duplicates.xlsx"), "--json", "--user", admin.username, "--send"
    )
    assert status == 0, err
    upload = Upload.objects.get(pk=json.loads(out)["upload"])
    assert upload.confirmed_at is not None


@pytest.mark.django_db
def test_send_refused_by_the_sending_side_is_a_command_error_and_keeps_the_preview(health_user):
    from rpa.models import Upload

    with pytest.raises(CommandError):
        call_command(
            "import_cases",
            str(SAMPLES / "standard.xlsx"),
            "--user",
            health_user.username,
            "--send",
            stdout=io.StringIO(),
        )
    assert Upload.objects.get().confirmed_at is None
