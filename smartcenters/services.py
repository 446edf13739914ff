"""Everything that changes seats and bookings: book, confirm, cancel, release, check in, waitlist.

The no-double-booking guarantee is PostgreSQL's (two exclusion constraints on `Booking`); the
checks here only produce friendly messages, and the constraint violations become domain errors.
"""

import contextlib
import functools
import hmac
from datetime import date as Date
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.notifications import notify
from accounts.roles import is_admin
from approvals import selectors as approval_selectors
from approvals import services as approvals
from core.workdays import office_holiday_sql, public_holiday_name

from . import rules, selectors
from .closing import cancel_bookings_on_closed_days  # noqa: F401  (worktime's office holidays)
from .models import Booking, BookingRules, Center, Seat, WaitlistEntry, new_checkin_token
from .signals import booking_ended

SEAT_CONSTRAINT = "booking_no_double_seat"
PERSON_CONSTRAINT = "booking_no_double_person"
DEADLOCK_DETECTED = "40P01"
DEADLOCK_RETRIES = 3


class BookingError(Exception):
    """Base of the booking errors; `message` is translated and fit to show to the person."""

    def __init__(self, message: str):
        self.message = str(message)
        super().__init__(self.message)


class SeatTaken(BookingError):
    """The seat is held by someone for an overlapping slot; `nearest_free_seat` is the offer."""

    def __init__(self, nearest_free_seat: Seat | None = None, message: str | None = None):
        self.nearest_free_seat = nearest_free_seat
        super().__init__(message or _("Someone has just taken that seat for that time."))


class PersonAlreadyBooked(BookingError):
    """The person already holds a seat at an overlapping time: `booking` is that booking."""

    def __init__(self, booking: Booking | None):
        self.booking = booking
        if booking is not None:
            message = _("You already hold seat %(seat)s on %(day)s (%(slot)s).") % {
                "seat": booking.seat,
                "day": formats.date_format(booking.date, "SHORT_DATE_FORMAT"),
                "slot": booking.times_label,
            }
        else:
            message = _("You already hold a seat at that time.")
        super().__init__(message)


class BookingRuleError(BookingError):
    """A booking rule says no; `field` names what to change (date, seat, slot, booking, …)."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


class BookingStateError(BookingError):
    """The booking is not in a state that allows this (e.g. cancelling a released booking)."""


class WrongSeatCode(BookingError):
    """The code presented is not the one on the seat: the person is not standing at it."""

    def __init__(self):
        super().__init__(
            _("That is not the QR code of this seat: scan the code stuck on the seat to check in.")
        )


def _require_seat_code(seat: Seat, token: str) -> None:
    """Checking in proves presence only through the seat's QR code, whoever asks and how.

    Compared in constant time so that the answer's timing tells nothing about the code.
    """
    if not hmac.compare_digest(token.encode(), seat.checkin_token.encode()):
        raise WrongSeatCode()


def _pgcode(exc: Exception) -> str | None:
    return getattr(exc.__cause__, "pgcode", None)


def _violated_constraint(exc: IntegrityError) -> str | None:
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    return getattr(diag, "constraint_name", None)


def _mine_url() -> str:
    return reverse("smartcenters:mine")


def _describe(booking: Booking) -> dict:
    return {
        "seat": str(booking.seat),
        "day": formats.date_format(booking.date, "SHORT_DATE_FORMAT"),
        "slot": booking.times_label,
    }


def _check_rules(
    *, seat: Seat, day: Date, slot: str, now: datetime, rules_row: BookingRules, enforce: bool
) -> None:
    """The rules that need no lock: slot, seat in use, booking window, center open that day.

    `seat.closed_that_day` and `seat.holiday_that_day` come from `_seat_for_booking`.
    """
    if slot not in rules.SLOTS:
        raise BookingRuleError("slot", _("Choose morning, afternoon or the whole day."))
    if not (seat.is_active and seat.center.is_active):
        raise BookingRuleError("seat", _("That seat is not available for booking."))
    hours = seat.center.hours
    violation = rules.check_booking_window(
        day=day,
        slot=slot,
        now=now,
        # Bookings made by the office itself (an arrangement, a closure) may reach further.
        days_ahead=rules_row.days_ahead if enforce else 366,
        hours=hours,
    )
    if violation is not None:
        raise BookingRuleError(violation.field, violation.message)
    reason = rules.closed_reason(
        day,
        opens_on_weekends=seat.center.opens_on_weekends,
        holiday=seat.holiday_that_day,
        closure=seat.closed_that_day,
    )
    if reason is not None:
        raise BookingRuleError("date", rules.closed_message(seat.center.name, day, reason))


# Plain SQL on the booking hot path (see seat_for_booking_sql).
LOCK_PERSON_SQL = f"SELECT 1 FROM {get_user_model()._meta.db_table} WHERE id = %s FOR UPDATE"  # noqa: S608
# NO KEY UPDATE: bookings of the seat take turns, while rows that merely refer to it do not wait.
LOCK_SEAT_SQL = f"SELECT 1 FROM {Seat._meta.db_table} WHERE id = %s FOR NO KEY UPDATE"  # noqa: S608
# Only self-bookings count: the seats the office holds for a person (a smart-work
# arrangement, a closure) follow the arrangement, however many days it has.
ACTIVE_BOOKINGS_SQL = (
    f"SELECT count(*) FROM {Booking._meta.db_table}"  # noqa: S608
    " WHERE user_id = %s AND status = ANY(%s) AND date >= %s AND origin = %s"
)


def _check_active_limit(*, user, now: datetime, rules_row: BookingRules) -> None:
    """The per-person limit; call inside the booking's transaction."""
    with connection.cursor() as cursor:
        # Lock the person's row so two of their bookings at once cannot both pass the count.
        cursor.execute(LOCK_PERSON_SQL, [user.pk])
        cursor.execute(
            ACTIVE_BOOKINGS_SQL,
            [
                user.pk,
                list(Booking.ACTIVE_STATUSES),
                rules.local_today(now),
                Booking.Origin.SELF,
            ],
        )
        (active,) = cursor.fetchone()
    if active >= rules_row.max_active_bookings:
        raise BookingRuleError(
            "non_field_errors",
            _("You may hold at most %(n)s active bookings: cancel one to book another.")
            % {"n": rules_row.max_active_bookings},
        )


