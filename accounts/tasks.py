"""Celery tasks of accounts: notification delivery and housekeeping. Ids only, never personal data."""

from datetime import timedelta

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from . import notifications
from .models import Notification


@shared_task(
    acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5
)
def deliver_notification(notification_id: int) -> bool:
    return notifications.deliver(notification_id)


@shared_task
def deliver_pending_notifications() -> int:
    """Sweep: deliver notifications whose task never ran (broker down, worker killed)."""
    cutoff = timezone.now() - timedelta(minutes=1)
    ids = list(
        Notification.objects.filter(delivered_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    return sum(1 for pk in ids if notifications.deliver(pk))


@shared_task
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
