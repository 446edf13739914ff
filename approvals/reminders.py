"""Reminders (beat): approvers of items waiting too long, applicants of stuck documents, once.

Waiting is counted in working hours on the office's one calendar (`core.workdays`): weekends,
public and substitute holidays and the office's own holidays are not worked.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import Min
from django.utils import translation
from django.utils.translation import gettext as _

from core import clock
from core.workdays import WorkCalendar, work_calendar

from . import rules
from .models import ApprovalStep, Document, SentNotice
from .notices import notice_once, tell_waiting
from .substitutes import absences_on, stand_in_for


def working_hours_since(
    moment: datetime, *, now: datetime | None = None, calendar: WorkCalendar | None = None
) -> float:
    """Working hours from `moment` to now, in the office's time zone."""
    start, end = clock.local_now(moment), clock.local_now(now)
    if calendar is None:
        calendar = work_calendar(start.date(), end.date())
    return rules.working_hours_between(
        start, end, lambda day: calendar.holiday_name(day) is not None
    )


def _calendar_for_pending(now: datetime) -> WorkCalendar:
    """One calendar for every pending document: from the oldest submission to now."""
    oldest = Document.objects.filter(status=Document.Status.PENDING).aggregate(
        oldest=Min("submitted_at")
    )["oldest"]
    return work_calendar(clock.today(oldest or now), clock.today(now))


def send_due_reminders(*, now: datetime | None = None) -> int:
    """Remind approvers of items waiting too long and tell applicants of stuck documents, once."""
    now = now or clock.now()
    calendar = _calendar_for_pending(now)
    sent = 0
    steps = ApprovalStep.objects.filter(
        status=ApprovalStep.Status.PENDING, document__status=Document.Status.PENDING
    ).select_related("document__doc_type", "document__applicant", "approver")
    absences = absences_on(clock.today(now))
    with translation.override(settings.LANGUAGE_CODE):
        for step in steps.iterator(chunk_size=500):
            document = step.document
            # An absence that began after the step opened: the substitute is told once (대결),
            # or the next head up when the substitute is the applicant.
            absence = absences.get(step.approver_id)
            stand_in = absence and stand_in_for(absence, applicant_id=document.applicant_id)
            recipient = stand_in.person if stand_in else step.approver
            if recipient.pk != step.approver_id:
                sent += tell_waiting(document, step, recipient=recipient)
            hours = working_hours_since(step.activated_at, now=now, calendar=calendar)
            if hours >= document.doc_type.remind_after_hours:
                sent += notice_once(
                    document=document,
                    kind=SentNotice.Kind.REMINDER,
                    recipient=recipient,
                    step=step,
                    title=_("Still waiting for your approval: %(title)s")
                    % {"title": document.title},
                    body=_("Waiting for %(hours)d working hours.") % {"hours": hours},
                )
        documents = Document.objects.filter(status=Document.Status.PENDING).select_related(
            "doc_type", "applicant"
        )
        for document in documents.iterator(chunk_size=500):
            hours = working_hours_since(document.submitted_at, now=now, calendar=calendar)
            if hours >= document.doc_type.stuck_after_hours:
                sent += notice_once(
                    document=document,
                    kind=SentNotice.Kind.STUCK,
                    recipient=document.applicant,
                    title=_("Your document is still waiting: %(title)s")
                    % {"title": document.title},
                    body=_("No decision after %(hours)d working hours.") % {"hours": hours},
                )
    return sent
