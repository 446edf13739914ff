"""The booking hot path's hand-written SQL names only tables and columns PostgreSQL has."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from core.workdays import office_holidays_model
from smartcenters import sql
from smartcenters.models import Booking, BookingRules, Center, CenterClosure, Seat

pytestmark = pytest.mark.django_db
MONDAY = date(2030, 3, 4)


def every_statement() -> list[str]:
    """Each statement, the ones built on first use too (their tables are known then)."""
    return [
        sql.seat_for_booking_sql(),
        sql.FREE_SEATS_SQL,
        sql.lock_person_sql(),
        sql.LOCK_SEAT_SQL,
        sql.ACTIVE_SELF_BOOKINGS_SQL,
    ]


def test_every_table_and_column_the_sql_names_exists_in_postgresql():
    every_statement()
    introspection = connection.introspection
    with connection.cursor() as cursor:
        tables = set(introspection.table_names(cursor))
        for table, columns in sql.NAMED_COLUMNS.items():
            assert table in tables
            existing = {c.name for c in introspection.get_table_description(cursor, table)}
            assert columns, f"{table} is named without a column"
            assert columns <= existing, f"{table} has no {sorted(columns - existing)}"


def test_the_sql_names_the_tables_of_the_booking_models_and_the_office_holidays():
    every_statement()
    models = (
        Booking,
        BookingRules,
        Center,
        CenterClosure,
        Seat,
        get_user_model(),
        office_holidays_model(),
    )
    assert {model._meta.db_table for model in models} == set(sql.NAMED_COLUMNS)


def test_postgresql_plans_every_statement():
    params = {
        **sql.booking_params(seat_id=1, user_id=1, day=MONDAY, slot="am"),
        **sql.active_self_bookings_params(user_id=1, today=MONDAY),
    }
    with connection.cursor() as cursor:
        for statement in every_statement():
            cursor.execute(f"EXPLAIN {statement}", params)
            assert cursor.fetchall()
