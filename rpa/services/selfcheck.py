"""Self-checks: the resident behind a signed link, and the answer they send."""

import datetime
from decimal import Decimal

from django.core import signing
from django.db import IntegrityError, transaction

from core import clock

from ..messages import SELFCHECK_SALT
from ..models import MessageKind, Recipient, SelfCheck
from ..selfcheck_selectors import is_flagged, thresholds
from . import health


class SelfCheckAlreadySent(Exception):
    """Today's self-check was already submitted."""


def recipient_for_token(token: str, *, today: datetime.date | None = None) -> Recipient | None:
    """The quarantined resident a self-check link belongs to; None when forged or expired."""
    today = today or clock.today()
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
            if is_flagged(check, thresholds()):
                health.alert_health_team(check)
            return check
    except IntegrityError:
        raise SelfCheckAlreadySent() from None
