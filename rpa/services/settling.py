"""Settling what was sent: unknown outcomes, uncertain batches, delivery results and reports."""

import datetime
import hashlib
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Func, Q, UUIDField
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg2.extras import execute_values

from .. import gateway
from ..models import GatewayCursor, OutboxMessage, Upload
from .sending import (
    SendRefused,
    Status,
    _finish_uploads,
    _hold_back_stopped,
    enqueue_sending,
    lost_answer_status,
)

logger = logging.getLogger(__name__)

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


def _pending(row: dict) -> gateway.Pending:
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


def _mark_sent(found: list[tuple[int, gateway.Found]]) -> None:
    if not found:
        return
    with connection.cursor() as cursor:
        execute_values(
            cursor.cursor,
            """UPDATE rpa_outboxmessage o SET status = 'sent', sent_at = now(),
               updated_at = now(), gateway_message_id = v.mid, gateway_request_id = v.rid,
               sent_via = CASE WHEN v.via IN ('', 'failover') THEN o.channel ELSE v.via END,
               failure_reason = ''
               FROM (VALUES %s) AS v(id, mid, rid, via) WHERE o.id = v.id""",
            [(pk, f.message_id, f.request_id, f.via) for pk, f in found],
            page_size=1000,
        )


def reconcile_uncertain(limit: int = 1000) -> int:
    """Ask the provider about messages whose outcome is unknown before anything is sent again.

    Unknown: a timeout, a dropped answer, a 5xx. Abandoned: `sending` and unlocked for a
    while, because the worker that claimed them died. Accepted ones become `sent`; the rest
    go back to the queue. A provider that cannot be asked by a key of ours (SENS) gets them
    marked uncertain instead: never resent without a person's word. Returns how many settled.
    """
    provider = gateway.provider()
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.RPA_STALE_SENDING_SECONDS)
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=Status.UNKNOWN, next_attempt_at__lte=now)
                | Q(status=Status.SENDING, updated_at__lt=stale)
            )
            .order_by("id")
            .values(*PENDING_FIELDS)[:limit]
        )
        if not rows:
            return 0
        ids = [row["id"] for row in rows]
        if not provider.finds_lost_sends:
            OutboxMessage.objects.filter(pk__in=ids).update(status=lost_answer_status(provider))
            _finish_uploads({row["upload_id"] for row in rows})
            logger.warning("%s messages uncertain: the provider cannot be asked", len(rows))
            return len(rows)
        try:
            found = provider.lookup([_pending(row) for row in rows])
        except gateway.GatewayUnavailable as error:
            OutboxMessage.objects.filter(pk__in=ids).update(
                status=Status.UNKNOWN,
                next_attempt_at=now
                + datetime.timedelta(seconds=settings.RPA_RETRY_BASE_SECONDS * 2),
                failure_reason=str(error)[:255],
            )
            return 0
        accepted = [
            (r["id"], found[str(r["client_id"])]) for r in rows if str(r["client_id"]) in found
        ]
        _mark_sent(accepted)
        unsent_ids = [r["id"] for r in rows if str(r["client_id"]) not in found]
        if unsent_ids:
            # The provider never took them: sending again is the first text, not a second.
            OutboxMessage.objects.filter(pk__in=unsent_ids).update(
                status=Status.QUEUED, next_attempt_at=now, updated_at=now
            )
            _hold_back_stopped(unsent_ids)
    _finish_uploads({row["upload_id"] for row in rows})
    logger.info("reconciled %s messages: %s accepted earlier", len(rows), len(accepted))
    return len(rows)


# --- the health team's decision on uncertain messages ---------------------------------------


def lookup_uncertain(*, upload: Upload, user) -> int:
    """Ask the provider again about the upload's uncertain messages; returns how many it had."""
    provider = gateway.provider()
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update()
            .filter(upload=upload, status=Status.UNCERTAIN)
            .order_by("id")
            .values(*PENDING_FIELDS)
        )
        if not rows:
            raise SendRefused(_("No message of this sheet is waiting for a decision."))
        try:
            found = provider.lookup([_pending(row) for row in rows])
        except gateway.GatewayUnavailable:
            raise SendRefused(
                _("The SMS provider did not answer: look the messages up again in a minute.")
            ) from None
        accepted = [
            (r["id"], found[str(r["client_id"])]) for r in rows if str(r["client_id"]) in found
        ]
        _mark_sent(accepted)
        OutboxMessage.objects.filter(
            pk__in=[r["id"] for r in rows if str(r["client_id"]) not in found]
        ).update(
            failure_reason=_("Not found at the SMS provider when looked up at %(time)s.")
            % {"time": timezone.localtime().strftime("%H:%M")}
        )
    logger.info("upload %s: %s of %s uncertain found sent", upload.pk, len(accepted), len(rows))
    return len(accepted)


