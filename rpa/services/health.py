"""The health team's side of the self-checks: a flagged answer told to them, calls recorded."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import roles
from accounts.notifications import notify

from .. import selfcheck_rules
from ..models import CallLog, Recipient, SelfCheck


def alert_health_team(check: SelfCheck) -> int:
    """Tell every active member of the health team about a flagged answer; returns how many.

    In the caller's transaction: the notification rows are the outbox, and their e-mail and
    push copies leave from a worker right after the commit (the minute sweep catches the rest).
    The text names the resident masked, as the lists do.
    """
    members = get_user_model().objects.filter(groups__name=roles.HEALTH, is_active=True)
    title = _("Self-check flagged: %(name)s, %(temperature)s °C") % {
        "name": selfcheck_rules.mask_name(check.recipient.name),
        "temperature": check.temperature,
    }
    body = (
        _("Symptoms: %(count)s") % {"count": len(check.symptoms)}
        if check.symptoms
        else _("No symptoms reported.")
    )
    url = f"{reverse('rpa:self_checks')}?day={check.day.isoformat()}"
    count = 0
    for member in members.distinct():
        notify(recipient=member, title=title, body=body, url=url)
        count += 1
    return count


def record_call(
    *, recipient: Recipient, day: datetime.date, outcome: str, note: str, user
) -> CallLog:
    """Record one call to a resident who had not answered on `day`."""
    if outcome not in CallLog.Outcome.values:
        raise ValueError(outcome)
    with transaction.atomic():
        return CallLog.objects.create(
            recipient=recipient, day=day, outcome=outcome, note=note.strip()[:500], called_by=user
        )
