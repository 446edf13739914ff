"""Everything that changes the rpa app's state: uploads, confirmation, the outbox, self-checks."""

import datetime
import hashlib
import io
import logging
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, Count, F, Func, Q, UUIDField, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg2.extras import execute_values

from . import gateway, rules
from .models import (
    AccessLog,
    AgencyReport,
    GatewayCursor,
    MessageKind,
    MessageTemplate,
    OutboxMessage,
    Recipient,
    ReportColumn,
    SelfCheck,
    Upload,
)

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status
PENDING_STATUSES = (Status.QUEUED, Status.SENDING, Status.UNKNOWN)
SELFCHECK_SALT = "rpa.selfcheck"


class SendRefused(Exception):
    """Confirmation, stop or resend cannot be done; `message` is one sentence for the team."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SelfCheckAlreadySent(Exception):
    """Today's self-check was already submitted."""


# --- uploads -------------------------------------------------------------------------------


def create_upload(*, user, filename: str, data: bytes) -> Upload:
    """Read a sheet and store it with its rows as a previewed upload.

    SheetRefused from the importer propagates, and then nothing at all is stored.
    """
    from .importer import read_sheet

    report = read_sheet(data, filename)
    sha256 = hashlib.sha256(data).hexdigest()
    upload = Upload(
        uploaded_by=user,
        original_name=filename[-255:],
        sha256=sha256,
        day=timezone.localdate(),
        sheet=report.sheet or "",
        header_row=report.header_row or 1,
        header=list(getattr(report, "header", ()) or ()),
        summary=dict(report.summary),
    )
    upload.file.save(f"{sha256}.bin", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            upload.save()
            Recipient.objects.bulk_create(
                (_recipient_from_row(upload, row) for row in report.rows), batch_size=2000
            )
            _mark_already_messaged(upload)
    except BaseException:
        upload.file.delete(save=False)
        raise
    return upload


def _recipient_from_row(upload: Upload, row) -> Recipient:
    valid = row.status == Recipient.Status.VALID
    kind = (row.message_kind or "") if valid else ""
    name = (row.name or "")[:100]
    phone = (row.phone or "")[:20]
    return Recipient(
        upload=upload,
        row=row.row,
        status=row.status,
        name=name,
        phone=phone,
        birth_date=row.birth_date,
        result=row.result or "",
        test_date=row.test_date,
        quarantine_start=row.quarantine_start,
        quarantine_end=row.quarantine_end,
        message_kind=kind,
        errors=[dict(e) for e in row.errors],
        duplicate_of=row.duplicate_of,
        raw=[("" if cell is None else str(cell)) for cell in row.raw],
        person_key=rules.person_key(
            name=name,
            phone=phone,
            kind=kind,
            test_date=row.test_date,
            start=row.quarantine_start,
        )
        if valid
        else "",
    )


def _mark_already_messaged(upload: Upload) -> None:
    """Flag residents that an earlier upload of the same day has already texted."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE rpa_recipient r SET already_messaged_by_id = m.upload_id
            FROM rpa_outboxmessage m
            WHERE r.upload_id = %s AND r.status = 'valid'
              AND m.dedupe_key = %s || r.person_key AND m.upload_id <> r.upload_id
            """,
            [upload.pk, f"{upload.day.isoformat()}|"],
        )


def record_access(*, user, action: str, what: str, upload: Upload | None = None) -> AccessLog:
    """Every view, export and download of residents' data leaves a row (who, what, when)."""
    return AccessLog.objects.create(user=user, action=action, upload=upload, what=what[:200])


# --- confirmation --------------------------------------------------------------------------


def selfcheck_token(recipient: Recipient) -> str:
    """A signed token naming the resident and the last day of their quarantine."""
    end = recipient.quarantine_end or recipient.test_date or timezone.localdate()
    return signing.Signer(salt=SELFCHECK_SALT).sign(f"{recipient.pk}.{end:%Y%m%d}")


def selfcheck_link(recipient: Recipient) -> str:
    return settings.SITE_URL + reverse("rpa-selfcheck", args=[selfcheck_token(recipient)])


def message_context(recipient: Recipient) -> dict[str, str]:
    return {
        "name": recipient.name,
        "test_date": rules.format_date(recipient.test_date),
        "quarantine_start": rules.format_date(recipient.quarantine_start),
        "quarantine_end": rules.format_date(recipient.quarantine_end),
        "link": selfcheck_link(recipient) if recipient.quarantine_end else "",
    }


