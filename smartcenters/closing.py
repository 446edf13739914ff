"""What a newly closed day does to the bookings on it: cancel them, tell the holders, offer a seat.

A center's own closure (e.g. the library's inventory day) and a new office holiday close days
that people may already have booked; their bookings are cancelled in the transaction that
closes the day, and each holder is told why, with the nearest open center's free seat.
"""

from datetime import date as Date
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.notifications import notify
from core import clock
from core.workdays import work_calendar

from . import selectors
from .models import Booking, CenterClosure
from .signals import booking_ended


def _offer(booking: Booking, *, all_closed: bool) -> str:
    """A sentence offering the nearest free seat at an open center that day, if there is one."""
    seat = (
        None
        if all_closed
        else selectors.nearest_free_seat(seat=booking.seat, date=booking.date, slot=booking.slot)
    )
    if seat is None:
        return _("No other center has a free seat that day.")
    return _("The nearest open center with a free seat that day is %(center)s (seat %(seat)s).") % {
        "center": seat.center.name,
        "seat": seat.label,
    }


def cancel_bookings_on_closed_days(
    *,
    starts_on: Date,
    ends_on: Date,
    reason: str,
    center_ids: list[int] | None = None,
    now: datetime | None = None,
) -> int:
    """Cancel the held and confirmed bookings from starts_on to ends_on at the given centers
    (every center when None) and tell each holder, with an offer; returns how many.

    Call it in the transaction that closes the days, after the closure is written, so the
    offer already leaves the closed center out.
    """
    now = now or clock.now()
    calendar = work_calendar(starts_on, ends_on)
    cancelled = 0
    with transaction.atomic():
        bookings = Booking.objects.select_for_update(of=("self",)).filter(
            date__range=(starts_on, ends_on),
            status__in=(Booking.Status.HELD, Booking.Status.CONFIRMED),
        )
        if center_ids is not None:
            bookings = bookings.filter(seat__center_id__in=center_ids)
        for booking in bookings.select_related("seat__center", "user").order_by("date", "pk"):
            booking.status = Booking.Status.CANCELLED
            booking.cancelled_at = now
            booking.end_reason = reason[:200]
            booking.save(update_fields=["status", "cancelled_at", "end_reason"])
            words = {
                "center": booking.seat.center.name,
                "day": formats.date_format(booking.date, "SHORT_DATE_FORMAT"),
                "reason": reason,
                "seat": booking.seat.label,
                "slot": booking.times_label,
            }
            body = (
                _(
                    "%(center)s is closed on %(day)s (%(reason)s), so your booking of seat "
                    "%(seat)s (%(slot)s) is cancelled."
                )
                % words
            )
            holiday = calendar.holiday_name(booking.date) is not None
            query = urlencode({"date": booking.date.isoformat(), "slot": booking.slot})
            notify(
                recipient=booking.user,
                title=_("Your seat booking was cancelled: the center is closed"),
                body=f"{body} {_offer(booking, all_closed=holiday)}",
                url=f"{reverse('smartcenters:book')}?{query}",
            )
            booking_ended.send(sender=Booking, booking=booking)
            cancelled += 1
    return cancelled


def on_closure_saved(sender, instance: CenterClosure, **kwargs) -> None:
    """A center's closure written (added or moved, in the admin or anywhere): its days close."""
    cancel_bookings_on_closed_days(
        starts_on=instance.starts_on,
        ends_on=instance.ends_on,
        reason=instance.reason,
        center_ids=[instance.center_id],
    )
