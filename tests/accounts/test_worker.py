"""Celery tasks run through a real worker and Redis."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.notifications import notify
from accounts.tasks import clear_expired_sessions
from tests.conftest import wait_for


@pytest.mark.django_db(transaction=True)
def test_worker_clears_expired_sessions(celery_worker):
    store = SessionStore()
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )
    clear_expired_sessions.delay()
    wait_for(lambda: not Session.objects.filter(session_key=store.session_key).exists())


@pytest.mark.django_db(transaction=True)
def test_notification_is_delivered_by_the_worker_after_commit(celery_worker, staff_user):
    notification = notify(
        recipient=staff_user, title="결재 요청", body="검토해 주세요", url="/approvals/"
    )
    notification.refresh_from_db()
    wait_for(lambda: type(notification).objects.get(pk=notification.pk).delivered_at is not None)
