"""Being at the seat: check in with its QR code, walk in, and what the beat does to the absent.

Checking in proves presence only through the seat's QR code, whoever asks and how: without it a
booking id would check in from home, and the no-show release would never free the seat.
"""

import hmac
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core import clock

from .. import rules
from ..models import Booking, BookingRules, Center, Seat, new_checkin_token
from .booking import book_seat
from .errors import BookingRuleError, BookingStateError, NotYours, WrongSeatCode
from .notices import say_when
from .transitions import lock_booking, release_booking


def _require_seat_code(seat: Seat, token: str) -> None:
    """Compared in constant time so that the answer's timing tells nothing about the code."""
    if not hmac.compare_digest(token.encode(), seat.checkin_token.encode()):
        raise WrongSeatCode()


def check_in(*, booking: Booking, actor, token: str, now: datetime | None = None) -> Booking:
    """The holder checks in at the seat within the check-in window.

    `token` is what the seat's QR code carries. Raises NotYours, WrongSeatCode,
    BookingRuleError or BookingStateError.
    """
    now = now or clock.now()
    with transaction.atomic():
        booking = lock_booking(booking)
        if booking.user_id != actor.pk:
            raise NotYours(_("This is someone else's booking."))
        _require_seat_code(booking.seat, token)
        if booking.status == Booking.Status.CHECKED_IN:
            return booking
        if booking.status == Booking.Status.HELD:
            raise BookingRuleError("booking", _("This booking still awaits approval."))
        if booking.status != Booking.Status.CONFIRMED:
            raise BookingStateError(
                _("This booking is %(status)s: book the seat again to use it.")
                % {"status": booking.get_status_display()}
            )
        opens, closes = rules.checkin_window(
            booking.date,
            booking.slot,
            BookingRules.load().checkin_deadline_minutes,
            booking.seat.center.hours,
        )
        if now < opens:
            raise BookingRuleError(
                "booking", _("Check-in opens at %(time)s.") % {"time": say_when(opens)}
            )
        if now > closes:
            raise BookingRuleError(
                "booking", _("Check-in closed at %(time)s.") % {"time": say_when(closes)}
            )
        booking.status = Booking.Status.CHECKED_IN
        booking.checked_in_at = now
        booking.save(update_fields=["status", "checked_in_at"])
    return booking


def walk_in(*, user, seat: Seat, token: str, slot: str, now: datetime | None = None) -> Booking:
    """Book a free seat from its QR code (`token`) for the running slot and check in at once.

    The booking rules apply as for any booking (the seat must be free, the person seated
    nowhere else, within their limit); at a center that needs approval the booking is held
    and checked into once confirmed, like any other.
    """
    now = now or clock.now()
    _require_seat_code(seat, token)
    if slot not in rules.walk_in_slots(now, seat.center.hours):
        raise BookingRuleError("slot", _("That time cannot be booked at the seat now."))
    with transaction.atomic():
        booking = book_seat(user=user, seat=seat, date=rules.local_today(now), slot=slot, now=now)
        if booking.status == Booking.Status.CONFIRMED:
            # Standing at the seat is the check-in, whatever the deadline of booked seats.
            booking.status = Booking.Status.CHECKED_IN
            booking.checked_in_at = now
            booking.save(update_fields=["status", "checked_in_at"])
    return booking


def issue_new_checkin_codes(*, seat_ids: list[int]) -> list[int]:
    """Give each seat a new random QR code; the old code stops working when this commits.

    For a code that was photographed, copied or stuck on the wrong desk. Returns the ids of the
    seats that got a new code, whose sheet is then printed again.
    """
    with transaction.atomic():
        seats = list(Seat.objects.select_for_update().filter(pk__in=seat_ids).order_by("pk"))
        for seat in seats:
            seat.checkin_token = new_checkin_token()
        Seat.objects.bulk_update(seats, ["checkin_token"])
    return [seat.pk for seat in seats]


def release_unchecked_bookings(*, now: datetime | None = None) -> int:
    """Beat job: release bookings nobody checked into by the deadline; tell the holder; serve waiters.

    Held bookings whose approval did not come by then are released too (not counted as no-shows).
    """
    now = now or clock.now()
    deadline_minutes = BookingRules.load().checkin_deadline_minutes
    candidates = Booking.objects.filter(
        status__in=(Booking.Status.HELD, Booking.Status.CONFIRMED),
        date__lte=rules.local_today(now),
    ).values_list(
        "pk",
        "date",
        "slot",
        "seat__center__opens_at",
        "seat__center__midday_at",
        "seat__center__closes_at",
    )
    released = 0
    for pk, day, slot, opens, midday, closes in candidates:
        hours = rules.Hours(opens=opens, midday=midday, closes=closes)
        if rules.checkin_window(day, slot, deadline_minutes, hours)[1] >= now:
            continue
        with transaction.atomic():
            booking = (
                Booking.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status__in=(Booking.Status.HELD, Booking.Status.CONFIRMED))
                .first()
            )
            if booking is None:
                continue
            no_show = booking.status == Booking.Status.CONFIRMED
            reason = (
                _("Nobody checked in within %(n)s minutes of the start.") % {"n": deadline_minutes}
                if no_show
                else _("The booking was not approved before the slot started.")
            )
            release_booking(booking=booking, reason=reason, no_show=no_show, now=now)
            released += 1
    return released


def complete_finished_bookings(*, now: datetime | None = None) -> int:
    """Beat job: checked-in bookings whose slot has ended become completed."""
    now = now or clock.now()
    today = rules.local_today(now)
    ended = Q(date__lt=today)
    # Each center's slots end at its own hours.
    for center in Center.objects.filter(
        seats__bookings__status=Booking.Status.CHECKED_IN
    ).distinct():
        ended_today = [s for s in rules.SLOTS if rules.slot_end(today, s, center.hours) <= now]
        ended |= Q(date=today, slot__in=ended_today, seat__center=center)
    return (
        Booking.objects.filter(status=Booking.Status.CHECKED_IN)
        .filter(ended)
        .update(status=Booking.Status.COMPLETED)
    )
