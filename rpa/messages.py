"""The text a resident gets: a template filled in for them, with their signed self-check link."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from core import clock

from . import rules
from .models import MessageTemplate, Recipient

SELFCHECK_SALT = "rpa.selfcheck"


def selfcheck_token(recipient: Recipient) -> str:
    """A signed token naming the resident and the last day of their quarantine."""
    end = recipient.quarantine_end or recipient.test_date or clock.today()
    return signing.Signer(salt=SELFCHECK_SALT).sign(f"{recipient.pk}.{end:%Y%m%d}")


def selfcheck_link(recipient: Recipient) -> str:
    return settings.SITE_URL + reverse("rpa-selfcheck", args=[selfcheck_token(recipient)])


def message_context(recipient: Recipient) -> dict[str, str]:
    return {
        "name": recipient.name,
        "test_date": rules.format_date(recipient.test_date),
        "quarantine_start": rules.format_date(recipient.quarantine_start),
        "quarantine_end": rules.format_date(recipient.quarantine_end),
        "link": selfcheck_link(recipient) if recipient.quarantine_end else "",
    }


def render_message(template: MessageTemplate, recipient: Recipient) -> tuple[str, int, str | None]:
    """The text one resident gets, its EUC-KR length and its channel (None: too long)."""
    text = rules.render(template.text, message_context(recipient))
    length = rules.euckr_length(text)
    return text, length, rules.channel_for(length)