def render_message(template: MessageTemplate, recipient: Recipient) -> tuple[str, int, str | None]:
    """The text one resident gets, its EUC-KR length and its channel (None: too long)."""
    text = rules.render(template.text, message_context(recipient))
    length = rules.euckr_length(text)
    return text, length, rules.channel_for(length)


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
        now = timezone.now()
        prefix = f"{upload.day.isoformat()}|"
        messages = []
        for recipient in recipients.iterator(chunk_size=5000):
            template = templates[recipient.message_kind]
            text, _length, channel = render_message(template, recipient)
            too_long = channel is None
            messages.append(
                OutboxMessage(
                    recipient=recipient,
                    upload=upload,
                    kind=recipient.message_kind,
                    dedupe_key=prefix + recipient.person_key,
                    to=recipient.phone,
                    sender=template.sender.number if template.sender_id else "",
                    text=text,
                    channel=OutboxMessage.Channel.LMS if too_long else channel,
                    status=Status.FAILED if too_long else Status.QUEUED,
                    failure_reason=_("The message is longer than 2,000 bytes.") if too_long else "",
                    next_attempt_at=now,
                )
            )
        OutboxMessage.objects.bulk_create(messages, batch_size=2000, ignore_conflicts=True)
        # A concurrent confirmation may have claimed some keys first: show who texted them.
        _mark_already_messaged(upload)
        upload.status = Upload.Status.CONFIRMED
        upload.confirmed_at = now
        upload.confirmed_by = user
        upload.save(update_fields=["status", "confirmed_at", "confirmed_by"])
        created = upload.messages.count()
        transaction.on_commit(enqueue_sending)
    return created


def enqueue_sending(count: int | None = None) -> None:
    """Wake senders; a broker that does not answer is fine, the beat sweep wakes them later."""
    from .tasks import send_outbox

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
    import redis

    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=0.5, socket_timeout=0.5, retry=None
        )
        return bool(client.ping())
    except (redis.RedisError, OSError, ValueError):
        return False


def stop_sending(*, upload: Upload, user) -> int:
    """Stop what has not gone yet; returns how many messages were stopped."""
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=upload.pk)
        if upload.status not in (Upload.Status.CONFIRMED, Upload.Status.DONE):
            raise SendRefused(_("Only a sheet that is being sent can be stopped."))
        stopped = _stop_queued(OutboxMessage.objects.filter(upload=upload))
        upload.status = Upload.Status.STOPPED
        upload.finished_at = timezone.now()
        upload.save(update_fields=["status", "finished_at"])
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

