"""Sending: confirmation, stop and resend, the outbox worker and its sweep."""

import datetime
import logging
from collections import defaultdict

import redis
from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, F, Func, Q, UUIDField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg2.extras import execute_values

from .. import gateway, rules
from ..messages import render_message
from ..models import MessageKind, MessageTemplate, OutboxMessage, Recipient, Upload
from ..readiness import sender_problem
from .bulk import copy_insert
from .uploads import _mark_already_messaged

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status
PENDING_STATUSES = (Status.QUEUED, Status.SENDING, Status.UNKNOWN)


def lost_answer_status(provider: gateway.Provider) -> str:
    """Where a message goes whose send answer was lost: asked about, or left to a person."""
    return Status.UNKNOWN if provider.finds_lost_sends else Status.UNCERTAIN


class SendRefused(Exception):
    """Confirmation, stop or resend cannot be done; `message` is one sentence for the team."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- confirmation --------------------------------------------------------------------------


def confirm_send(*, upload: Upload, user) -> int:
    """Put one message for every valid, not yet texted resident into the outbox; returns the count.

    Works with Redis down: the rows are the work, the broker only wakes workers (the beat
    sweep wakes them too). The unique dedupe key stops a concurrent confirmation of another
    upload from texting the same person twice.
    """
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=upload.pk)
        if upload.purged_at is not None:
            raise SendRefused(_("This sheet has been purged and can no longer be sent."))
        if upload.status != Upload.Status.PREVIEWED:
            raise SendRefused(_("This sheet has already been confirmed."))
        _mark_already_messaged(upload)
        recipients = Recipient.objects.filter(
            upload=upload, status=Recipient.Status.VALID, already_messaged_by__isnull=True
        ).order_by("row")
        kinds = set(recipients.values_list("message_kind", flat=True).distinct())
        templates = {
            t.kind: t
            for t in MessageTemplate.objects.select_related("sender").filter(kind__in=kinds)
        }
        missing = sorted(kinds - set(templates))
        if missing:
            raise SendRefused(
                _("There is no message template for %(kind)s: an administrator must add one first.")
                % {"kind": MessageKind(missing[0]).label}
            )
        problem = sender_problem(templates.values())
        if problem:
            raise SendRefused(problem)
        now = timezone.now()
        prefix = f"{upload.day.isoformat()}|"
        too_long_reason = _("The message is longer than 2,000 bytes.")
        rows = []
        for recipient in recipients.only(*MESSAGE_FIELDS).iterator(chunk_size=5000):
            template = templates[recipient.message_kind]
            text, _length, channel = render_message(template, recipient)
            too_long = channel is None
            rows.append(
                (
                    recipient.pk,
                    upload.pk,
                    recipient.message_kind,
                    prefix + recipient.person_key,
                    recipient.phone,
                    template.sender.number if template.sender_id else "",
                    text,
                    OutboxMessage.Channel.LMS if too_long else channel,
                    Status.FAILED if too_long else Status.QUEUED,
                    too_long_reason if too_long else "",
                    template.alimtalk_template_code,
                )
            )
        # A dedupe key another upload's confirmation claimed meanwhile is skipped.
        copy_insert(
            OutboxMessage, OUTBOX_COLUMNS, rows, computed=OUTBOX_COMPUTED, skip_conflicts=True
        )
        # A concurrent confirmation may have claimed some keys first: show who texted them.
        _mark_already_messaged(upload)
        upload.status = Upload.Status.CONFIRMED
        upload.confirmed_at = now
        upload.confirmed_by = user
        upload.save(update_fields=["status", "confirmed_at", "confirmed_by"])
        created = upload.messages.count()
        transaction.on_commit(enqueue_sending)
    return created


# What rendering a resident's message reads (see messages.message_context).
MESSAGE_FIELDS = (
    "pk",
    "name",
    "phone",
    "test_date",
    "quarantine_start",
    "quarantine_end",
    "message_kind",
    "person_key",
)
OUTBOX_COLUMNS = (
    "recipient_id",
    "upload_id",
    "kind",
    "dedupe_key",
    "to",
    "sender",
    "text",
    "channel",
    "status",
    "failure_reason",
    "alimtalk_template",
)
OUTBOX_COMPUTED = {
    "client_id": "gen_random_uuid()",
    "attempts": "0",
    "next_attempt_at": "now()",
    "gateway_message_id": "''",
    "gateway_request_id": "''",
    "sent_via": "''",
    "created_at": "now()",
    "updated_at": "now()",
}


def enqueue_sending(count: int | None = None) -> None:
    """Wake senders; a broker that does not answer is fine, the beat sweep wakes them later."""
    from ..tasks import send_outbox  # here: rpa.tasks imports rpa.services

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


def stop_sending(*, upload: Upload, user) -> int:
    """Stop what has not gone yet; returns how many messages were stopped."""
    # Two steps, so that this never holds the upload while it waits for a message: senders
    # hold their messages and then read the upload (_hold_back_stopped); the other order here
    # would deadlock with them. First the upload is marked stopped: from its commit on, no
    # claim takes its messages and a sender putting some back in the queue stops them itself.
    # A sender that read it just before has committed by then (its FOR SHARE made this wait),
    # so the second step finds what it put back.
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=upload.pk)
        if upload.status not in (Upload.Status.CONFIRMED, Upload.Status.DONE):
            raise SendRefused(_("Only a sheet that is being sent can be stopped."))
        upload.status = Upload.Status.STOPPED
        upload.finished_at = timezone.now()
        upload.save(update_fields=["status", "finished_at"])
    # Should this step not run (the process dies), the beat's sweep stops these messages.
    stopped = _stop_queued(OutboxMessage.objects.filter(upload=upload))
    logger.info("upload %s stopped: %s messages", upload.pk, stopped)
    return stopped


def _stop_queued(messages) -> int:
    # The dedupe key is released, so a later upload of the day may text these residents.
    return messages.filter(status=Status.QUEUED).update(
        status=Status.STOPPED,
        failure_reason=_("Stopped before sending."),
        dedupe_key=Concat(
            F("dedupe_key"), Value("#stopped:"), Cast("id", CharField()), output_field=CharField()
        ),
        updated_at=timezone.now(),
    )


def resend_failed(*, upload: Upload, user) -> int:
    """Queue the failed messages again, each under a new client id; returns the count."""
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=upload.pk)
        if upload.purged_at is not None or upload.status == Upload.Status.PREVIEWED:
            raise SendRefused(_("Only a confirmed sheet can resend its failed messages."))
        count = OutboxMessage.objects.filter(upload=upload, status=Status.FAILED).update(
            status=Status.QUEUED,
            # The failed id was never accepted (or failed on delivery): a new id is a new text.
            client_id=Func(function="gen_random_uuid", output_field=UUIDField()),
            attempts=0,
            next_attempt_at=timezone.now(),
            failure_reason="",
            updated_at=timezone.now(),
        )
        if count:
            upload.status = Upload.Status.CONFIRMED
            upload.finished_at = None
            upload.save(update_fields=["status", "finished_at"])
            transaction.on_commit(enqueue_sending)
    return count


# --- the sending worker --------------------------------------------------------------------

# One batch key for the whole claim: the send request's key at providers that keep ours.
CLAIM_SQL = """
WITH batch AS (SELECT gen_random_uuid() AS key)
UPDATE rpa_outboxmessage SET status = 'sending', attempts = attempts + 1, updated_at = now(),
    batch_key = (SELECT key FROM batch)
