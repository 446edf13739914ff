"""The hand-written SQL of the booking hot path, its tables and columns named from the models.

Booking a seat and offering the nearest free one each ask one statement, and a booking locks
the person and the seat and counts the person's bookings: built by the ORM, compiling these
cost more CPU than PostgreSQL spent answering them (docs/PERFORMANCE.md).
Names come from the models' `_meta`, under readable aliases, and tests/smartcenters/test_sql.py
proves that each exists; values are always parameters: %(seat)s, %(user)s, %(date)s,
%(today)s, %(slots)s (the slots that overlap the one asked for), %(active)s (the statuses that
hold a seat), %(origin)s and %(rules)s (the booking rules' row).
"""

import functools
from collections.abc import Iterator
from datetime import date

from django.contrib.auth import get_user_model
from django.db import connection

from core.workdays import office_holidays_model

from . import rules
from .models import BOOKING_RULES_PK, Booking, BookingRules, Center, CenterClosure, Seat

# Every table and column the statements name, for the test that proves they exist.
NAMED_COLUMNS: dict[str, set[str]] = {}


class Table:
    """A model's table under an alias; `col(field)` names a field's column as `alias."column"`."""

    def __init__(self, model, alias: str):
        self.model = model
        self.alias = alias
        self.name = model._meta.db_table
        NAMED_COLUMNS.setdefault(self.name, set())

    @property
    def source(self) -> str:
        """The table with its alias, for FROM and JOIN."""
        return f"{connection.ops.quote_name(self.name)} {self.alias}"

    def col(self, field: str) -> str:
        column = self.model._meta.get_field(field).column
        NAMED_COLUMNS[self.name].add(column)
        return f"{self.alias}.{connection.ops.quote_name(column)}"

    def every_column(self) -> tuple[list[str], str]:
        """The model's field names (for `Model.from_db`) and their columns in the same order."""
        fields = self.model._meta.concrete_fields
        return [f.attname for f in fields], ", ".join(self.col(f.name) for f in fields)


seat = Table(Seat, "seat")
center = Table(Center, "center")
booking_rules = Table(BookingRules, "booking_rules")
SEAT_FIELDS, SEAT_COLUMNS = seat.every_column()
CENTER_FIELDS, CENTER_COLUMNS = center.every_column()
RULES_FIELDS, RULES_COLUMNS = booking_rules.every_column()

SEATS_WITH_CENTERS = (
    f"{seat.source} JOIN {center.source} ON {center.col('id')} = {seat.col('center')}"
)


def _overlaps_the_slot(booking: Table) -> str:
    """An active booking on %(date)s whose slot shares time with the one asked for."""
    return (
        f"{booking.col('date')} = %(date)s AND {booking.col('slot')} = ANY(%(slots)s)"
        f" AND {booking.col('status')} = ANY(%(active)s)"
    )


held = Table(Booking, "held")
SEAT_IS_HELD = f"""EXISTS (SELECT 1 FROM {held.source}
    WHERE {held.col("seat")} = {seat.col("id")} AND {_overlaps_the_slot(held)})"""  # noqa: S608

mine = Table(Booking, "mine")
PERSON_IS_SEATED = f"""EXISTS (SELECT 1 FROM {mine.source}
    WHERE {mine.col("user")} = %(user)s AND {_overlaps_the_slot(mine)})"""  # noqa: S608

closure = Table(CenterClosure, "closure")
_CLOSED_THAT_DAY = (
    f"{closure.col('center')} = {center.col('id')}"
    f" AND {closure.col('starts_on')} <= %(date)s AND {closure.col('ends_on')} >= %(date)s"
)
CENTER_IS_CLOSED = f"EXISTS (SELECT 1 FROM {closure.source} WHERE {_CLOSED_THAT_DAY})"  # noqa: S608
CLOSURE_REASON = f"""(SELECT {closure.col("reason")} FROM {closure.source}
    WHERE {_CLOSED_THAT_DAY} ORDER BY {closure.col("starts_on")} LIMIT 1)"""  # noqa: S608

# Active seats of active centers, free for the slot and not closed by their center that day.
FREE_SEATS_SQL = f"""
    SELECT {SEAT_COLUMNS}, {CENTER_COLUMNS} FROM {SEATS_WITH_CENTERS}
     WHERE {seat.col("is_active")} AND {center.col("is_active")}
       AND NOT {SEAT_IS_HELD} AND NOT {CENTER_IS_CLOSED}
"""  # noqa: S608


