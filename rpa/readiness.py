"""Whether the office can send at all: a registered sender number in use on every template.

Read by the upload page (to say so before anyone tries) and by confirmation (to refuse).
"""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from .models import MessageTemplate, SenderNumber


def sender_problem(templates: Iterable[MessageTemplate] | None = None) -> str | None:
    """The sentence that says what to set before sending, or None when the numbers are in place.

    `templates` are the ones about to be used (all of them when None); each must name a
    sender number that is registered and marked in use.
    """
    if not SenderNumber.objects.filter(is_active=True).exists():
        return _(
            "No registered sender number is in use: add the office's number under Sender "
            "numbers in the admin and mark it active."
        )
    if templates is None:
        templates = MessageTemplate.objects.select_related("sender")
    for template in templates:
        if template.sender is None or not template.sender.is_active:
            return _(
                "The %(kind)s message has no sender number in use: choose one for it under "
                "Message templates in the admin."
            ) % {"kind": template.get_kind_display()}
    return None
