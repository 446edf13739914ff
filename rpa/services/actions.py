"""The health team's sending actions: confirm a sheet, stop it, resend its failures, and decide
on the messages whose sending is uncertain (look them up again, or send them again).

Each refuses with `SendRefused`, one sentence for the team.
"""

import datetime
import logging

from django.db import transaction
from django.db.models import Func, UUIDField
from django.utils.translation import gettext as _

from core import clock
from core.errors import Conflict

from .. import gateway, sql
from ..messages import render_message
from ..models import MessageKind, MessageTemplate, OutboxMessage, Recipient, Upload
from ..readiness import sender_problem
from .outbox import (
    PENDING_FIELDS,
    Status,
    enqueue_sending,
    mark_found_sent,
    pending,
    stop_queued,
)

logger = logging.getLogger(__name__)


class SendRefused(Conflict):
    """Confirmation, stop or resend cannot be done; `message` is one sentence for the team."""

    code = "send_refused"


# --- confirmation --------------------------------------------------------------------------

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
# The columns confirmation writes from each resident's row, in the order of its values.
OUTBOX_COLUMNS = sql.columns(
    OutboxMessage,
    "recipient",
    "upload",
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
# Every outbox row gets its own client id: the idempotency key at the provider.
OUTBOX_COMPUTED = {sql.column(OutboxMessage, "client_id"): "gen_random_uuid()"}


def outbox_constants(now: datetime.datetime) -> dict[str, object]:
    """The columns that start the same on every new outbox row."""
    values = {
        "attempts": 0,
        "next_attempt_at": now,
        "gateway_message_id": "",
        "gateway_request_id": "",
        "sent_via": "",
        "created_at": now,
        "updated_at": now,
    }
    return {sql.column(OutboxMessage, name): value for name, value in values.items()}


def confirm_send(*, upload: Upload, user, now: datetime.datetime | None = None) -> int:
    """Put one message for every valid, not yet texted resident into the outbox; returns the count.

    Works with Redis down: the rows are the work, the broker only wakes workers (the beat
    sweep wakes them too). The unique dedupe key stops a concurrent confirmation of another
    upload from texting the same person twice.
    """
    now = now or clock.now()
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=upload.pk)
        if upload.purged_at is not None:
            raise SendRefused(
                _("This sheet has been purged and can no longer be sent."), code="purged"
            )
        if upload.status != Upload.Status.PREVIEWED:
            raise SendRefused(_("This sheet has already been confirmed."), code="already_confirmed")
        sql.mark_already_messaged(upload_id=upload.pk, day=upload.day)
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
                % {"kind": MessageKind(missing[0]).label},
                code="no_template",
            )
        problem = sender_problem(templates.values())
        if problem:
            raise SendRefused(problem, code="no_sender")
        prefix = sql.dedupe_prefix(upload.day)
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
        sql.copy_insert(
            OutboxMessage,
            OUTBOX_COLUMNS,
            rows,
            computed=OUTBOX_COMPUTED,
            constants=outbox_constants(now),
            skip_conflicts=True,
        )
        # A concurrent confirmation may have claimed some keys first: show who texted them.
        sql.mark_already_messaged(upload_id=upload.pk, day=upload.day)
        upload.status = Upload.Status.CONFIRMED
        upload.confirmed_at = now
        upload.confirmed_by = user
        upload.save(update_fields=["status", "confirmed_at", "confirmed_by"])
        created = upload.messages.count()
        transaction.on_commit(enqueue_sending)
    return created


# --- stop and resend -------------------------------------------------------------------------


def stop_sending(*, upload: Upload, user, now: datetime.datetime | None = None) -> int:
    """Stop what has not gone yet; returns how many messages were stopped."""
    now = now or clock.now()
    # Two steps, so that this never holds the upload while it waits for a message: senders
    # hold their messages and then read the upload (outbox.hold_back_stopped); the other order
    # here would deadlock with them. First the upload is marked stopped: from its commit on, no
    # claim takes its messages and a sender putting some back in the queue stops them itself.
    # A sender that read it just before has committed by then (its FOR SHARE made this wait),
    # so the second step finds what it put back.
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=upload.pk)
        if upload.status not in (Upload.Status.CONFIRMED, Upload.Status.DONE):
            raise SendRefused(
                _("Only a sheet that is being sent can be stopped."), code="not_sending"
            )
        upload.status = Upload.Status.STOPPED
        upload.finished_at = now
        upload.save(update_fields=["status", "finished_at"])
    # Should this step not run (the process dies), the beat's sweep stops these messages.
    stopped = stop_queued(OutboxMessage.objects.filter(upload=upload), now=now)
    logger.info("upload %s stopped: %s messages", upload.pk, stopped)
    return stopped