CLAIM_SQL = """
UPDATE rpa_outboxmessage SET status = 'sending', attempts = attempts + 1, updated_at = now()
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
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL, [limit or settings.RPA_SEND_BATCH_SIZE])
        return sorted(row[0] for row in cursor.fetchall())


def send_claimed(ids: list[int]) -> float | None:
    """Send claimed messages in one request and record each outcome.

    The rows stay locked during the call: a worker killed mid-call leaves them `sending`
    and unlocked, which is how the reconciler knows nobody is working on them.
    Returns seconds to wait when the gateway said 429, else None.
    """
    upload_ids: set[int] = set()
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update()
            .filter(pk__in=ids, status=Status.SENDING)
            .order_by("id")
            .values("id", "client_id", "to", "sender", "text", "channel", "attempts", "upload_id")
        )
        if not rows:
            return None
        upload_ids = {row["upload_id"] for row in rows}
        row_ids = [row["id"] for row in rows]
        payload = [
            {
                "client_id": str(row["client_id"]),
                "to": row["to"],
                "from": row["sender"],
                "text": row["text"],
                "type": row["channel"],
            }
            for row in rows
        ]
        try:
            results = gateway.send_batch(payload)
        except gateway.RateLimited as limited:
            OutboxMessage.objects.filter(pk__in=row_ids).update(
                status=Status.QUEUED,
                attempts=F("attempts") - 1,
                next_attempt_at=timezone.now() + datetime.timedelta(seconds=limited.retry_after),
            )
            _hold_back_stopped(row_ids)
            return limited.retry_after
        except gateway.GatewayUnavailable as error:
            _retry_later(rows, str(error))
            _hold_back_stopped(row_ids)
            logger.warning("gateway unavailable for %s messages: %s", len(rows), error)
            return None
        except gateway.OutcomeUnknown as error:
            OutboxMessage.objects.filter(pk__in=row_ids).update(
                status=Status.UNKNOWN,
                next_attempt_at=timezone.now() + datetime.timedelta(seconds=error.wait),
                failure_reason=str(error)[:255],
            )
            logger.warning("outcome unknown for %s messages: %s", len(rows), error)
            return None
        _record_results(rows, results)
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


def _record_results(rows: list[dict], results: list[gateway.SendResult]) -> None:
    by_client = {result.client_id: result for result in results}
    accepted: list[tuple[int, str]] = []
    failed: list[tuple[int, str]] = []
    temporary: list[dict] = []
    unanswered: list[int] = []
    for row in rows:
        result = by_client.get(str(row["client_id"]))
        if result is None:
            unanswered.append(row["id"])
        elif result.accepted:
            accepted.append((row["id"], result.message_id))
        elif result.permanent:
            failed.append((row["id"], (result.reason or result.code)[:255]))
        else:
            temporary.append({**row, "reason": result.reason or result.code})
    with connection.cursor() as cursor:
        if accepted:
            execute_values(
                cursor.cursor,
                """UPDATE rpa_outboxmessage o SET status = 'sent', sent_at = now(), updated_at = now(),
                   gateway_message_id = v.mid, failure_reason = ''
                   FROM (VALUES %s) AS v(id, mid) WHERE o.id = v.id""",
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
            status=Status.UNKNOWN, next_attempt_at=timezone.now()
        )
    for reason, group in _group_by(temporary, "reason").items():
        _retry_later(group, reason)


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


def reconcile_uncertain(limit: int = 1000) -> int:
    """Ask the gateway about messages whose outcome is unknown before anything is sent again.

    Unknown: a timeout, a dropped answer, a 5xx. Abandoned: `sending` and unlocked for a
    while, because the worker that claimed them died. Accepted ones become `sent`; the rest
    go back to the queue. Returns how many were settled.
    """
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.RPA_STALE_SENDING_SECONDS)
    settled = 0
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=Status.UNKNOWN, next_attempt_at__lte=now)
                | Q(status=Status.SENDING, updated_at__lt=stale)
            )
            .order_by("id")
            .values("id", "client_id", "attempts", "upload_id")[:limit]
        )
        if not rows:
            return 0
        try:
            found = gateway.lookup([str(row["client_id"]) for row in rows])
        except gateway.GatewayUnavailable as error:
            OutboxMessage.objects.filter(pk__in=[row["id"] for row in rows]).update(
                status=Status.UNKNOWN,
                next_attempt_at=now
                + datetime.timedelta(seconds=settings.RPA_RETRY_BASE_SECONDS * 2),
                failure_reason=str(error)[:255],
            )
            return 0
        accepted = []
        unsent = []
        for row in rows:
            entry = found.get(str(row["client_id"]))
            if entry is not None:
                accepted.append((row["id"], str(entry.get("message_id") or "")))
            else:
                unsent.append(row)
        if accepted:
            with connection.cursor() as cursor:
                execute_values(
                    cursor.cursor,
                    """UPDATE rpa_outboxmessage o SET status = 'sent', sent_at = now(),
                       updated_at = now(), gateway_message_id = v.mid, failure_reason = ''
                       FROM (VALUES %s) AS v(id, mid) WHERE o.id = v.id""",
                    accepted,
                    page_size=1000,
                )
        if unsent:
            # The gateway never accepted them: sending again is the first text, not a second.
            unsent_ids = [row["id"] for row in unsent]
            OutboxMessage.objects.filter(pk__in=unsent_ids).update(
                status=Status.QUEUED, next_attempt_at=now, updated_at=now
            )
            _hold_back_stopped(unsent_ids)
        settled = len(rows)
    _finish_uploads({row["upload_id"] for row in rows})
    logger.info("reconciled %s messages: %s accepted earlier", settled, len(accepted))
    return settled


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


def pull_delivery_reports() -> int:
    """Read the gateway's delivery reports from the stored cursor; returns how many applied."""
    GatewayCursor.objects.get_or_create(name="reports")
    applied = 0
    # A report can come before the send's outcome is written: the message is still `sending`
    # (a worker holds it while it records the answer: the update waits for that, then
    # applies) or `unknown` (the answer was lost). Skipping it would lose the report for good,
    # since the cursor moves on. If it was the upload's last pending message, nobody else
    # would mark the upload done.
    reportable = (Status.SENT, Status.UNKNOWN, Status.SENDING)
    settled_uploads: set[int] = set()
    with transaction.atomic():
        cursor_row = (
            GatewayCursor.objects.select_for_update(skip_locked=True).filter(name="reports").first()
        )
        if cursor_row is None:
            return 0
        for _page in range(100):
            try:
                reports, position = gateway.pull_reports(cursor_row.position)
            except gateway.GatewayUnavailable:
                break
            if not reports:
                break
            delivered = [r["client_id"] for r in reports if r.get("status") == "delivered"]
            failed = [r for r in reports if r.get("status") == "failed"]
            now = timezone.now()
            settled_uploads.update(
                OutboxMessage.objects.filter(
                    client_id__in=delivered + [r["client_id"] for r in failed],
                    status__in=(Status.UNKNOWN, Status.SENDING),
                ).values_list("upload_id", flat=True)
            )
            if delivered:
                applied += OutboxMessage.objects.filter(
                    client_id__in=delivered, status__in=reportable
                ).update(status=Status.DELIVERED, delivered_at=now, updated_at=now)
            for report in failed:
                applied += OutboxMessage.objects.filter(
                    client_id=report["client_id"], status__in=reportable
                ).update(
                    status=Status.FAILED,
                    failure_reason=str(report.get("reason") or "")[:255],
                    updated_at=now,
                )
            cursor_row.position = position
            cursor_row.save(update_fields=["position"])
    _finish_uploads(settled_uploads)
    return applied


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