WHERE id IN (
    SELECT m.id FROM rpa_outboxmessage m
    JOIN rpa_upload u ON u.id = m.upload_id
    WHERE m.status = 'queued' AND m.next_attempt_at <= now()
      AND (u.status <> 'stopped' OR m.kind = 'reminder')
    ORDER BY m.id
    LIMIT %s
    FOR UPDATE OF m SKIP LOCKED
)
RETURNING id
"""


def claim_outbox_batch(limit: int | None = None) -> list[int]:
    """Claim due messages and mark them `sending` (committed) before any gateway call."""
    # No more than the provider takes in one request (SENS: 100).
    limit = min(limit or settings.RPA_SEND_BATCH_SIZE, gateway.provider().max_batch)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL, [limit])
        return sorted(row[0] for row in cursor.fetchall())


def send_claimed(ids: list[int]) -> float | None:
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
            _back_to_queue(row_ids, limited.retry_after)
            _hold_back_stopped(row_ids)
            return limited.retry_after
        except gateway.GatewayUnavailable as error:
            _retry_later(rows, str(error))
            _hold_back_stopped(row_ids)
            logger.warning("gateway unavailable for %s messages: %s", len(rows), error)
            return None
        except gateway.OutcomeUnknown as error:
            OutboxMessage.objects.filter(pk__in=row_ids).update(
                status=lost_answer_status(provider),
                next_attempt_at=timezone.now() + datetime.timedelta(seconds=error.wait),
                failure_reason=str(error)[:255],
            )
            logger.warning("outcome unknown for %s messages: %s", len(rows), error)
            _finish_uploads(upload_ids)
            return None
        _record_results(rows, results, lost=lost_answer_status(provider))
        _hold_back_stopped(row_ids)
    _finish_uploads(upload_ids)
    return None


def _hold_back_stopped(ids: list[int]) -> None:
    """Messages that went back to the queue of an upload stopped meanwhile are stopped too.

    Their uploads are read FOR SHARE: a concurrent stop either committed first and is seen
    here, or waits for this transaction and then finds these messages queued and stops them.
    Without this they would sit queued, skipped by every claim, until the beat's sweep.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, status FROM rpa_upload WHERE id IN "
            "(SELECT DISTINCT upload_id FROM rpa_outboxmessage WHERE id = ANY(%s)) "
            "ORDER BY id FOR SHARE",
            [list(ids)],
        )
        stopped = [pk for pk, status in cursor.fetchall() if status == Upload.Status.STOPPED]
    if stopped:
        _stop_queued(
            OutboxMessage.objects.filter(pk__in=ids, upload_id__in=stopped).exclude(
                kind=MessageKind.REMINDER
            )
        )


