"""The hand-written SQL of rpa/sql.py names only tables and columns the database has."""

import datetime

import pytest
from django.db import connection

from rpa import sql
from rpa.models import OutboxMessage, Recipient
from rpa.services import actions, uploads

pytestmark = pytest.mark.django_db


def database_columns() -> dict[str, set[str]]:
    with connection.cursor() as cursor:
        return {
            table: {
                column.name
                for column in connection.introspection.get_table_description(cursor, table)
            }
            for table in connection.introspection.table_names(cursor)
        }


def test_every_table_and_column_the_sql_names_exists():
    named = set(sql.NAMED)
    # The COPY inserts name their columns in the services that fill them.
    copied = {
        Recipient: (*uploads.RECIPIENT_COLUMNS, *uploads.RECIPIENT_COMPUTED),
        OutboxMessage: (
            *actions.OUTBOX_COLUMNS,
            *actions.OUTBOX_COMPUTED,
            *actions.outbox_constants(datetime.datetime.now(datetime.UTC)),
        ),
    }
    for model, names in copied.items():
        named |= {(model._meta.db_table, name) for name in names}
    existing = database_columns()

    missing = sorted(
        (table, column)
        for table, column in named
        if table not in existing or (column is not None and column not in existing[table])
    )

    assert {table for table, _column in named} >= {"rpa_outboxmessage", "rpa_upload"}
    assert not missing


def test_every_statement_runs_against_the_schema():
    now = datetime.datetime(2026, 3, 2, 3, 0, tzinfo=datetime.UTC)

    assert sql.stopped_uploads_of([1, 2]) == []
    sql.mark_sent([(0, "message", "request", "")], now=now)
    sql.mark_already_messaged(upload_id=0, day=now.date())

    assert not OutboxMessage.objects.exists()
