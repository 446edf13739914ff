"""Celery tasks of approvals: reminders for approvers and stuck notices for applicants."""

from celery import shared_task

from core import clock

from . import reminders, routing


@shared_task
def send_reminders() -> int:
    """Beat: remind approvers of items waiting too long; tell applicants of stuck documents.

    Idempotent: each reminder is recorded (SentNotice) and never sent twice. Steps whose
    substitute is their document's applicant are first handed to the next head up.
    """
    now = clock.now()
    routing.route_around_applicant_substitutes(day=clock.today(now))
    return reminders.send_due_reminders(now=now)
