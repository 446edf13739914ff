"""The text a resident gets: a template filled in for them, its length and its channel."""

from .. import rules
from ..models import MessageTemplate, Recipient
from .selfcheck import selfcheck_link


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
