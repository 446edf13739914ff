"""What the team's actions and the sending worker both do to the outbox: wake the senders, stop
what is queued, finish uploads, record what the provider took.
"""

import datetime
import logging

import redis
from django.conf import settings
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from core import clock

from .. import gateway, sql
from ..models import MessageKind, OutboxMessage, Upload

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status
# Not settled yet: an upload with any of these is still being sent.
PENDING_STATUSES = (Status.QUEUED, Status.SENDING, Status.UNKNOWN)

# What the provider is asked about a message by (see `pending`).
PENDING_FIELDS = (
    "id",
    "client_id",
    "to",
    "sender",
    "channel",
    "batch_key",
    "upload_id",
    "updated_at",
)


def enqueue_sending(count: int | None = None) -> None:
    """Wake senders; a broker that does not answer is fine, the beat sweep wakes them later."""
    from ..tasks import send_outbox  # here: a cycle, rpa.tasks imports rpa.services

    if not broker_answers():
        logger.warning("outbox left for the sweep: broker unavailable")
        return
    for _i in range(count or settings.RPA_SEND_PARALLELISM):
        try:
            send_outbox.apply_async(retry=False)
        except Exception:
            logger.warning("outbox left for the sweep: broker unavailable")
            return


def broker_answers() -> bool:
    """A half-second check: the broker client would otherwise retry for seconds in a request."""
    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=0.5, socket_timeout=0.5, retry=None
        )
        return bool(client.ping())
    except (redis.RedisError, OSError, ValueError):
        return False


def lost_answer_status(provider: gateway.Provider) -> str:
    """Where a message goes whose send answer was lost: asked about, or left to a person."""
    return Status.UNKNOWN if provider.finds_lost_sends else Status.UNCERTAIN


def stop_queued(messages, *, now: datetime.datetime | None = None) -> int:
    """Stop these messages where they are still queued; returns how many."""
    # The dedupe key is released, so a later upload of the day may text these residents.
    return messages.filter(status=Status.QUEUED).update(
        status=Status.STOPPED,
        failure_reason=_("Stopped before sending."),
        dedupe_key=Concat(
            F("dedupe_key"), Value("#stopped:"), Cast("id", CharField()), output_field=CharField()
        ),
        updated_at=now or clock.now(),
    )


def hold_back_stopped(ids: list[int], *, now: datetime.datetime | None = None) -> None:
    """Messages that went back to the queue of an upload stopped meanwhile are stopped too.

    Their uploads are read FOR SHARE: a concurrent stop either committed first and is seen
    here, or waits for this transaction and then finds these messages queued and stops them.
    Without this they would sit queued, skipped by every claim, until the beat's sweep.
    """
    stopped = sql.stopped_uploads_of(ids)
    if stopped:
        stop_queued(
            OutboxMessage.objects.filter(pk__in=ids, upload_id__in=stopped).exclude(
                kind=MessageKind.REMINDER
            ),
            now=now,
        )


def finish_uploads(upload_ids: set[int], *, now: datetime.datetime | None = None) -> None:
    """Uploads being sent whose every message is settled are done."""
    if not upload_ids:
        return
    Upload.objects.filter(pk__in=upload_ids, status=Upload.Status.CONFIRMED).exclude(
        pk__in=OutboxMessage.objects.filter(
            upload_id__in=upload_ids, status__in=PENDING_STATUSES
        ).values("upload_id")
    ).update(status=Upload.Status.DONE, finished_at=now or clock.now())


def pending(row: dict) -> gateway.Pending:
    """A message as the provider is asked about it (a row with PENDING_FIELDS and maybe more)."""
    return gateway.Pending(
        client_id=str(row["client_id"]),
        to=row["to"],
        sender=row["sender"],
        batch_key=str(row.get("batch_key") or ""),
        request_id=row.get("gateway_request_id", ""),
        message_id=row.get("gateway_message_id", ""),
        via=row.get("sent_via", ""),
        # Untouched since the claim: the time the provider may have taken it.
        since=row["updated_at"],
    )


def mark_found_sent(
    found: list[tuple[int, gateway.Found]], *, now: datetime.datetime | None = None
) -> None:
    """Messages a look-up found at the provider are sent (a failover went as their channel)."""
    sql.mark_sent(
        [
            (pk, f.message_id, f.request_id, "" if f.via == gateway.FAILOVER else f.via)
            for pk, f in found
        ],
        now=now or clock.now(),
    )
