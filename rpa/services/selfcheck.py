"""Self-checks: the signed link a quarantined resident gets, what they send, who has not."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from .. import rules
from ..models import MessageKind, OutboxMessage, Recipient, SelfCheck
from . import health

Status = OutboxMessage.Status
SELFCHECK_SALT = "rpa.selfcheck"


class SelfCheckAlreadySent(Exception):
    """Today's self-check was already submitted."""


def selfcheck_token(recipient: Recipient) -> str:
    """A signed token naming the resident and the last day of their quarantine."""
    end = recipient.quarantine_end or recipient.test_date or timezone.localdate()
    return signing.Signer(salt=SELFCHECK_SALT).sign(f"{recipient.pk}.{end:%Y%m%d}")


def selfcheck_link(recipient: Recipient) -> str:
    return settings.SITE_URL + reverse("rpa-selfcheck", args=[selfcheck_token(recipient)])


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
    """Record today's self-check once; a second one the same day raises SelfCheckAlreadySent.

    A flagged answer (a fever, or a symptom) is told to the health team in the same commit.
    """
    try:
        with transaction.atomic():
            check = SelfCheck.objects.create(
                recipient=recipient, day=day, temperature=temperature, symptoms=symptoms
            )
            if health.is_flagged(check, health.thresholds()):
                health.alert_health_team(check)
            return check
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
        rules.resident_key(name=n, phone=p)
        for n, p in SelfCheck.objects.filter(day=day).values_list(
            "recipient__name", "recipient__phone"
        )
    }
    people: dict[str, Recipient] = {}
    for recipient in candidates:
        key = rules.resident_key(name=recipient.name, phone=recipient.phone)
        if key in checked or key in people:
            continue
        people[key] = recipient
    return list(people.values())
