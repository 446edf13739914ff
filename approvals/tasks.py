"""Celery tasks of approvals: reminders for approvers and stuck notices for applicants."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def send_reminders() -> int:
    """Beat: remind approvers of items waiting too long; tell applicants of stuck documents.

    Idempotent: each reminder is recorded (SentNotice) and never sent twice. Steps whose
    substitute is their document's applicant are first handed to the next head up.
    """
    services.route_around_applicant_substitutes(day=timezone.localdate())
    return services.send_due_reminders()