# Everything a booking must know before its transaction, in one statement on the hot path
# (see selectors.SEAT_HELD_SQL): the seat and its center, is the center closed that day, is
# the seat held at an overlapping time, does the person already hold a seat then, the rules,
# and the office holiday that day if it is one.
@functools.cache
def seat_for_booking_sql() -> str:
    # Built on first use: the office holidays' table is known once the apps are ready.
    return f"""
    SELECT {selectors.SEAT_COLUMNS}, {selectors.CENTER_COLUMNS}, {selectors.RULES_COLUMNS},
        {selectors.CENTER_CLOSURE_REASON_SQL}, {office_holiday_sql()}, {selectors.SEAT_HELD_SQL},
        EXISTS (SELECT 1 FROM {Booking._meta.db_table} b WHERE b.user_id = %(user)s
                  AND b.date = %(date)s AND b.slot = ANY(%(slots)s) AND b.status = ANY(%(active)s))
      FROM {selectors.SEATS_WITH_CENTERS_SQL}
      LEFT JOIN {BookingRules._meta.db_table} r ON r.id = 1
     WHERE s.id = %(seat)s
"""  # noqa: S608


def _seat_for_booking(
    *, seat_id: int, user, date: Date, slot: str
) -> tuple[Seat | None, BookingRules]:
    """The seat (with `closed_that_day` (the closure's reason or None), `holiday_that_day`
    (a public or office holiday's name or None), `is_taken` and `person_is_seated`) and the
    rules."""
    with connection.cursor() as cursor:
        cursor.execute(
            seat_for_booking_sql(),
            {"seat": seat_id, "user": user.pk, **selectors.overlap_params(date, slot)},
        )
        row = cursor.fetchone()
    if row is None:
        return None, BookingRules.load()
    values = iter(row)
    seat = selectors.seat_from_row(values)
    rules_row = BookingRules.from_db(
        connection.alias, selectors.RULES_FIELDS, [next(values) for _ in selectors.RULES_FIELDS]
    )
    seat.closed_that_day, office_holiday, seat.is_taken, seat.person_is_seated = values
    seat.holiday_that_day = office_holiday or public_holiday_name(date)
    return seat, (rules_row if rules_row.pk is not None else BookingRules.load())


