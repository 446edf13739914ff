"""Telling a person something: an in-app row now, e-mail and web push from a Celery worker.

Every app calls `notify()`; the row is the outbox, so a message is never lost when Redis is
down: `deliver_pending_notifications` (beat) picks up whatever the request could not enqueue.
"""

import logging
import unicodedata

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import push
from .models import Notification, User

logger = logging.getLogger(__name__)

# With the sweep every minute, a mail server may stay silent for about this many minutes.
MAX_DELIVERY_ATTEMPTS = 10


def notify(*, recipient: User, title: str, body: str = "", url: str = "") -> Notification:
    """Record a notification and schedule its e-mail and push copies after the commit."""
    notification = Notification.objects.create(recipient=recipient, title=title, body=body, url=url)
    transaction.on_commit(lambda: enqueue_delivery(notification.pk))
    return notification


def enqueue_delivery(notification_id: int) -> None:
    from .tasks import deliver_notification  # here: accounts.tasks imports this module

    try:
        deliver_notification.delay(notification_id)
    except Exception:
        # The broker is down: the periodic sweep delivers it when it is back.
        logger.warning("notification %s left for the sweep: broker unavailable", notification_id)


def one_line(text: str) -> str:
    """A mail subject from user data (a document's title): one line, whitespace collapsed.

    A line break in a header is refused by Django (it would let a title add headers).
    """
    printable = "".join(" " if unicodedata.category(char) == "Cc" else char for char in text)
    return " ".join(printable.split())


def _is_worth_retrying(exc: Exception) -> bool:
    # A mail server that refuses, drops or times out may answer later; anything else
    # (a message it cannot encode, a header it refuses) fails the same way every time.
    return isinstance(exc, OSError)


def _send_email(notification: Notification, user: User) -> None:
    link = (
        f"{settings.SITE_URL}{notification.url}"
        if notification.url.startswith("/")
        else notification.url
    )
    send_mail(
        subject=one_line(notification.title),
        message=f"{notification.body}\n\n{link}".strip(),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
        fail_silently=False,
    )


def deliver(notification_id: int) -> bool:
    """Send the e-mail and push copies of one notification, once. Returns whether it was sent now.

    Never raises for one notification's trouble: a failure is logged by id and kind of error,
    recorded on the row, and the sweep goes on with the next. A mail server that does not
    answer is tried again by the next sweeps (push waits, so it is not sent twice), up to
    MAX_DELIVERY_ATTEMPTS; then the notification is given up on with its failure recorded.
    """
    try:
        return _deliver(notification_id)
    except Exception as exc:  # noqa: BLE001  the next notification must still go out
        # The kind of error only: its text may quote a title or an address.
        logger.warning("notification %s: delivery failed: %s", notification_id, type(exc).__name__)
        Notification.objects.filter(pk=notification_id, delivered_at__isnull=True).update(
            delivery_attempts=F("delivery_attempts") + 1,
            delivery_error=f"delivery: {type(exc).__name__}"[:200],
        )
        return False


def _deliver(notification_id: int) -> bool:
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
        notification.delivery_attempts += 1
        failures = []
        if user.notify_email and user.email:
            try:
                _send_email(notification, user)
            except Exception as exc:  # noqa: BLE001  recorded below; push still goes out
                failure = f"e-mail: {type(exc).__name__}"
                logger.warning(
                    "notification %s: %s (attempt %s)",
                    notification.pk,
                    failure,
                    notification.delivery_attempts,
                )
                if (
                    _is_worth_retrying(exc)
                    and notification.delivery_attempts < MAX_DELIVERY_ATTEMPTS
                ):
                    notification.delivery_error = failure
                    notification.save(update_fields=["delivery_attempts", "delivery_error"])
                    return False
                failures.append(failure)
        if user.notify_push and settings.VAPID_PRIVATE_KEY:
            failures += push.send_to_all(
                user,
                {"title": notification.title, "body": notification.body, "url": notification.url},
            )
        notification.delivered_at = timezone.now()
        notification.delivery_error = "; ".join(failures)[:200]
        notification.save(update_fields=["delivered_at", "delivery_attempts", "delivery_error"])
    return True


def mark_read(*, user: User, notification_ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
