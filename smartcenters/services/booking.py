"""Booking a seat: the rules, the per-person limit, and the race the exclusion constraints decide.

The no-double-booking guarantee is PostgreSQL's (two exclusion constraints on `Booking`); the
checks here only produce friendly refusals, and the constraints' violations become them too.
"""

from datetime import date as Date
from datetime import datetime

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils.translation import gettext as _

from core import clock
from core.workdays import public_holiday_name

from .. import rules, selectors, sql
from ..models import Booking, BookingRules, Seat
from .approval import submit_for_approval
from .errors import BookingRuleError, PersonAlreadyBooked, SeatTaken

SEAT_CONSTRAINT = "booking_no_double_seat"
PERSON_CONSTRAINT = "booking_no_double_person"
DEADLOCK_DETECTED = "40P01"
DEADLOCK_RETRIES = 3


def _pgcode(exc: Exception) -> str | None:
    return getattr(exc.__cause__, "pgcode", None)


def _violated_constraint(exc: IntegrityError) -> str | None:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


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
    violation = rules.check_booking_window(
        day=day,
        slot=slot,
        now=now,
        # Bookings made by the office itself (an arrangement, a closure) may reach further.
        days_ahead=rules_row.days_ahead if enforce else 366,
        hours=seat.center.hours,
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


def _check_active_limit(*, user, today: Date, rules_row: BookingRules) -> None:
    """The per-person limit on self-bookings; call inside the booking's transaction."""
    params = sql.active_self_bookings_params(user_id=user.pk, today=today)
    with connection.cursor() as cursor:
        # Lock the person's row so two of their bookings at once cannot both pass the count.
        cursor.execute(sql.lock_person_sql(), params)
        cursor.execute(sql.ACTIVE_SELF_BOOKINGS_SQL, params)
        (active,) = cursor.fetchone()
    if active >= rules_row.max_active_bookings:
        raise BookingRuleError(
            "non_field_errors",
            _("You may hold at most %(n)s active bookings: cancel one to book another.")
            % {"n": rules_row.max_active_bookings},
        )


def _seat_for_booking(
    *, seat_id: int, user, date: Date, slot: str
) -> tuple[Seat | None, BookingRules]:
    """The seat (with `closed_that_day` (the closure's reason or None), `holiday_that_day`
    (a public or office holiday's name or None), `is_taken` and `person_is_seated`) and the
    rules, in one statement (sql.seat_for_booking_sql)."""
    with connection.cursor() as cursor:
        cursor.execute(
            sql.seat_for_booking_sql(),
            sql.booking_params(seat_id=seat_id, user_id=user.pk, day=date, slot=slot),
        )
        row = cursor.fetchone()
    if row is None:
        return None, BookingRules.load()
    values = iter(row)
    seat = sql.seat_from_row(values)
    rules_row = sql.rules_from_row(values)
    seat.closed_that_day, office_holiday, seat.is_taken, seat.person_is_seated = values
    seat.holiday_that_day = office_holiday or public_holiday_name(date)
    return seat, rules_row or BookingRules.load()


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
    now = now or clock.now()
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
    needs_approval = seat.center.needs_approval and origin == Booking.Origin.SELF
    if needs_approval:
        status = Booking.Status.HELD
    for attempt in range(DEADLOCK_RETRIES + 1):
        try:
            with transaction.atomic():
                if enforce_rules:
                    _check_active_limit(
                        user=user, today=rules.local_today(now), rules_row=rules_row
                    )
                # Inserts racing for one seat would each wait in the exclusion index for the
                # other's row, and PostgreSQL would abort one of them: they take turns instead,
                # and the loser meets the winner's committed row (SeatTaken).
                with connection.cursor() as cursor:
                    cursor.execute(sql.LOCK_SEAT_SQL, {"seat": seat.pk})
                booking = Booking.objects.create(
                    user=user, seat=seat, date=date, slot=slot, status=status, origin=origin
                )
                if needs_approval:
                    submit_for_approval(booking)
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
