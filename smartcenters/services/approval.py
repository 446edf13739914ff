"""The approval a booking at a center that needs one waits for: its document, sent and taken back.

The document's outcome comes back through approvals' signal (`transitions.on_document_decided`).
"""

import contextlib

from django.utils import formats
from django.utils.translation import gettext as _

from approvals import selectors as approval_selectors
from approvals import services as approvals

from ..models import Booking
from .errors import BookingRuleError

# The approval document type of bookings at centers that need approval.
APPROVAL_TYPE = "smartcenters.booking"


def submit_for_approval(booking: Booking) -> None:
    """Route a held booking to the holder's approver; it is confirmed or released on the outcome.

    Raises BookingRuleError when the holder has nobody to approve it.
    """
    try:
        approvals.submit(
            applicant=booking.user,
            doc_type=APPROVAL_TYPE,
            title=_("Seat booking: %(seat)s on %(day)s (%(slot)s)") % booking.words,
            facts=[
                [_("Center"), booking.seat.center.name],
                [_("Seat"), booking.seat.label],
                [_("Date"), formats.date_format(booking.date, "SHORT_DATE_FORMAT")],
                [_("Time"), booking.get_slot_display()],
            ],
            subject=booking,
        )
    except approvals.LineError as exc:
        raise BookingRuleError("non_field_errors", exc.messages[0]) from None


def withdraw_pending_approval(booking: Booking, *, actor) -> None:
    """The holder cancelling a booking that waits for approval takes the request back (회수)."""
    pending = approval_selectors.pending_document_for(booking, doc_type=APPROVAL_TYPE)
    if pending is not None:
        # Decided meanwhile: there is nothing left to take back.
        with contextlib.suppress(approvals.AlreadyDecided):
            approvals.withdraw(document=pending, actor=actor)
