"""Reminders: counted in working hours on the office's one calendar, each sent once."""

from datetime import timedelta

import pytest

from accounts.models import Notification
from approvals import reminders
from approvals.models import Absence, DocumentType, SentNotice
from tests.approvals.factories import NOW, TODAY, general_document, make_org
from tests.factories import UserFactory
from worktime.models import OfficeHoliday

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return make_org()


def test_reminders_and_stuck_notices_are_sent_once(org):
    document = general_document(org, now=NOW)
    Notification.objects.all().delete()
    later = NOW + timedelta(days=10)
    assert reminders.send_due_reminders(now=later) == 2
    assert reminders.send_due_reminders(now=later) == 0
    assert Notification.objects.filter(recipient=org.lead).count() == 1
    assert Notification.objects.filter(recipient=org.applicant).count() == 1
    assert document.notices.count() == 3


def test_reminders_go_to_the_substitute_while_the_approver_is_away(org):
    document = general_document(org, now=NOW)
    deputy = UserFactory(role="manager")
    Absence.objects.create(approver=org.lead, substitute=deputy, start_date=TODAY, end_date=TODAY)
    reminders.send_due_reminders(now=NOW)
    assert document.notices.filter(kind="waiting", recipient=deputy).exists()


def test_an_office_holiday_is_not_a_working_hour_for_reminders(org):
    DocumentType.objects.filter(code="general").update(remind_after_hours=16)
    OfficeHoliday.objects.create(date=TODAY + timedelta(days=1), name="개청 기념일")
    document = general_document(org, now=NOW)
    reminded = SentNotice.objects.filter(document=document, kind=SentNotice.Kind.REMINDER)
    # Monday 09:00 to Wednesday 09:00 would be 16 working hours; Tuesday is the office's own.
    assert reminders.working_hours_since(NOW, now=NOW + timedelta(days=2)) == 8.0
    reminders.send_due_reminders(now=NOW + timedelta(days=2))
    assert not reminded.exists()
    reminders.send_due_reminders(now=NOW + timedelta(days=3))
    assert reminded.get().recipient == org.lead
