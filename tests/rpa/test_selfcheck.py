import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from rpa import services
from rpa.models import OutboxMessage, SelfCheck
from tests.rpa.conftest import TODAY
from tests.rpa.factories import quarantine_row, quarantined

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def today():
    return TODAY


def token_of(recipient):
    return services.selfcheck_token(recipient)


def test_quarantine_message_carries_a_working_link(health_user, templates):
    d = today()
    upload = quarantined(
        health_user, [quarantine_row(1, start=d, end=d + datetime.timedelta(days=7))]
    )
    message = upload.messages.get()
    assert "/s/" in message.text
    path = message.text.split("://", 1)[1].split("/", 1)[1]
    assert services.recipient_for_token(path.split("/")[1]) == message.recipient


def test_selfcheck_form_once_a_day_without_account(client, health_user, templates):
    d = today()
    upload = quarantined(
        health_user, [quarantine_row(1, start=d, end=d + datetime.timedelta(days=7))]
    )
    recipient = upload.recipients.get()
    url = reverse("rpa-selfcheck", args=[token_of(recipient)])
    assert client.get(url).status_code == 200
    response = client.post(url, {"temperature": "36.8", "symptoms": ["cough"]})
    assert response.status_code == 302 and response["Location"].endswith("/done/")
    client.post(url, {"temperature": "37.9"})
    assert str(SelfCheck.objects.get(recipient=recipient).temperature) == "36.8"
    assert client.get(url).status_code == 302


def test_forged_token_is_refused(client, health_user, templates):
    d = today()
    upload = quarantined(
        health_user, [quarantine_row(1, start=d, end=d + datetime.timedelta(days=7))]
    )
    token = token_of(upload.recipients.get())
    forged = token.replace(token.split(".")[0], str(int(token.split(".")[0]) + 1), 1)
    assert client.get(reverse("rpa-selfcheck", args=[forged])).status_code == 404
    assert client.get(reverse("rpa-selfcheck", args=["nonsense"])).status_code == 404


def test_token_expires_after_quarantine_end(health_user, templates):
    d = today()
    upload = quarantined(
        health_user, [quarantine_row(1, start=d, end=d + datetime.timedelta(days=2))]
    )
    token = token_of(upload.recipients.get())
    assert services.recipient_for_token(token, today=d + datetime.timedelta(days=2))
    assert services.recipient_for_token(token, today=d + datetime.timedelta(days=3)) is None


def test_reminders_go_to_those_without_todays_check_once_per_run(health_user, templates):
    d = today()
    end = d + datetime.timedelta(days=5)
    upload = quarantined(
        health_user,
        [
            quarantine_row(1, start=d, end=end),
            quarantine_row(2, start=d, end=end),
            quarantine_row(
                3, start=d - datetime.timedelta(days=10), end=d - datetime.timedelta(days=1)
            ),
        ],
    )
    checked = upload.recipients.get(phone="01000000002")
    services.submit_selfcheck(recipient=checked, temperature=Decimal("36.5"), symptoms=[], day=d)
    # The same person on a second sheet of the day is still one resident.
    quarantined(health_user, [quarantine_row(1, start=d, end=end, name="격리1")])

    assert services.send_selfcheck_reminders(day=d, slot="10:00") == 1
    assert services.send_selfcheck_reminders(day=d, slot="10:00") == 0
    reminders = OutboxMessage.objects.filter(kind="reminder")
    assert list(reminders.values_list("to", flat=True)) == ["01000000001"]
    assert "/s/" in reminders.get().text
    call_command("send_selfcheck_reminders", "--date", d.isoformat())
    assert reminders.count() == 2


def test_nobody_is_reminded_after_quarantine_end(health_user, templates):
    d = today()
    quarantined(health_user, [quarantine_row(1, start=d, end=d + datetime.timedelta(days=1))])
    assert services.send_selfcheck_reminders(day=d + datetime.timedelta(days=2), slot="10:00") == 0


def test_missing_checks_page_lists_masked_residents(client_for, health_user, templates):
    d = today()
    quarantined(health_user, [quarantine_row(7, start=d, end=d + datetime.timedelta(days=3))])
    page = client_for(health_user).get(reverse("rpa:missing_checks")).content.decode()
    assert "격리7" in page and "010-****-0007" in page


def test_purge_keeps_counts_and_drops_residents(health_user, templates):
    d = today()
    upload = quarantined(
        health_user, [quarantine_row(1, start=d, end=d + datetime.timedelta(days=3))]
    )
    assert services.purge_expired(today=d + datetime.timedelta(days=31)) == 1
    upload.refresh_from_db()
    assert upload.purged_at and not upload.recipients.exists() and not upload.file
    assert upload.final_counts == {"sent": 1}


def test_demo_seed_is_idempotent():
    from rpa import demo
    from rpa.models import MessageTemplate

    demo.seed()
    demo.seed()
    assert MessageTemplate.objects.count() == 5


def test_agency_report_has_configured_columns(health_user, templates):
    import io

    from openpyxl import load_workbook

    from rpa.models import ReportColumn

    ReportColumn.objects.all().delete()
    ReportColumn.objects.create(position=1, field="phone", header="연락처")
    ReportColumn.objects.create(position=2, field="name", header="성명")
    d = today()
    quarantined(
        health_user, [quarantine_row(1, start=d, end=d + datetime.timedelta(days=3), name="=cmd")]
    )
    report = services.request_agency_report(user=health_user, day=d)
    services.build_agency_report(report.pk)
    report.refresh_from_db()
    rows = list(load_workbook(io.BytesIO(report.file.read())).active.values)
    assert rows == [("연락처", "성명"), ("01000000001", "'=cmd")]


def test_one_link_hammering_the_form_is_rate_limited(client, health_user, templates):
    # Counters outlive a test run: the same link (same id, same end) may have been used by an
    # earlier run within the hour.
    cache.clear()
    d = today()
    upload = quarantined(
        health_user, [quarantine_row(1, start=d, end=d + datetime.timedelta(days=7))]
    )
    url = reverse("rpa-selfcheck", args=[token_of(upload.recipients.get())])
    statuses = [client.post(url, {"temperature": "bad"}).status_code for _ in range(31)]
    assert statuses[:30].count(429) == 0
    assert statuses[30] == 429
    assert "Too many tries" in client.post(url, {}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
