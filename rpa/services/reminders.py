"""Self-check reminders: a text to every quarantined resident who has not checked in today."""

import datetime
import logging

from django.db import transaction

from core import clock

from .. import rules
from ..messages import render_message
from ..models import MessageKind, MessageTemplate, OutboxMessage
from ..readiness import sender_problem
from ..selfcheck_selectors import quarantined_without_check
from .outbox import enqueue_sending

logger = logging.getLogger(__name__)


def send_selfcheck_reminders(
    *, day: datetime.date | None = None, slot: str = "", now: datetime.datetime | None = None
) -> int:
    """Text every quarantined resident without the day's check (today's by default), once this
    run (`slot`, e.g. "10:00"; a manual run is its own slot); returns the count."""
    now = now or clock.now()
    day = day or clock.today(now)
    slot = slot or f"manual-{clock.local_now(now):%H%M%S%f}"
    template = (
        MessageTemplate.objects.select_related("sender").filter(kind=MessageKind.REMINDER).first()
    )
    if template is None:
        logger.warning("no reminder template: self-check reminders not sent")
        return 0
    if sender_problem([template]):
        logger.warning("no sender number in use: self-check reminders not sent")
        return 0
    messages = []
    for recipient in quarantined_without_check(day):
        text, _length, channel = render_message(template, recipient)
        if channel is None:
            continue
        person = rules.resident_key(name=recipient.name, phone=recipient.phone)
        messages.append(
            OutboxMessage(
                recipient=recipient,
                upload=recipient.upload,
                kind=MessageKind.REMINDER,
                dedupe_key=f"reminder|{day.isoformat()}|{slot}|{person}",
                to=recipient.phone,
                sender=template.sender.number if template.sender_id else "",
                text=text,
                channel=channel,
                next_attempt_at=now,
            )
        )
    with transaction.atomic():
        keys = [m.dedupe_key for m in messages]
        existing = set(
            OutboxMessage.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
        )
        OutboxMessage.objects.bulk_create(messages, batch_size=2000, ignore_conflicts=True)
        transaction.on_commit(enqueue_sending)
    created = len(set(keys) - existing)
    logger.info("self-check reminders for %s (%s): %s", day, slot, created)
    return created
