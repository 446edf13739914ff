"""The sending worker's loop: claim a batch, send it in one request, record each outcome; and
the beat's sweep that wakes senders when work is overdue.
"""

import datetime
import logging
import uuid
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from core import clock

from .. import gateway, rules, sql
from ..models import MessageKind, OutboxMessage, Upload
from .outbox import (
    Status,
    enqueue_sending,
    finish_uploads,
    hold_back_stopped,
    lost_answer_status,
    stop_queued,
)

logger = logging.getLogger(__name__)

# What a sender may take: messages of an upload not stopped; reminders go out even then.
SENDABLE = ~Q(upload__status=Upload.Status.STOPPED) | Q(kind=MessageKind.REMINDER)


def claim_outbox_batch(
    limit: int | None = None, *, now: datetime.datetime | None = None
) -> list[int]:
    """Claim due messages, oldest first, and mark them `sending` (committed) before any
    gateway call; returns their ids. Those another sender holds are skipped, not waited for.
    """
    # No more than the provider takes in one request (SENS: 100).
    limit = min(limit or settings.RPA_SEND_BATCH_SIZE, gateway.provider().max_batch)
    now = now or clock.now()
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(SENDABLE, status=Status.QUEUED, next_attempt_at__lte=now)
            .order_by("id")
            .values_list("id", flat=True)[:limit]
        )
        # One batch key for the whole claim: the send request's key at providers that keep ours.
        OutboxMessage.objects.filter(pk__in=ids).update(
            status=Status.SENDING,
            attempts=F("attempts") + 1,
            updated_at=now,
            batch_key=uuid.uuid4(),
        )
    return ids


def send_claimed(ids: list[int], *, now: datetime.datetime | None = None) -> float | None:
    """Send claimed messages in one request and record each outcome.

    The rows stay locked during the call: a worker killed mid-call leaves them `sending`
    and unlocked, which is how the reconciler knows nobody is working on them.
    Returns seconds to wait when the gateway said 429, else None.
    """
    upload_ids: set[int] = set()
    provider = gateway.provider()
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update()
            .filter(pk__in=ids, status=Status.SENDING)
            .order_by("id")
            .values(
                "id",
                "client_id",
                "to",
                "sender",
                "text",
                "channel",
                "attempts",
                "upload_id",
                "batch_key",
                "alimtalk_template",
            )
        )
        if not rows:
            return None
        upload_ids = {row["upload_id"] for row in rows}
        row_ids = [row["id"] for row in rows]
        payload = [
            gateway.Outgoing(
                client_id=str(row["client_id"]),
                to=row["to"],
                sender=row["sender"],
                text=row["text"],
                channel=row["channel"],
                alimtalk_template=row["alimtalk_template"],
            )
            for row in rows
        ]
        try:
            results = provider.send_batch(payload, batch_key=str(rows[0]["batch_key"] or ""))
        except gateway.RateLimited as limited:
            # The answer's moment: the call may have taken seconds.
            answered = now or clock.now()
            _back_to_queue(row_ids, limited.retry_after, now=answered)
            hold_back_stopped(row_ids, now=answered)
            return limited.retry_after
        except gateway.GatewayUnavailable as error:
            answered = now or clock.now()
            _retry_later(rows, str(error), now=answered)
            hold_back_stopped(row_ids, now=answered)
            logger.warning("gateway unavailable for %s messages: %s", len(rows), error)
            return None
        except gateway.OutcomeUnknown as error:
            answered = now or clock.now()
            OutboxMessage.objects.filter(pk__in=row_ids).update(
                status=lost_answer_status(provider),
                next_attempt_at=answered + datetime.timedelta(seconds=error.wait),
                failure_reason=str(error)[:255],
            )
            logger.warning("outcome unknown for %s messages: %s", len(rows), error)
            finish_uploads(upload_ids, now=answered)
            return None
        answered = now or clock.now()
        _record_results(rows, results, lost=lost_answer_status(provider), now=answered)
        hold_back_stopped(row_ids, now=answered)
    finish_uploads(upload_ids, now=answered)
    return None


