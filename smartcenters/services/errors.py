"""The booking services' refusals: domain errors, shown alike by the API and the pages.

A refusal that concerns the state (the seat is taken, the person sits elsewhere then, the
booking has moved on) is a `Conflict` (409), a broken rule is `Invalid` (400) with the field
to change, and what is not the person's to do is `NotAllowed` (403). `extra` carries what the
API answers beside the sentence: the nearest free seat, the booking in the way.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from core.errors import Conflict, DomainError, Invalid, NotAllowed

from ..models import Booking, Seat


def _seat_offer(seat: Seat | None) -> dict | None:
    """The offered seat as the API names it (api.SeatRefSerializer describes the shape)."""
    if seat is None:
        return None
    return {
        "id": seat.pk,
        "label": seat.label,
        "center": seat.center_id,
        "center_name": seat.center.name,
    }


class BookingError(DomainError):
    """Base of the booking refusals; `message` is translated and fit to show to the person."""


class SeatTaken(BookingError, Conflict):
    """The seat is held by someone for an overlapping slot; `nearest_free_seat` is the offer."""

    code = "seat_taken"

    def __init__(self, nearest_free_seat: Seat | None = None, message: str | None = None):
        self.nearest_free_seat = nearest_free_seat
        super().__init__(
            message or _("Someone has just taken that seat for that time."),
            extra={"nearest_free_seat": _seat_offer(nearest_free_seat)},
        )


class PersonAlreadyBooked(BookingError, Conflict):
    """The person already holds a seat at an overlapping time: `booking` is that booking."""

    code = "person_already_booked"

    def __init__(self, booking: Booking | None):
        self.booking = booking
        if booking is not None:
            message = _("You already hold seat %(seat)s on %(day)s (%(slot)s).") % booking.words
        else:
            message = _("You already hold a seat at that time.")
        super().__init__(
            message,
            extra={
                "nearest_free_seat": None,
                "booking": booking.pk if booking is not None else None,
            },
        )


class BookingRuleError(BookingError, Invalid):
    """A booking rule says no; `field` names what to change (date, seat, slot, booking, …)."""

    def __init__(self, field: str, message: str):
        super().__init__(message, field=field)


class BookingStateError(BookingError, Conflict):
    """The booking is not in a state that allows this (e.g. cancelling a released booking)."""

    code = "state"

    def __init__(self, message: str):
        super().__init__(message, extra={"nearest_free_seat": None})


class WrongSeatCode(BookingError, NotAllowed):
    """The code presented is not the one on the seat: the person is not standing at it."""

    code = "wrong_seat_code"

    def __init__(self):
        super().__init__(
            _("That is not the QR code of this seat: scan the code stuck on the seat to check in.")
        )


class NotYours(BookingError, NotAllowed, PermissionDenied):
    """Someone else's booking or place on the waitlist, and the person is no admin.

    Still a `PermissionDenied`, which callers from before the domain errors catch.
    """