def book_seat(
    *,
    user,
    seat: Seat,
    date: Date,
    slot: str,
    status: str = Booking.Status.CONFIRMED,
    origin: str = Booking.Origin.SELF,
    enforce_rules: bool = True,
    now: datetime | None = None,
) -> Booking:
    """Book `seat` for `user` on `date` and `slot` (am/pm/full).

    `status` is "confirmed" or "held" (a pending smart-work request); a self-booking at a center
    that needs approval is held until an admin confirms it. `enforce_rules=False` (bookings the
    office makes: arrangements, closures) skips the days-ahead window and the per-person limit;
    inactive seats, closed days (the center's closures, public and office holidays, weekends
    at centers closed on weekends) and slots that have ended are refused always.

    Raises SeatTaken, PersonAlreadyBooked or BookingRuleError.
    """
    if status not in (Booking.Status.HELD, Booking.Status.CONFIRMED):
        raise ValueError(f"a new booking is held or confirmed, not {status!r}")
    now = now or timezone.now()
    seat, rules_row = _seat_for_booking(seat_id=seat.pk, user=user, date=date, slot=slot)
    if seat is None:
        raise BookingRuleError("seat", _("There is no such seat."))
    _check_rules(
        seat=seat, day=date, slot=slot, now=now, rules_row=rules_row, enforce=enforce_rules
    )
    # A seat or a person already taken is the common refusal under load: answer it without
    # opening a transaction. The exclusion constraints still decide every race below.
    if seat.is_taken:
        raise SeatTaken(selectors.nearest_free_seat(seat=seat, date=date, slot=slot))
    if seat.person_is_seated:
        raise PersonAlreadyBooked(selectors.active_booking_of(user, date, slot))
    if seat.center.needs_approval and origin == Booking.Origin.SELF:
        status = Booking.Status.HELD
    for attempt in range(DEADLOCK_RETRIES + 1):
        try:
            with transaction.atomic():
                if enforce_rules:
                    _check_active_limit(user=user, now=now, rules_row=rules_row)
                # Inserts racing for one seat would each wait in the exclusion index for the
                # other's row, and PostgreSQL would abort one of them: they take turns instead,
                # and the loser meets the winner's committed row (SeatTaken).
                with connection.cursor() as cursor:
                    cursor.execute(LOCK_SEAT_SQL, [seat.pk])
                booking = Booking.objects.create(
                    user=user, seat=seat, date=date, slot=slot, status=status, origin=origin
                )
                if seat.center.needs_approval and origin == Booking.Origin.SELF:
                    _submit_for_approval(booking)
                return booking
        except IntegrityError as exc:
            constraint = _violated_constraint(exc)
            if constraint == SEAT_CONSTRAINT:
                raise SeatTaken(
                    selectors.nearest_free_seat(seat=seat, date=date, slot=slot)
                ) from None
            if constraint == PERSON_CONSTRAINT:
                raise PersonAlreadyBooked(selectors.active_booking_of(user, date, slot)) from None
            raise
        except OperationalError as exc:
            # Still possible where a booking meets another transaction that holds seats or
            # bookings in another order (a cancellation serving the waitlist, a closure's
            # relocation): PostgreSQL aborts one, and trying again settles who won.
            if _pgcode(exc) != DEADLOCK_DETECTED or attempt == DEADLOCK_RETRIES:
                raise
    raise AssertionError("unreachable")


# The approval document type of bookings at centers that need approval.
APPROVAL_TYPE = "smartcenters.booking"