# --- self-check and reminders --------------------------------------------------------------


def recipient_for_token(token: str, *, today: datetime.date | None = None) -> Recipient | None:
    """The quarantined resident a self-check link belongs to; None when forged or expired."""
    today = today or timezone.localdate()
    try:
        value = signing.Signer(salt=SELFCHECK_SALT).unsign(token)
        pk_text, end_text = value.split(".", 1)
        end = datetime.datetime.strptime(end_text, "%Y%m%d").date()
    except (signing.BadSignature, ValueError):
        return None
    if today > end:
        return None
    recipient = (
        Recipient.objects.filter(
            pk=int(pk_text),
            status=Recipient.Status.VALID,
            message_kind=MessageKind.QUARANTINE,
            quarantine_end=end,
        )
        .select_related("upload")
        .first()
    )
    return recipient


def submit_selfcheck(
    *, recipient: Recipient, temperature: Decimal, symptoms: list[str], day: datetime.date
) -> SelfCheck:
    """Record today's self-check once; a second one the same day raises SelfCheckAlreadySent."""
    try:
        with transaction.atomic():
            return SelfCheck.objects.create(
                recipient=recipient, day=day, temperature=temperature, symptoms=symptoms
            )
    except IntegrityError:
        raise SelfCheckAlreadySent() from None


def quarantined_without_check(day: datetime.date) -> list[Recipient]:
    """Residents in quarantine on `day` who were texted and have not sent that day's check.

    One entry a person (same name and phone): a person listed on several days' sheets is one
    resident, and a check sent from any of their links counts.
    """
    candidates = (
        Recipient.objects.filter(
            status=Recipient.Status.VALID,
            message_kind=MessageKind.QUARANTINE,
            quarantine_start__lte=day,
            quarantine_end__gte=day,
            messages__kind=MessageKind.QUARANTINE,
            messages__status__in=(Status.SENT, Status.DELIVERED, Status.SENDING, Status.UNKNOWN),
        )
        .select_related("upload")
        .order_by("-upload__created_at", "row")
    )
    checked = {
        (rules.person_key(name=n, phone=p, kind="", test_date=None, start=None))
        for n, p in SelfCheck.objects.filter(day=day).values_list(
            "recipient__name", "recipient__phone"
        )
    }
    people: dict[str, Recipient] = {}
    for recipient in candidates:
        key = rules.person_key(
            name=recipient.name, phone=recipient.phone, kind="", test_date=None, start=None
        )
        if key in checked or key in people:
            continue
        people[key] = recipient
    return list(people.values())


def send_selfcheck_reminders(*, day: datetime.date | None = None, slot: str = "") -> int:
    """Text every quarantined resident without today's check, once this run; returns the count."""
    day = day or timezone.localdate()
    slot = slot or f"manual-{timezone.localtime():%H%M%S%f}"
    template = MessageTemplate.objects.select_related("sender").filter(kind="reminder").first()
    if template is None:
        logger.warning("no reminder template: self-check reminders not sent")
        return 0
    now = timezone.now()
    messages = []
    for recipient in quarantined_without_check(day):
        text, _length, channel = render_message(template, recipient)
        if channel is None:
            continue
        person = rules.person_key(
            name=recipient.name, phone=recipient.phone, kind="", test_date=None, start=None
        )
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


# --- agency report, sheet export, retention ------------------------------------------------

DEFAULT_REPORT_COLUMNS = [
    ("name", "성명"),
    ("birth_date", "생년월일"),
    ("phone", "연락처"),
    ("test_date", "검사일"),
    ("result", "검사결과"),
    ("quarantine_start", "격리시작일"),
    ("quarantine_end", "격리해제일"),
    ("message_status", "문자발송"),
]


