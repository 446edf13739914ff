"""Notifications go out through the real Celery worker, once each."""

import pytest

from accounts.models import Notification
from approvals import services
from approvals.models import DocumentType, SentNotice
from approvals.tasks import send_reminders
from tests.approvals.factories import general_document, make_org
from tests.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_approver_and_applicant_are_told_through_the_worker(celery_worker):
    org = make_org()
    document = general_document(org)
    waiting = wait_for(
        lambda: Notification.objects.filter(recipient=org.lead, delivered_at__isnull=False).first()
    )
    assert document.title in waiting.title
    services.approve(document=document, actor=org.lead)
    services.approve(document=document, actor=org.chief)
    outcome = wait_for(
        lambda: Notification.objects.filter(
            recipient=org.applicant, delivered_at__isnull=False
        ).first()
    )
    assert document.title in outcome.title


def test_reminder_task_runs_on_the_worker_and_sends_once(celery_worker):
    org = make_org()
    document = general_document(org)
    DocumentType.objects.filter(code="general").update(remind_after_hours=0, stuck_after_hours=0)
    send_reminders.delay()
    wait_for(lambda: SentNotice.objects.filter(document=document, kind="stuck").exists())
    send_reminders.delay()
    send_reminders.delay()
    wait_for(
        lambda: Notification.objects.filter(
            recipient=org.applicant, delivered_at__isnull=False
        ).exists()
    )
    assert SentNotice.objects.filter(document=document, kind="reminder").count() == 1
    assert Notification.objects.filter(recipient=org.applicant).count() == 1
    assert Notification.objects.filter(recipient=org.lead).count() == 2
