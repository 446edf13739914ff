"""The refusals of approvals, as the portal's one domain error (`core.errors`).

Other apps catch them by name through the services (`approvals.services.AlreadyDecided`);
the API answers them through the one exception handler, pages through the middleware or the
form they belong to.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from core.errors import Conflict, Invalid, NotAllowed


class InvalidInput(Invalid, ValidationError):
    """What the person gave breaks a rule: a missing title or reason, an absence's dates.

    Still Django's ValidationError too, as these refusals were before the one domain error:
    code that catches that one keeps working.
    """

    def __init__(self, message: str, **kwargs):
        super().__init__(message, **kwargs)
        # ValidationError's constructor puts `code = None` on the instance: keep ours.
        self.code = kwargs.get("code") or type(self).code


class LineError(InvalidInput):
    """No line can be built (no approver found, or an addition the rules do not allow)."""

    code = "line"


class AlreadyDecided(Conflict):
    """The document no longer waits for this person (decided, withdrawn, or moved on)."""

    code = "already_decided"

    def __init__(self, message: str = "", **kwargs):
        super().__init__(message or _("This document no longer waits for you."), **kwargs)


class AlreadySubmitted(AlreadyDecided):
    """A pending document for the same request already exists."""

    code = "already_submitted"


class TooLateToWithdraw(AlreadyDecided):
    """Someone has acted on the document, so the applicant can no longer withdraw it (회수)."""

    code = "too_late_to_withdraw"


class NotYourTurn(NotAllowed, PermissionDenied):
    """The person is not (or not yet) in a position to act on the document.

    Still Django's PermissionDenied too, which pages and callers have long caught.
    """

    code = "not_your_turn"


class OwnDocument(NotYourTurn):
    """Nobody decides their own document, whatever line, absence or page they come through."""

    code = "own_document"

    def __init__(self):
        super().__init__(_("You cannot approve or return a document you applied for."))


class NotRoutine(Invalid):
    """Bulk approval takes routine documents only; the others are opened and decided one by one."""

    code = "not_routine"

    def __init__(self):
        super().__init__(_("Not a routine document; open it to decide."))