def resend_uncertain(*, upload: Upload, user) -> int:
    """Send the uncertain messages again, each under a new id; returns the count.

    A person decides this, knowing a phone may get the text twice if the provider had it.
    """
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=upload.pk)
        if upload.purged_at is not None or upload.status == Upload.Status.PREVIEWED:
            raise SendRefused(_("Only a confirmed sheet can send its messages again."))
        now = timezone.now()
        count = OutboxMessage.objects.filter(upload=upload, status=Status.UNCERTAIN).update(
            status=Status.QUEUED,
            client_id=Func(function="gen_random_uuid", output_field=UUIDField()),
            attempts=0,
            next_attempt_at=now,
            failure_reason="",
            updated_at=now,
        )
        if not count:
            raise SendRefused(_("No message of this sheet is waiting for a decision."))
        if upload.status != Upload.Status.STOPPED:
            upload.status = Upload.Status.CONFIRMED
            upload.finished_at = None
            upload.save(update_fields=["status", "finished_at"])
        transaction.on_commit(enqueue_sending)
    return count


# --- delivery results ------------------------------------------------------------------------


def pull_delivery_reports() -> int:
    """Read the provider's delivery results into delivered/failed; returns how many applied."""
    provider = gateway.provider()
    if provider.reports_by_cursor:
        return _pull_report_stream(provider)
    return _ask_results(provider)


def _ask_results(provider: gateway.Provider, limit: int = 1000) -> int:
    """Providers without a report stream are asked about accepted messages, oldest asked first."""
    # A result comes seconds after acceptance: asking sooner only costs the provider calls.
    settled = timezone.now() - datetime.timedelta(seconds=2)
    applied = 0
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=Status.SENT, updated_at__lt=settled)
            .order_by("updated_at")
            .values(*PENDING_FIELDS, "gateway_request_id", "gateway_message_id", "sent_via")[:limit]
        )
        if not rows:
            return 0
        try:
            found = provider.results([_pending(row) for row in rows])
        except gateway.GatewayUnavailable:
            return 0
        now = timezone.now()
        for row in rows:
            result = found.get(str(row["client_id"]))
            if result is None or result.status == "accepted":
                continue
            fields = {"status": result.status, "updated_at": now}
            if result.via == gateway.FAILOVER:
                fields["sent_via"] = row["channel"]
            elif result.via:
                fields["sent_via"] = result.via
            if result.status == Status.DELIVERED:
                fields["delivered_at"] = now
            else:
                fields["failure_reason"] = result.reason[:255]
            applied += OutboxMessage.objects.filter(pk=row["id"]).update(**fields)
        # Not final yet: to the back of the line.
        OutboxMessage.objects.filter(pk__in=[r["id"] for r in rows], status=Status.SENT).update(
            updated_at=now
        )
    return applied


def _report_cursor(provider: gateway.Provider) -> str:
    """One cursor per report stream: a gateway at another address counts from its own start
    instead of skipping reports up to where the old one had got."""
    return "reports:" + hashlib.sha256(provider.report_stream.encode()).hexdigest()[:16]


def _pull_report_stream(provider: gateway.Provider) -> int:
    """Read the gateway's delivery reports from the stored cursor; returns how many applied."""
    cursor_name = _report_cursor(provider)
    GatewayCursor.objects.get_or_create(name=cursor_name)
    applied = 0
    # A report can come before the send's outcome is written: the message is still `sending`
    # (a sender holds its row while it records the gateway's answer) or `unknown` (the answer
    # was lost). Skipping it would lose the report for good, since the cursor moves on; waiting
    # for the sender would stall every report behind it for as long as its gateway call takes.
    # So the cursor stops just before the first report about a row someone holds, and the next
    # pull (the beat's, or a sender's) reads it again. Applying a report twice changes nothing.
    # If it was the upload's last pending message, nobody else would mark the upload done.
    reportable = (Status.SENT, Status.UNKNOWN, Status.SENDING)
    settled_uploads: set[int] = set()
    with transaction.atomic():
        cursor_row = (
            GatewayCursor.objects.select_for_update(skip_locked=True)
            .filter(name=cursor_name)
            .first()
        )
        if cursor_row is None:
            return 0
        for _page in range(100):
            try:
                reports, position = provider.pull_reports(cursor_row.position)
            except gateway.GatewayUnavailable:
                break
            if not reports:
                break
            ids = [r["client_id"] for r in reports]
            mine = {
                str(c)
                for c in OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(client_id__in=ids)
                .values_list("client_id", flat=True)
            }
            held = {
                str(c)
                for c in OutboxMessage.objects.filter(client_id__in=ids).values_list(
                    "client_id", flat=True
                )
            } - mine
            blocked_at = next((i for i, r in enumerate(reports) if r["client_id"] in held), None)
            if blocked_at is not None:
                if blocked_at:
                    position = int(reports[blocked_at - 1]["seq"])
                else:
                    position = cursor_row.position
                reports = reports[:blocked_at]
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
            if blocked_at is not None:
                break
    _finish_uploads(settled_uploads)
    return applied
