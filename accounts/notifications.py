"""Telling a person something: an in-app row now, e-mail and web push from a Celery worker.

Every app calls `notify()`; the row is the outbox, so a message is never lost when Redis is
down: `deliver_pending_notifications` (beat) picks up whatever the request could not enqueue.
"""

import json
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification, PushSubscription, User

logger = logging.getLogger(__name__)


def notify(*, recipient: User, title: str, body: str = "", url: str = "") -> Notification:
    """Record a notification and schedule its e-mail and push copies after the commit."""
    notification = Notification.objects.create(recipient=recipient, title=title, body=body, url=url)
    transaction.on_commit(lambda: enqueue_delivery(notification.pk))
    return notification


def enqueue_delivery(notification_id: int) -> None:
    from .tasks import deliver_notification

    try:
        deliver_notification.delay(notification_id)
    except Exception:
        # The broker is down: the periodic sweep delivers it when it is back.
        logger.warning("notification %s left for the sweep: broker unavailable", notification_id)


def deliver(notification_id: int) -> bool:
    """Send the e-mail and push copies of one notification, once. Returns whether it was sent now."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .select_related("recipient")
            .filter(pk=notification_id, delivered_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        user = notification.recipient
        link = (
            f"{settings.SITE_URL}{notification.url}"
            if notification.url.startswith("/")
            else notification.url
        )
        if user.notify_email and user.email:
            send_mail(
                subject=notification.title,
                message=f"{notification.body}\n\n{link}".strip(),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[user.email],
                fail_silently=False,
            )
        if user.notify_push and settings.VAPID_PRIVATE_KEY:
            _push(
                user,
                {"title": notification.title, "body": notification.body, "url": notification.url},
            )
        notification.delivered_at = timezone.now()
        notification.save(update_fields=["delivered_at"])
    return True


def _push(user: User, payload: dict) -> None:
    from pywebpush import WebPushException, webpush

    for subscription in PushSubscription.objects.filter(user=user):
        try:
            webpush(
                subscription_info={
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                },
                data=json.dumps(payload),
                vapid_private_key=settings.VAPID_PRIVATE_KEY,
                vapid_claims={"sub": settings.VAPID_CLAIMS_SUB},
                timeout=5,
            )
        except WebPushException as exc:
            status = getattr(exc.response, "status_code", None)
            if status in (404, 410):
                # The browser unsubscribed: forget the endpoint.
                subscription.delete()
            else:
                logger.warning(
                    "web push failed for subscription %s: HTTP %s", subscription.pk, status
                )


def mark_read(*, user: User, notification_ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
