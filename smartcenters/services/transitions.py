"""What becomes of a booking once made: confirmed, cancelled, released, or given back.

A booking that stops holding its seat tells listeners (worktime) and serves the waitlist in
the same transaction, so the seat never appears free in between.
"""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import is_admin
from approvals.signals import Outcome
from core import clock

from .. import rules
from ..models import Booking, BookingRules
from ..signals import booking_ended
from .approval import APPROVAL_TYPE, withdraw_pending_approval
from .errors import BookingRuleError, BookingStateError, NotYours
from .notices import say_when, tell_holder
from .waitlist import serve_waitlist


def lock_booking(booking: Booking) -> Booking:
    """The booking again, locked for this transaction, with its seat, center and holder."""
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("seat__center", "user")
        .get(pk=booking.pk)
    )


def confirm_booking(*, booking: Booking, notify_holder: bool = False) -> Booking:
    """Held → confirmed (the smart-work request or the center's approval came through)."""
    with transaction.atomic():
        booking = lock_booking(booking)
        if booking.status == Booking.Status.CONFIRMED:
            return booking
        if booking.status != Booking.Status.HELD:
            raise BookingStateError(_("Only a held booking can be confirmed."))
        booking.status = Booking.Status.CONFIRMED
        booking.save(update_fields=["status"])
        if notify_holder:
            tell_holder(
                booking.user,
                title=_("Your seat booking is confirmed"),
                body=_("%(seat)s on %(day)s (%(slot)s).") % booking.words,
            )
    return booking


def _end(booking: Booking, *, now: datetime) -> None:
    """After a booking stops holding its seat: tell listeners, offer the seat to the waitlist."""
    booking_ended.send(sender=Booking, booking=booking)
    serve_waitlist(center=booking.seat.center, date=booking.date, slot=booking.slot, now=now)


def cancel_booking(
    *, booking: Booking, actor, reason: str = "", now: datetime | None = None
) -> Booking:
    """The holder (or an admin) cancels a held or confirmed booking; the seat goes to the waitlist.

    The holder may cancel until the admins' deadline before the slot starts; admins any time.
    Raises NotYours, BookingRuleError or BookingStateError.
    """
    now = now or clock.now()
    with transaction.atomic():
        booking = lock_booking(booking)
        actor_is_admin = is_admin(actor)
        if booking.user_id != actor.pk and not actor_is_admin:
            raise NotYours(_("You can cancel only your own bookings."))
        if booking.status == Booking.Status.CANCELLED:
            return booking
        if booking.status not in (Booking.Status.HELD, Booking.Status.CONFIRMED):
            raise BookingStateError(
                _("This booking is %(status)s and cannot be cancelled.")
                % {"status": booking.get_status_display()}
            )
        if not actor_is_admin:
            deadline = rules.cancel_deadline(
                booking.date,
                booking.slot,
                BookingRules.load().cancel_deadline_minutes,
                booking.seat.center.hours,
            )
            if now > deadline:
                raise BookingRuleError(
                    "booking",
                    _("Bookings can be cancelled until %(time)s.") % {"time": say_when(deadline)},
                )
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.end_reason = reason[:200]
        booking.save(update_fields=["status", "cancelled_at", "end_reason"])
        if booking.user_id == actor.pk:
            withdraw_pending_approval(booking, actor=actor)
        else:
            tell_holder(
                booking.user,
                title=_("Your seat booking was cancelled"),
                body=_("%(seat)s on %(day)s (%(slot)s).") % booking.words
                + (f" {reason}" if reason else ""),
            )
        _end(booking, now=now)
    return booking


def release_booking(
    *,
    booking: Booking,
    reason: str,
    no_show: bool = False,
    notify_holder: bool = True,
    now: datetime | None = None,
) -> Booking:
    """The system frees an active booking (a no-show, a returned request, a closed center)."""
    now = now or clock.now()
    with transaction.atomic():
        booking = lock_booking(booking)
        if booking.status == Booking.Status.RELEASED:
            return booking
        if not booking.is_active:
            raise BookingStateError(
                _("This booking is %(status)s and cannot be released.")
                % {"status": booking.get_status_display()}
            )
        booking.status = Booking.Status.RELEASED
        booking.released_at = now
        booking.end_reason = reason[:200]
        booking.is_no_show = no_show
        booking.save(update_fields=["status", "released_at", "end_reason", "is_no_show"])
        if notify_holder:
            tell_holder(
                booking.user,
                title=_("Your seat was released"),
                body=_("%(seat)s on %(day)s (%(slot)s).") % booking.words + f" {reason}",
            )
        _end(booking, now=now)
    return booking


def on_document_decided(sender, document, outcome, **kwargs) -> None:
    """Follow the approval of a held booking, inside the deciding transaction."""
    if document.doc_type.code != APPROVAL_TYPE or document.subject_id is None:
        return
    booking = Booking.objects.filter(pk=document.subject_id).first()
    if booking is None or booking.status != Booking.Status.HELD:
        return  # cancelled meanwhile: nothing to follow
    # The approvals app tells the applicant the outcome.
    if outcome == Outcome.APPROVED:
        confirm_booking(booking=booking)
    else:
        release_booking(booking=booking, reason=outcome, notify_holder=False)


@transaction.atomic
def confirm_held_bookings(*, booking_ids: list[int]) -> None:
    """Confirm the bookings among `booking_ids` still held (their smart-work request passed)."""
    for booking in Booking.objects.select_for_update().filter(
        pk__in=booking_ids, status=Booking.Status.HELD
    ):
        confirm_booking(booking=booking)


@transaction.atomic
def give_back_bookings(*, booking_ids: list[int], actor, reason: str) -> None:
    """Free the active bookings among `booking_ids` that an arrangement no longer needs: a hold
    is released without a word, a confirmed seat is cancelled in `actor`'s name."""
    for booking in Booking.objects.select_for_update().filter(
        pk__in=booking_ids, status__in=Booking.ACTIVE_STATUSES
    ):
        if booking.status == Booking.Status.HELD:
            release_booking(booking=booking, reason=reason, notify_holder=False)
        else:
            cancel_booking(booking=booking, actor=actor, reason=reason)
