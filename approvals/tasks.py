"""Celery tasks of approvals: reminders for approvers and stuck notices for applicants."""

from celery import shared_task

from . import services


@shared_task
def send_reminders() -> int:
    """Beat: remind approvers of items waiting too long; tell applicants of stuck documents.

    Idempotent: each reminder is recorded (SentNotice) and never sent twice.
    """
    return services.send_due_reminders()
