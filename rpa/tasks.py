"""Celery tasks of the rpa app: ids only in, never names or phone numbers."""

import datetime
import logging

from celery import shared_task

from core import clock

from . import services

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def send_outbox() -> None:
    """One sender step: settle unknown outcomes, send one claimed batch, then hand over.

    A step that found work starts the next one, so the parallel chains begun at confirmation
    keep going until the outbox is empty; retries wait for their time with a countdown.
    """
    services.reconcile_uncertain()
    ids = services.claim_outbox_batch()
    if ids:
        wait = services.send_claimed(ids)
        send_outbox.apply_async(countdown=wait or 0)
        return
    wait = services.next_due_in()
    if wait is not None:
        send_outbox.apply_async(countdown=max(wait, 0.5))
        return
    services.pull_delivery_reports()


@shared_task(ignore_result=True)
def sweep_outbox() -> None:
    services.sweep_outbox()


@shared_task(ignore_result=True)
def pull_delivery_reports() -> None:
    services.pull_delivery_reports()


@shared_task(ignore_result=True)
def send_selfcheck_reminders(slot: str = "", day: str | None = None) -> None:
    when = datetime.date.fromisoformat(day) if day else clock.today()
    count = services.send_selfcheck_reminders(day=when, slot=slot)
    logger.info("self-check reminders queued: %s", count)


@shared_task(ignore_result=True)
def build_agency_report(report_id: int) -> None:
    services.build_agency_report(report_id)


@shared_task(ignore_result=True)
def sweep_pending_reports() -> None:
    """Reports left pending (the broker was down at the request) are built here."""
    count = services.sweep_pending_reports()
    if count:
        logger.info("agency reports settled by the sweep: %s", count)


@shared_task(ignore_result=True)
def purge_expired() -> None:
    purged = services.purge_expired()
    logger.info("uploads purged: %s", purged)
