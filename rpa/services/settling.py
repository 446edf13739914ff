"""Settling what the worker sent: unknown outcomes asked about, delivery results read."""

import datetime
import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from core import clock

from .. import gateway
from ..models import GatewayCursor, OutboxMessage
from .outbox import (
    PENDING_FIELDS,
    Status,
    finish_uploads,
    hold_back_stopped,
    lost_answer_status,
    mark_found_sent,
    pending,
)

logger = logging.getLogger(__name__)


def reconcile_uncertain(limit: int = 1000, *, now: datetime.datetime | None = None) -> int:
    """Ask the provider about messages whose outcome is unknown before anything is sent again.

    Unknown: a timeout, a dropped answer, a 5xx. Abandoned: `sending` and unlocked for a
    while, because the worker that claimed them died. Accepted ones become `sent`; the rest
    go back to the queue. A provider that cannot be asked by a key of ours (SENS) gets them
    marked uncertain instead: never resent without a person's word. Returns how many settled.
    """
    provider = gateway.provider()
    now = now or clock.now()
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
            finish_uploads({row["upload_id"] for row in rows}, now=now)
            logger.warning("%s messages uncertain: the provider cannot be asked", len(rows))
            return len(rows)
        try:
            found = provider.lookup([pending(row) for row in rows])
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
        mark_found_sent(accepted, now=now)
        unsent_ids = [r["id"] for r in rows if str(r["client_id"]) not in found]
        if unsent_ids:
            # The provider never took them: sending again is the first text, not a second.
            OutboxMessage.objects.filter(pk__in=unsent_ids).update(
                status=Status.QUEUED, next_attempt_at=now, updated_at=now
            )
            hold_back_stopped(unsent_ids, now=now)
    finish_uploads({row["upload_id"] for row in rows}, now=now)
    logger.info("reconciled %s messages: %s accepted earlier", len(rows), len(accepted))
    return len(rows)


# --- delivery results ------------------------------------------------------------------------


def pull_delivery_reports(*, now: datetime.datetime | None = None) -> int:
    """Read the provider's delivery results into delivered/failed; returns how many applied.

    Without `now`, the clock is read when each answer has come (a call may take seconds).
    """
    provider = gateway.provider()
    if provider.reports_by_cursor:
        return _pull_report_stream(provider, now=now)
    return _ask_results(provider, now=now)


def _ask_results(
    provider: gateway.Provider, limit: int = 1000, *, now: datetime.datetime | None = None
) -> int:
    """Providers without a report stream are asked about accepted messages, oldest asked first."""
    # A result comes seconds after acceptance: asking sooner only costs the provider calls.
    settled = (now or clock.now()) - datetime.timedelta(seconds=2)
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
            found = provider.results([pending(row) for row in rows])
        except gateway.GatewayUnavailable:
            return 0
        answered = now or clock.now()
        for row in rows:
            result = found.get(str(row["client_id"]))
            if result is None or result.status == "accepted":
                continue
            fields = {"status": result.status, "updated_at": answered}
            if result.via == gateway.FAILOVER:
                fields["sent_via"] = row["channel"]
            elif result.via:
                fields["sent_via"] = result.via
            if result.status == Status.DELIVERED:
                fields["delivered_at"] = answered
            else:
                fields["failure_reason"] = result.reason[:255]
            applied += OutboxMessage.objects.filter(pk=row["id"]).update(**fields)
        # Not final yet: to the back of the line.
        OutboxMessage.objects.filter(pk__in=[r["id"] for r in rows], status=Status.SENT).update(
            updated_at=answered
        )
    return applied


def _report_cursor(provider: gateway.Provider) -> str:
    """One cursor per report stream: a gateway at another address counts from its own start
    instead of skipping reports up to where the old one had got."""
    return "reports:" + hashlib.sha256(provider.report_stream.encode()).hexdigest()[:16]


def _pull_report_stream(provider: gateway.Provider, *, now: datetime.datetime | None = None) -> int:
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
            answered = now or clock.now()
            settled_uploads.update(
                OutboxMessage.objects.filter(
                    client_id__in=delivered + [r["client_id"] for r in failed],
                    status__in=(Status.UNKNOWN, Status.SENDING),
                ).values_list("upload_id", flat=True)
            )
            if delivered:
                applied += OutboxMessage.objects.filter(
                    client_id__in=delivered, status__in=reportable
                ).update(status=Status.DELIVERED, delivered_at=answered, updated_at=answered)
            for report in failed:
                applied += OutboxMessage.objects.filter(
                    client_id=report["client_id"], status__in=reportable
                ).update(
                    status=Status.FAILED,
                    failure_reason=str(report.get("reason") or "")[:255],
                    updated_at=answered,
                )
            cursor_row.position = position
            cursor_row.save(update_fields=["position"])
            if blocked_at is not None:
                break
    finish_uploads(settled_uploads, now=now)
    return applied