def _record_results(rows: list[dict], results: list[gateway.SendResult], *, lost: str) -> None:
    by_client = {result.client_id: result for result in results}
    accepted: list[tuple[int, str, str, str]] = []
    failed: list[tuple[int, str]] = []
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
            accepted.append(
                (row["id"], result.message_id, result.request_id, result.via or row["channel"])
            )
        elif result.permanent:
            failed.append((row["id"], (result.reason or result.code)[:255]))
        else:
            temporary.append({**row, "reason": result.reason or result.code})
    with connection.cursor() as cursor:
        if accepted:
            execute_values(
                cursor.cursor,
                """UPDATE rpa_outboxmessage o SET status = 'sent', sent_at = now(), updated_at = now(),
                   gateway_message_id = v.mid, gateway_request_id = v.rid, sent_via = v.via,
                   failure_reason = ''
                   FROM (VALUES %s) AS v(id, mid, rid, via) WHERE o.id = v.id""",
                accepted,
                page_size=1000,
            )
        if failed:
            execute_values(
                cursor.cursor,
                """UPDATE rpa_outboxmessage o SET status = 'failed', updated_at = now(),
                   failure_reason = v.reason
                   FROM (VALUES %s) AS v(id, reason) WHERE o.id = v.id""",
                failed,
                page_size=1000,
            )
    if unanswered:
        OutboxMessage.objects.filter(pk__in=unanswered).update(
            status=lost, next_attempt_at=timezone.now()
        )
    for reason, group in _group_by(temporary, "reason").items():
        _retry_later(group, reason)
    if throttled:
        _back_to_queue(list(throttled), max(throttled.values()))


def _back_to_queue(ids: list[int], wait: float) -> None:
    """A 429: nothing was taken, so the attempt does not count; due again after `wait`."""
    OutboxMessage.objects.filter(pk__in=ids).update(
        status=Status.QUEUED,
        attempts=F("attempts") - 1,
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=wait),
    )


def _group_by(rows: list[dict], key: str) -> dict:
    groups = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return groups


def _retry_later(rows: list[dict], reason: str) -> None:
    """Temporary failure: back to the queue after a growing delay, or failed after the last try."""
    now = timezone.now()
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


def _finish_uploads(upload_ids: set[int]) -> None:
    if not upload_ids:
        return
    Upload.objects.filter(pk__in=upload_ids, status=Upload.Status.CONFIRMED).exclude(
        pk__in=OutboxMessage.objects.filter(
            upload_id__in=upload_ids, status__in=PENDING_STATUSES
        ).values("upload_id")
    ).update(status=Upload.Status.DONE, finished_at=timezone.now())


def next_due_in() -> float | None:
    """Seconds until the next message waiting for a retry is due, None when nothing waits."""
    first = (
        OutboxMessage.objects.filter(status__in=(Status.QUEUED, Status.UNKNOWN))
        .exclude(Q(upload__status=Upload.Status.STOPPED) & ~Q(kind=MessageKind.REMINDER))
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if first is None:
        return None
    return max((first - timezone.now()).total_seconds(), 0.0)


def sweep_outbox() -> bool:
    """What the beat does every 30 s: settle stopped uploads and wake senders if work is due."""
    _stop_queued(
        OutboxMessage.objects.filter(upload__status=Upload.Status.STOPPED).exclude(
            kind=MessageKind.REMINDER
        )
    )
    stale = timezone.now() - datetime.timedelta(seconds=settings.RPA_STALE_SENDING_SECONDS)
    # Overdue, not merely due: a running sender chain picks up what just became due.
    overdue = timezone.now() - datetime.timedelta(seconds=10)
    due = OutboxMessage.objects.filter(
        Q(status__in=(Status.QUEUED, Status.UNKNOWN), next_attempt_at__lte=overdue)
        | Q(status=Status.SENDING, updated_at__lt=stale)
    ).exists()
    if due:
        enqueue_sending()
    return due
