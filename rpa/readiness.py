"""Whether the office can send at all: a registered sender number in use on every template.

Read by the upload page (to say so before anyone tries) and by confirmation (to refuse).
"""

from collections.abc import Collection

from django.utils.translation import gettext as _

from .models import MessageTemplate, SenderNumber


def sender_problem(templates: Collection[MessageTemplate] | None = None) -> str | None:
    """The sentence that says what to set before sending, or None when the numbers are in place.

    `templates` are the ones about to be used (all of them when None); each must name a
    sender number that is registered and marked in use.
    """
    if templates is None:
        templates = MessageTemplate.objects.select_related("sender")
    lacking = [t for t in templates if t.sender is None or not t.sender.is_active]
    # Every template naming a number in use proves one exists: one query on the usual path.
    if templates and not lacking:
        return None
    if not SenderNumber.objects.filter(is_active=True).exists():
        return _(
            "No registered sender number is in use: add the office's number under Sender "
            "numbers in the admin and mark it active."
        )
    if lacking:
        return _(
            "The %(kind)s message has no sender number in use: choose one for it under "
            "Message templates in the admin."
        ) % {"kind": lacking[0].get_kind_display()}
    return None