def _record_results(
    rows: list[dict], results: list[gateway.SendResult], *, lost: str, now: datetime.datetime
) -> None:
    by_client = {result.client_id: result for result in results}
    accepted: list[tuple[int, str, str, str]] = []
    failed: list[dict] = []
    temporary: list[dict] = []
    unanswered: list[int] = []
    throttled: dict[int, float] = {}
    for row in rows:
        result = by_client.get(str(row["client_id"]))
        if result is None or result.unknown:
            unanswered.append(row["id"])
        elif result.retry_after is not None:
            throttled[row["id"]] = result.retry_after
        elif result.accepted:
            # Until the provider's result says otherwise, it goes the way it was sent.
            accepted.append((row["id"], result.message_id, result.request_id, result.via))
        elif result.permanent:
            failed.append({"id": row["id"], "reason": (result.reason or result.code)[:255]})
        else:
            temporary.append({**row, "reason": result.reason or result.code})
    sql.mark_sent(accepted, now=now)
    for reason, group in _group_by(failed, "reason").items():
        OutboxMessage.objects.filter(pk__in=[row["id"] for row in group]).update(
            status=Status.FAILED, failure_reason=reason, updated_at=now
        )
    if unanswered:
        OutboxMessage.objects.filter(pk__in=unanswered).update(status=lost, next_attempt_at=now)
    for reason, group in _group_by(temporary, "reason").items():
        _retry_later(group, reason, now=now)
    if throttled:
        _back_to_queue(list(throttled), max(throttled.values()), now=now)


def _back_to_queue(ids: list[int], wait: float, *, now: datetime.datetime) -> None:
    """A 429: nothing was taken, so the attempt does not count; due again after `wait`."""
    OutboxMessage.objects.filter(pk__in=ids).update(
        status=Status.QUEUED,
        attempts=F("attempts") - 1,
        next_attempt_at=now + datetime.timedelta(seconds=wait),
    )


def _group_by(rows: list[dict], key: str) -> dict:
    groups = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return groups


def _retry_later(rows: list[dict], reason: str, *, now: datetime.datetime) -> None:
    """Temporary failure: back to the queue after a growing delay, or failed after the last try."""
    for attempts, group in _group_by(rows, "attempts").items():
        ids = [row["id"] for row in group]
        if attempts >= settings.RPA_MAX_ATTEMPTS:
            OutboxMessage.objects.filter(pk__in=ids).update(
                status=Status.FAILED, failure_reason=reason[:255], updated_at=now
            )
        else:
            delay = rules.retry_delay(attempts, settings.RPA_RETRY_BASE_SECONDS)
            OutboxMessage.objects.filter(pk__in=ids).update(
                status=Status.QUEUED,
                next_attempt_at=now + datetime.timedelta(seconds=delay),
                failure_reason=reason[:255],
                updated_at=now,
            )


def next_due_in(*, now: datetime.datetime | None = None) -> float | None:
    """Seconds until the next message waiting for a retry is due, None when nothing waits."""
    first = (
        OutboxMessage.objects.filter(SENDABLE, status__in=(Status.QUEUED, Status.UNKNOWN))
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if first is None:
        return None
    return max((first - (now or clock.now())).total_seconds(), 0.0)


def sweep_outbox(*, now: datetime.datetime | None = None) -> bool:
    """What the beat does every 30 s: settle stopped uploads and wake senders if work is due."""
    now = now or clock.now()
    stop_queued(
        OutboxMessage.objects.filter(upload__status=Upload.Status.STOPPED).exclude(
            kind=MessageKind.REMINDER
        ),
        now=now,
    )
    stale = now - datetime.timedelta(seconds=settings.RPA_STALE_SENDING_SECONDS)
    # Overdue, not merely due: a running sender chain picks up what just became due.
    overdue = now - datetime.timedelta(seconds=10)
    due = OutboxMessage.objects.filter(
        Q(status__in=(Status.QUEUED, Status.UNKNOWN), next_attempt_at__lte=overdue)
        | Q(status=Status.SENDING, updated_at__lt=stale)
    ).exists()
    if due:
        enqueue_sending()
    return due
