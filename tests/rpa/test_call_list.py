"""After the reminders, who still has not answered is a call list: phones, outcomes, notes."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from rpa import selfcheck_selectors, services
from rpa.models import AccessLog, CallLog
from tests.rpa.conftest import TODAY
from tests.rpa.factories import quarantine_row, quarantined

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def today():
    return TODAY


@pytest.fixture
def reminded(health_user, templates):
    """Two residents reminded this morning: one answered since, one did not."""
    d = today()
    upload = quarantined(
        health_user,
        [
            quarantine_row(1, start=d - datetime.timedelta(days=1), end=d + datetime.timedelta(5)),
            quarantine_row(2, start=d, end=d + datetime.timedelta(days=5)),
        ],
    )
    assert services.send_selfcheck_reminders(day=d, slot="10:00") == 2
    answered = upload.recipients.get(row=3)
    services.submit_selfcheck(recipient=answered, temperature=Decimal("36.5"), symptoms=[], day=d)
    return upload.recipients.get(row=2)


def test_the_call_list_shows_the_unanswered_with_their_phone_and_logs_the_view(
    client_for, health_user, reminded
):
    page = client_for(health_user).get(reverse("rpa:call_list")).content.decode()
    assert "격리1" in page and "01000000001" in page
    assert "격리2" not in page
    log = AccessLog.objects.get(user=health_user)
    assert log.what == f"call list {today()}"


def test_nobody_is_on_the_call_list_before_a_reminder_went_out(client_for, health_user, templates):
    d = today()
    quarantined(health_user, [quarantine_row(5, start=d, end=d + datetime.timedelta(days=3))])
    page = client_for(health_user).get(reverse("rpa:call_list")).content.decode()
    assert "01000000005" not in page


def test_missing_two_days_in_a_row_stands_out(client_for, health_user, reminded):
    page = client_for(health_user).get(reverse("rpa:call_list")).content.decode()
    entry = page[page.index("격리1") - 200 : page.index("격리1") + 200]
    assert "rpa-two-days" in entry


def test_a_call_is_recorded_with_its_outcome_and_note_and_shown(client_for, health_user, reminded):
    client = client_for(health_user)
    url = reverse("rpa:record_call", args=[reminded.pk]) + f"?day={today()}"
    response = client.post(url, {"outcome": "not_reached", "note": "전화 꺼짐"})
    assert response.status_code == 302
    call = CallLog.objects.get()
    assert (call.outcome, call.note, call.called_by, call.day) == (
        "not_reached",
        "전화 꺼짐",
        health_user,
        today(),
    )
    page = client.get(reverse("rpa:call_list")).content.decode()
    assert "전화 꺼짐" in page


def test_a_call_without_an_outcome_is_refused_and_nothing_is_recorded(
    client_for, health_user, reminded
):
    client = client_for(health_user)
    url = reverse("rpa:record_call", args=[reminded.pk])
    response = client.post(url, {"outcome": "maybe"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Choose whether the resident was reached" in response.content.decode()
    assert not CallLog.objects.exists()


def test_the_call_list_is_only_for_the_health_team(client_for, staff_user, reminded):
    client = client_for(staff_user)
    assert client.get(reverse("rpa:call_list")).status_code == 403
    url = reverse("rpa:record_call", args=[reminded.pk])
    assert client.post(url, {"outcome": "reached"}).status_code == 403
    assert not CallLog.objects.exists() and not AccessLog.objects.exists()


def test_the_reminder_times_are_read_from_the_admins_jobs(db):
    job = PeriodicTask.objects.get(name="rpa-selfcheck-reminders-15:00")
    job.crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="16", timezone="Asia/Seoul"
    )
    job.save()
    assert selfcheck_selectors.reminder_times() == ["10:00", "16:30"]
    noon = timezone.make_aware(datetime.datetime.combine(today(), datetime.time(12, 0)))
    evening = noon.replace(hour=17)
    assert not selfcheck_selectors.reminders_done(today(), now=noon)
    assert selfcheck_selectors.reminders_done(today(), now=evening)