def _office_holiday_name() -> str:
    """The office holiday's name on %(date)s, or NULL (also while no app keeps office holidays)."""
    model = office_holidays_model()
    if model is None:
        return "NULL"
    holiday = Table(model, "office_holiday")
    return (
        f"(SELECT {holiday.col('name')} FROM {holiday.source}"  # noqa: S608
        f" WHERE {holiday.col('date')} = %(date)s)"
    )


@functools.cache
def seat_for_booking_sql() -> str:
    """Everything a booking must know before its transaction, in one statement: the seat and
    its center, the booking rules, the center's closure that day, the office holiday that day,
    whether the seat is held then and whether the person already sits somewhere then.

    Built on first use: the office holidays' model is registered once the apps are ready.
    """
    return f"""
    SELECT {SEAT_COLUMNS}, {CENTER_COLUMNS}, {RULES_COLUMNS},
        {CLOSURE_REASON}, {_office_holiday_name()}, {SEAT_IS_HELD}, {PERSON_IS_SEATED}
      FROM {SEATS_WITH_CENTERS}
      LEFT JOIN {booking_rules.source} ON {booking_rules.col("id")} = %(rules)s
     WHERE {seat.col("id")} = %(seat)s
"""  # noqa: S608


# Inside a booking's transaction. NO KEY UPDATE: a person's bookings, and the bookings of a
# seat, take turns, while rows that merely refer to the person or the seat do not wait. Only
# self-bookings count towards the limit: the seats the office holds for a person (a smart-work
# arrangement, a closure) follow the arrangement, however many days it has. These three stay
# hand-written: through the ORM they cost a booking about 1.2 ms more CPU (docs/PERFORMANCE.md).
LOCK_SEAT_SQL = f"SELECT 1 FROM {seat.source} WHERE {seat.col('id')} = %(seat)s FOR NO KEY UPDATE"  # noqa: S608
counted = Table(Booking, "counted")
ACTIVE_SELF_BOOKINGS_SQL = f"""SELECT count(*) FROM {counted.source}
    WHERE {counted.col("user")} = %(user)s AND {counted.col("status")} = ANY(%(active)s)
      AND {counted.col("date")} >= %(today)s AND {counted.col("origin")} = %(origin)s"""  # noqa: S608


@functools.cache
def lock_person_sql() -> str:
    """Built on first use: the person's model is known once the apps are ready."""
    person = Table(get_user_model(), "person")
    return f"SELECT 1 FROM {person.source} WHERE {person.col('id')} = %(user)s FOR NO KEY UPDATE"  # noqa: S608


def overlap_params(day: date, slot: str) -> dict:
    """The parameters of FREE_SEATS_SQL: the day, the overlapping slots, the active statuses."""
    return {
        "date": day,
        "slots": list(rules.overlapping_slots(slot)),
        "active": list(Booking.ACTIVE_STATUSES),
    }


def booking_params(*, seat_id: int, user_id: int, day: date, slot: str) -> dict:
    """The parameters of seat_for_booking_sql()."""
    return {
        **overlap_params(day, slot),
        "seat": seat_id,
        "user": user_id,
        "rules": BOOKING_RULES_PK,
    }


def active_self_bookings_params(*, user_id: int, today: date) -> dict:
    """The parameters of ACTIVE_SELF_BOOKINGS_SQL (and of lock_person_sql())."""
    return {
        "user": user_id,
        "active": list(Booking.ACTIVE_STATUSES),
        "today": today,
        "origin": Booking.Origin.SELF,
    }


def seat_from_row(values: Iterator) -> Seat:
    """A seat with its center from an iterator over SEAT_COLUMNS then CENTER_COLUMNS."""
    found = Seat.from_db(connection.alias, SEAT_FIELDS, [next(values) for _ in SEAT_FIELDS])
    found.center = Center.from_db(
        connection.alias, CENTER_FIELDS, [next(values) for _ in CENTER_FIELDS]
    )
    return found


def rules_from_row(values: Iterator) -> BookingRules | None:
    """The booking rules from an iterator over RULES_COLUMNS; None when the row is missing."""
    found = BookingRules.from_db(
        connection.alias, RULES_FIELDS, [next(values) for _ in RULES_FIELDS]
    )
    return found if found.pk is not None else None