def _submit_for_approval(booking: Booking) -> None:
    """Route a held booking to the holder's approver; it is confirmed or released on the outcome."""
    try:
        approvals.submit(
            applicant=booking.user,
            doc_type=APPROVAL_TYPE,
            title=_("Seat booking: %(seat)s on %(day)s (%(slot)s)") % _describe(booking),
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


def on_document_decided(sender, document, outcome, **kwargs) -> None:
    """Follow the approval of a held booking, inside the deciding transaction."""
    if document.doc_type.code != APPROVAL_TYPE or document.subject_id is None:
        return
    booking = Booking.objects.filter(pk=document.subject_id).first()
    if booking is None or booking.status != Booking.Status.HELD:
        return  # cancelled meanwhile: nothing to follow
    # The approvals app tells the applicant the outcome.
    if outcome == "approved":
        confirm_booking(booking=booking)
    else:
        release_booking(booking=booking, reason=outcome, notify_holder=False)


def _lock(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("seat__center", "user")
        .get(pk=booking.pk)
    )


def confirm_booking(*, booking: Booking, notify_holder: bool = False) -> Booking:
    """Held → confirmed (the smart-work request or the center's approval came through)."""
    with transaction.atomic():
        booking = _lock(booking)
        if booking.status == Booking.Status.CONFIRMED:
            return booking
        if booking.status != Booking.Status.HELD:
            raise BookingStateError(_("Only a held booking can be confirmed."))
        booking.status = Booking.Status.CONFIRMED
        booking.save(update_fields=["status"])
        if notify_holder:
            notify(
                recipient=booking.user,
                title=_("Your seat booking is confirmed"),
                body=_("%(seat)s on %(day)s (%(slot)s).") % _describe(booking),
                url=_mine_url(),
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
    Raises PermissionDenied, BookingRuleError or BookingStateError.
    """
    now = now or timezone.now()
    with transaction.atomic():
        booking = _lock(booking)
        actor_is_admin = is_admin(actor)
        if booking.user_id != actor.pk and not actor_is_admin:
            raise PermissionDenied(_("You can cancel only your own bookings."))
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
                    _("Bookings can be cancelled until %(time)s.")
                    % {
                        "time": formats.date_format(
                            timezone.localtime(deadline), "SHORT_DATETIME_FORMAT"
                        )
                    },
                )
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.end_reason = reason[:200]
        booking.save(update_fields=["status", "cancelled_at", "end_reason"])
        pending = approval_selectors.pending_document_for(booking, doc_type=APPROVAL_TYPE)
        if pending is not None and booking.user_id == actor.pk:
            # Cancelling a booking that waits for approval takes the request back (회수).
            with contextlib.suppress(approvals.AlreadyDecided):
                approvals.withdraw(document=pending, actor=actor)
        if booking.user_id != actor.pk:
            notify(
                recipient=booking.user,
                title=_("Your seat booking was cancelled"),
                body=_("%(seat)s on %(day)s (%(slot)s).") % _describe(booking)
                + (f" {reason}" if reason else ""),
                url=_mine_url(),
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
    now = now or timezone.now()
    with transaction.atomic():
        booking = _lock(booking)
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
            notify(
                recipient=booking.user,
                title=_("Your seat was released"),
                body=_("%(seat)s on %(day)s (%(slot)s).") % _describe(booking) + f" {reason}",
                url=_mine_url(),
            )
        _end(booking, now=now)
    return booking


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


def check_in(*, booking: Booking, actor, token: str, now: datetime | None = None) -> Booking:
    """The holder checks in at the seat within the check-in window.

    `token` is what the seat's QR code carries: without it a booking id would check in from
    home, and the no-show release would never free the seat. Raises WrongSeatCode.
    """
    now = now or timezone.now()
    with transaction.atomic():
        booking = _lock(booking)
        if booking.user_id != actor.pk:
            raise PermissionDenied(_("This is someone else's booking."))
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
                "booking",
                _("Check-in opens at %(time)s.")
                % {"time": formats.date_format(timezone.localtime(opens), "SHORT_DATETIME_FORMAT")},
            )
        if now > closes:
            raise BookingRuleError(
                "booking",
                _("Check-in closed at %(time)s.")
                % {
                    "time": formats.date_format(timezone.localtime(closes), "SHORT_DATETIME_FORMAT")
                },
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
    now = now or timezone.now()
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


def join_waitlist(
    *, user, center: Center, date: Date, slot: str, now: datetime | None = None
) -> WaitlistEntry:
    """Wait for any seat at a full center; the first to wait gets the first seat that frees up."""
    now = now or timezone.now()
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
        raise PermissionDenied(_("This is someone else's place on the waitlist."))
    WaitlistEntry.objects.filter(pk=entry.pk, fulfilled_booking__isnull=True).delete()


def serve_waitlist(*, center: Center, date: Date, slot: str, now: datetime | None = None) -> int:
    """Give freed seats to the people waiting for them, first come first served; returns how many.

    Runs inside the transaction that freed the seat, so the seat never appears free in between.
    """
    now = now or timezone.now()
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
            notify(
                recipient=entry.user,
                title=_("A seat freed up for you"),
                body=_("You were first on the waitlist: %(seat)s on %(day)s (%(slot)s) is yours.")
                % _describe(booking),
                url=_mine_url(),
            )
            served += 1
    return served


def release_unchecked_bookings(now: datetime | None = None) -> int:
    """Beat job: release bookings nobody checked into by the deadline; tell the holder; serve waiters.

    Held bookings whose approval did not come by then are released too (not counted as no-shows).
    """
    now = now or timezone.now()
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


def complete_finished_bookings(now: datetime | None = None) -> int:
    """Beat job: checked-in bookings whose slot has ended become completed."""
    now = now or timezone.now()
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
