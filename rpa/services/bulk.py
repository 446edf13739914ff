"""Inserting a whole sheet's rows at once with COPY, for the two writes a worst day makes big.

A 50,000-row sheet is 50,000 recipients at upload and 50,000 outbox messages at confirmation.
`bulk_create` spent more time building and preparing model instances than PostgreSQL spent
inserting them; COPY hands PostgreSQL the rows as text instead.
"""

import csv
import io
import json
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import JSONField, Model

SCRATCH = "rpa_copy_in"


def copy_insert(
    model: type[Model],
    columns: Sequence[str],
    rows: Iterable[Sequence],
    *,
    computed: dict[str, str] | None = None,
    skip_conflicts: bool = False,
) -> None:
    """Insert `rows` (values for the database `columns`, in order) into the model's table.

    `computed` gives SQL for the other columns (e.g. {"created_at": "now()"}), the defaults
    Django would have filled in. With `skip_conflicts`, a row that breaks a unique constraint
    is left out (ON CONFLICT DO NOTHING), as bulk_create's ignore_conflicts does. Rows keep
    their order (ids ascend with it). Runs in the caller's transaction: a failure leaves
    nothing behind.
    """
    table = model._meta.db_table
    fields = {field.column: field for field in model._meta.concrete_fields}
    json_at = [i for i, name in enumerate(columns) if isinstance(fields[name], JSONField)]
    nullable = [name for name in columns if fields[name].null]
    names = ", ".join(f'"{name}"' for name in columns)
    computed = computed or {}
    extra_names = "".join(f', "{name}"' for name in computed)
    extra_values = "".join(f", {sql}" for sql in computed.values())

    def encoded(position, row):
        row = [position, *row]
        for i in json_at:
            row[i + 1] = json.dumps(row[i + 1], ensure_ascii=False)
        return row

    buffer = io.StringIO()
    # Every field quoted, so that an empty string stays one; None is written as "" too, and
    # FORCE_NULL reads it back as NULL in the columns that may be NULL.
    csv.writer(buffer, quoting=csv.QUOTE_ALL).writerows(
        encoded(position, row) for position, row in enumerate(rows)
    )
    buffer.seek(0)
    force_null = f", FORCE_NULL ({', '.join(chr(34) + n + chr(34) for n in nullable)})"
    options = "FORMAT csv" + (force_null if nullable else "")
    # Only the model's own table and column names, and the caller's fixed SQL, are interpolated.
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {SCRATCH} AS SELECT {names} FROM {table} WITH NO DATA"  # noqa: S608
        )
        cursor.execute(f'ALTER TABLE {SCRATCH} ADD COLUMN "_position" bigint')
        cursor.cursor.copy_expert(
            f'COPY {SCRATCH} ("_position", {names}) FROM STDIN WITH ({options})', buffer
        )
        cursor.execute(
            f"INSERT INTO {table} ({names}{extra_names}) "  # noqa: S608
            f'SELECT {names}{extra_values} FROM {SCRATCH} ORDER BY "_position"'
            + (" ON CONFLICT DO NOTHING" if skip_conflicts else "")
        )
        # Dropped here, not at commit: the caller's transaction may copy again.
        cursor.execute(f"DROP TABLE {SCRATCH}")
