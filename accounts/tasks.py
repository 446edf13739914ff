"""Celery tasks of accounts: notification delivery and housekeeping. Ids only, never personal data."""

from datetime import timedelta

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from . import notifications
from .models import Notification


@shared_task(acks_late=True)
def deliver_notification(notification_id: int) -> bool:
    # A failure is recorded on the row and left to the sweep: nothing here raises.
    return notifications.deliver(notification_id)


@shared_task
def deliver_pending_notifications() -> int:
    """Sweep: deliver notifications whose task never ran or whose mail server did not answer.

    Each is delivered on its own (`deliver` never raises for one), so a bad one stops none
    of the rest; the least tried go first, so a few that keep failing never starve the others.
    """
    cutoff = timezone.now() - timedelta(minutes=1)
    ids = list(
        Notification.objects.filter(
            delivered_at__isnull=True,
            created_at__lt=cutoff,
            delivery_attempts__lt=notifications.MAX_DELIVERY_ATTEMPTS,
        )
        .order_by("delivery_attempts", "created_at")
        .values_list("pk", flat=True)[:500]
    )
    return sum(1 for pk in ids if notifications.deliver(pk))


@shared_task
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