def _locked_confirmed(upload: Upload, refusal: str) -> Upload:
    """The upload, locked; refused with `refusal` unless it was confirmed and is not purged."""
    upload = Upload.objects.select_for_update().get(pk=upload.pk)
    if upload.purged_at is not None or upload.status == Upload.Status.PREVIEWED:
        raise SendRefused(refusal, code="not_confirmed")
    return upload


def _sending_again(upload: Upload) -> None:
    upload.status = Upload.Status.CONFIRMED
    upload.finished_at = None
    upload.save(update_fields=["status", "finished_at"])


def _queue_again(messages, *, now: datetime.datetime) -> int:
    """Queue these messages again, each under a new client id: a new id is a new text."""
    return messages.update(
        status=Status.QUEUED,
        client_id=Func(function="gen_random_uuid", output_field=UUIDField()),
        attempts=0,
        next_attempt_at=now,
        failure_reason="",
        updated_at=now,
    )


def resend_failed(*, upload: Upload, user, now: datetime.datetime | None = None) -> int:
    """Queue the failed messages again, each under a new client id; returns the count."""
    now = now or clock.now()
    with transaction.atomic():
        upload = _locked_confirmed(
            upload, _("Only a confirmed sheet can resend its failed messages.")
        )
        # The failed id was never accepted (or failed on delivery).
        count = _queue_again(
            OutboxMessage.objects.filter(upload=upload, status=Status.FAILED), now=now
        )
        if count:
            _sending_again(upload)
            transaction.on_commit(enqueue_sending)
    return count


# --- the health team's decision on uncertain messages ---------------------------------------


def _nothing_uncertain() -> SendRefused:
    return SendRefused(
        _("No message of this sheet is waiting for a decision."), code="nothing_uncertain"
    )


def lookup_uncertain(*, upload: Upload, user, now: datetime.datetime | None = None) -> int:
    """Ask the provider again about the upload's uncertain messages; returns how many it had."""
    now = now or clock.now()
    provider = gateway.provider()
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update()
            .filter(upload=upload, status=Status.UNCERTAIN)
            .order_by("id")
            .values(*PENDING_FIELDS)
        )
        if not rows:
            raise _nothing_uncertain()
        try:
            found = provider.lookup([pending(row) for row in rows])
        except gateway.GatewayUnavailable:
            raise SendRefused(
                _("The SMS provider did not answer: look the messages up again in a minute."),
                code="provider_unavailable",
            ) from None
        accepted = [
            (r["id"], found[str(r["client_id"])]) for r in rows if str(r["client_id"]) in found
        ]
        mark_found_sent(accepted, now=now)
        OutboxMessage.objects.filter(
            pk__in=[r["id"] for r in rows if str(r["client_id"]) not in found]
        ).update(
            failure_reason=_("Not found at the SMS provider when looked up at %(time)s.")
            % {"time": clock.local_now(now).strftime("%H:%M")}
        )
    logger.info("upload %s: %s of %s uncertain found sent", upload.pk, len(accepted), len(rows))
    return len(accepted)


def resend_uncertain(*, upload: Upload, user, now: datetime.datetime | None = None) -> int:
    """Send the uncertain messages again, each under a new id; returns the count.

    A person decides this, knowing a phone may get the text twice if the provider had it.
    """
    now = now or clock.now()
    with transaction.atomic():
        upload = _locked_confirmed(upload, _("Only a confirmed sheet can send its messages again."))
        count = _queue_again(
            OutboxMessage.objects.filter(upload=upload, status=Status.UNCERTAIN), now=now
        )
        if not count:
            raise _nothing_uncertain()
        if upload.status != Upload.Status.STOPPED:
            _sending_again(upload)
        transaction.on_commit(enqueue_sending)
    return count