def request_agency_report(*, user, day: datetime.date) -> AgencyReport:
    """Queue the agency's xlsx for a day; a worker builds it."""
    from .tasks import build_agency_report as build_task

    report = AgencyReport.objects.create(day=day, requested_by=user)

    def enqueue():
        try:
            build_task.apply_async(args=[report.pk], retry=False)
        except Exception:
            logger.warning("agency report %s left for the sweep: broker unavailable", report.pk)

    transaction.on_commit(enqueue)
    return report


def build_agency_report(report_id: int) -> None:
    """Write the day's valid cases in the configured columns; idempotent per report."""
    from openpyxl import Workbook

    report = AgencyReport.objects.filter(pk=report_id, status=AgencyReport.Status.PENDING).first()
    if report is None:
        return
    columns = list(ReportColumn.objects.values_list("field", "header")) or DEFAULT_REPORT_COLUMNS
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("report")
    sheet.append([header for _field, header in columns])
    recipients = (
        Recipient.objects.filter(
            upload__day=report.day,
            status=Recipient.Status.VALID,
            already_messaged_by__isnull=True,
        )
        .exclude(upload__status=Upload.Status.PREVIEWED)
        .order_by("upload_id", "row")
    )
    status_of = dict(
        OutboxMessage.objects.filter(upload__day=report.day)
        .exclude(kind=MessageKind.REMINDER)
        .values_list("recipient_id", "status")
    )
    labels = dict(Status.choices)
    count = 0
    for recipient in recipients.iterator(chunk_size=5000):
        values = []
        for field, _header in columns:
            if field == "message_status":
                value = str(labels.get(status_of.get(recipient.pk), ""))
            elif field == "message_kind":
                value = str(MessageKind(recipient.message_kind).label)
            elif field == "result":
                value = _result_label(recipient.result)
            else:
                value = getattr(recipient, field)
            values.append(rules.neutralise_cell(value))
        sheet.append(values)
        count += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    report.file.save(
        f"agency-{report.day:%Y%m%d}-{report.pk}.xlsx", ContentFile(buffer.getvalue()), save=False
    )
    report.rows = count
    report.status = AgencyReport.Status.READY
    report.finished_at = timezone.now()
    report.save(update_fields=["file", "rows", "status", "finished_at"])


def _result_label(result: str) -> str:
    return {
        "negative": _("Negative"),
        "positive": _("Positive"),
        "inconclusive": _("Inconclusive"),
    }.get(result, "")


def sheet_with_status(upload: Upload) -> bytes:
    """The sheet's rows as xlsx with two added columns: the status and the reason."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(upload.sheet or "sheet")
    header = list(upload.header)
    width = max(
        [len(header)] + [len(r) for r in upload.recipients.values_list("raw", flat=True)[:1]]
    )
    header += [""] * (width - len(header))
    sheet.append([rules.neutralise_cell(h) for h in header] + [_("Status"), _("Reason")])
    labels = dict(Recipient.Status.choices)
    for recipient in upload.recipients.order_by("row").iterator(chunk_size=5000):
        raw = list(recipient.raw) + [""] * (width - len(recipient.raw))
        if recipient.status == Recipient.Status.DUPLICATE:
            reason = _("Same person as row %(row)s.") % {"row": recipient.duplicate_of}
        elif recipient.already_messaged_by_id:
            reason = _("Already texted by an earlier upload today.")
        else:
            reason = " ".join(str(e.get("message", "")) for e in recipient.errors)
        sheet.append(
            [rules.neutralise_cell(v) for v in raw]
            + [str(labels.get(recipient.status, recipient.status)), rules.neutralise_cell(reason)]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def purge_expired(*, today: datetime.date | None = None) -> int:
    """Delete sheets and residents older than the retention period, keeping the counts."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=settings.RPA_RETENTION_DAYS)
    purged = 0
    for upload_id in Upload.objects.filter(day__lt=cutoff, purged_at__isnull=True).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            upload = Upload.objects.select_for_update().get(pk=upload_id)
            upload.final_counts = {
                row["status"]: row["n"]
                for row in OutboxMessage.objects.filter(upload=upload)
                .values("status")
                .annotate(n=Count("id"))
            }
            upload.messages.all().delete()
            upload.recipients.all().delete()
            if upload.file:
                upload.file.delete(save=False)
            upload.file = ""
            upload.purged_at = timezone.now()
            upload.save(update_fields=["final_counts", "file", "purged_at"])
            purged += 1
    for report in AgencyReport.objects.filter(day__lt=cutoff).exclude(file=""):
        report.file.delete(save=False)
        report.file = ""
        report.save(update_fields=["file"])
    return purged
