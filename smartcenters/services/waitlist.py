"""The waitlist of a full center: join it, leave it, and serve it when a seat frees up."""

from datetime import date as Date
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import is_admin
from core import clock

from .. import rules, selectors
from ..models import BookingRules, Center, WaitlistEntry
from .booking import book_seat
from .errors import BookingRuleError, NotYours, PersonAlreadyBooked, SeatTaken
from .notices import tell_holder


def join_waitlist(
    *, user, center: Center, date: Date, slot: str, now: datetime | None = None
) -> WaitlistEntry:
    """Wait for any seat at a full center; the first to wait gets the first seat that frees up."""
    now = now or clock.now()
    if slot not in rules.SLOTS:
        raise BookingRuleError("slot", _("Choose morning, afternoon or the whole day."))
    violation = rules.check_booking_window(
        day=date,
        slot=slot,
        now=now,
        days_ahead=BookingRules.load().days_ahead,
        hours=center.hours,
    )
    if violation is not None:
        raise BookingRuleError(violation.field, violation.message)
    reason = selectors.closed_reason(center, date)
    if reason is not None:
        raise BookingRuleError("date", rules.closed_message(center.name, date, reason))
    existing = selectors.active_booking_of(user, date, slot)
    if existing is not None:
        raise PersonAlreadyBooked(existing)
    if selectors.free_seats(center, date, slot).exists():
        raise BookingRuleError("slot", _("There are free seats: book one instead of waiting."))
    with transaction.atomic():
        entry, _created = WaitlistEntry.objects.get_or_create(
            user=user, center=center, date=date, slot=slot, fulfilled_booking__isnull=True
        )
    return entry


def leave_waitlist(*, entry: WaitlistEntry, actor) -> None:
    if entry.user_id != actor.pk and not is_admin(actor):
        raise NotYours(_("This is someone else's place on the waitlist."))
    WaitlistEntry.objects.filter(pk=entry.pk, fulfilled_booking__isnull=True).delete()


def serve_waitlist(*, center: Center, date: Date, slot: str, now: datetime | None = None) -> int:
    """Give freed seats to the people waiting for them, first come first served; returns how many.

    Runs inside the transaction that freed the seat, so the seat never appears free in between.
    """
    now = now or clock.now()
    if rules.slot_end(date, slot, center.hours) <= now:
        return 0
    served = 0
    with transaction.atomic():
        entries = (
            WaitlistEntry.objects.select_for_update(skip_locked=True)
            .filter(
                center=center,
                date=date,
                slot__in=rules.overlapping_slots(slot),
                fulfilled_booking__isnull=True,
            )
            .select_related("user")
            .order_by("created_at", "pk")
        )
        for entry in entries:
            seat = selectors.free_seats(center, date, entry.slot).first()
            if seat is None:
                # A whole-day wait may not fit a freed morning; someone waiting for less may.
                continue
            try:
                booking = book_seat(user=entry.user, seat=seat, date=date, slot=entry.slot, now=now)
            except (SeatTaken, PersonAlreadyBooked, BookingRuleError):
                continue
            entry.fulfilled_booking = booking
            entry.save(update_fields=["fulfilled_booking"])
            tell_holder(
                entry.user,
                title=_("A seat freed up for you"),
                body=_("You were first on the waitlist: %(seat)s on %(day)s (%(slot)s) is yours.")
                % booking.words,
            )
            served += 1
    return served
