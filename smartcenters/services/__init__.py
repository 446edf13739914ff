"""Everything that changes seats and bookings: the one face pages, the API, tasks and other apps use.

`booking` books a seat; `transitions` confirms, cancels, releases and follows an approval;
`presence` checks in, walks in and releases no-shows; `waitlist` serves the waiting;
`approval` sends and takes back a booking's approval document; `errors` are the refusals.
`cancel_bookings_on_closed_days` (in `smartcenters.closing`) is here for worktime's office
holidays.
"""

from ..closing import cancel_bookings_on_closed_days
from .approval import APPROVAL_TYPE
from .booking import book_seat
from .errors import (
    BookingError,
    BookingRuleError,
    BookingStateError,
    NotYours,
    PersonAlreadyBooked,
    SeatTaken,
    WrongSeatCode,
)
from .presence import (
    check_in,
    complete_finished_bookings,
    issue_new_checkin_codes,
    release_unchecked_bookings,
    walk_in,
)
from .transitions import (
    cancel_booking,
    confirm_booking,
    confirm_held_bookings,
    give_back_bookings,
    on_document_decided,
    release_booking,
)
from .waitlist import join_waitlist, leave_waitlist, serve_waitlist

__all__ = [
    "APPROVAL_TYPE",
    "BookingError",
    "BookingRuleError",
    "BookingStateError",
    "NotYours",
    "PersonAlreadyBooked",
    "SeatTaken",
    "WrongSeatCode",
    "book_seat",
    "cancel_booking",
    "cancel_bookings_on_closed_days",
    "check_in",
    "complete_finished_bookings",
    "confirm_booking",
    "confirm_held_bookings",
    "give_back_bookings",
    "issue_new_checkin_codes",
    "join_waitlist",
    "leave_waitlist",
    "on_document_decided",
    "release_booking",
    "release_unchecked_bookings",
    "serve_waitlist",
    "walk_in",
]
