"""Every statement the rpa app writes by hand: what the ORM cannot say, or says too slowly for a
50,000-row day.

- uploads read `FOR SHARE`, which the ORM's select_for_update does not offer;
- marking many messages sent, each with the provider's own ids, from arrays in one statement;
- flagging residents an earlier upload of the day already texted (an UPDATE joined on a key);
- `copy_insert`: a whole sheet's rows with COPY.

Table and column names come from the models' `_meta`, statuses from their enums (passed as
parameters). Every name used here is recorded in `NAMED`; tests/rpa/test_sql.py proves each
exists in the database.
"""

import csv
import datetime
import io
import json
from collections.abc import Iterable, Sequence
from types import SimpleNamespace

from django.db import connection
from django.db.models import JSONField, Model

from .models import OutboxMessage, Recipient, Upload

# (table, column) of every name the statements below use; read by the test.
NAMED: set[tuple[str, str | None]] = set()


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def column(model: type[Model], field: str) -> str:
    """The database column of a model's field (unquoted): `upload` gives `upload_id`."""
    name = model._meta.get_field(field).column
    NAMED.add((model._meta.db_table, name))
    return name


def columns(model: type[Model], *fields: str) -> tuple[str, ...]:
    return tuple(column(model, field) for field in fields)


def names(model: type[Model], *fields: str) -> SimpleNamespace:
    """The quoted table (`.table`) and the quoted columns of these fields, by field name."""
    NAMED.add((model._meta.db_table, None))
    return SimpleNamespace(
        table=quote(model._meta.db_table),
        **{field: quote(column(model, field)) for field in fields},
    )


Status = OutboxMessage.Status
message = names(
    OutboxMessage,
    "id",
    "upload",
    "status",
    "updated_at",
    "sent_at",
    "gateway_message_id",
    "gateway_request_id",
    "sent_via",
    "channel",
    "failure_reason",
    "dedupe_key",
)
upload = names(Upload, "id", "status")
recipient = names(Recipient, "upload", "status", "already_messaged_by", "person_key")

# A shared lock, not an exclusive one: senders of the same upload do not wait for each other,
# only a stop (which holds the upload FOR UPDATE) waits for them, and they for it.
UPLOADS_FOR_SHARE = f"""
SELECT {upload.id}, {upload.status} FROM {upload.table}
WHERE {upload.id} IN (
    SELECT DISTINCT {message.upload} FROM {message.table} WHERE {message.id} = ANY(%(ids)s)
)
ORDER BY {upload.id}
FOR SHARE
"""  # noqa: S608  only names from _meta are interpolated


def stopped_uploads_of(message_ids: Sequence[int]) -> list[int]:
    """The stopped uploads among these messages' uploads, all of which are read FOR SHARE."""
    with connection.cursor() as cursor:
        cursor.execute(UPLOADS_FOR_SHARE, {"ids": list(message_ids)})
        return [pk for pk, status in cursor.fetchall() if status == Upload.Status.STOPPED]


MARK_SENT = f"""
UPDATE {message.table} o SET {message.status} = %(sent)s, {message.sent_at} = %(now)s,
    {message.updated_at} = %(now)s, {message.gateway_message_id} = v.message_id,
    {message.gateway_request_id} = v.request_id,
    {message.sent_via} = COALESCE(NULLIF(v.via, ''), o.{message.channel}),
    {message.failure_reason} = ''
FROM unnest(%(ids)s::bigint[], %(message_ids)s::text[], %(request_ids)s::text[],
            %(vias)s::text[]) AS v(id, message_id, request_id, via)
WHERE o.{message.id} = v.id
"""  # noqa: S608  only names from _meta are interpolated


def mark_sent(accepted: Sequence[tuple[int, str, str, str]], *, now: datetime.datetime) -> None:
    """Messages the provider took: (id, its message id, its request id, how it went).

    An empty "how" means the way it was sent (its channel), until a result says otherwise.
    """
    if not accepted:
        return
    ids, message_ids, request_ids, vias = (list(values) for values in zip(*accepted, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            MARK_SENT,
            {
                "sent": Status.SENT,
                "now": now,
                "ids": ids,
                "message_ids": message_ids,
                "request_ids": request_ids,
                "vias": vias,
            },
        )


MARK_ALREADY_MESSAGED = f"""
UPDATE {recipient.table} r SET {recipient.already_messaged_by} = m.{message.upload}
FROM {message.table} m
WHERE r.{recipient.upload} = %(upload)s AND r.{recipient.status} = %(valid)s
  AND m.{message.dedupe_key} = %(prefix)s || r.{recipient.person_key}
  AND m.{message.upload} <> r.{recipient.upload}
"""  # noqa: S608  only names from _meta are interpolated


def mark_already_messaged(*, upload_id: int, day: datetime.date) -> None:
    """Flag the upload's residents whom an earlier upload of the same day has already texted."""
    with connection.cursor() as cursor:
        cursor.execute(
            MARK_ALREADY_MESSAGED,
            {
                "upload": upload_id,
                "valid": Recipient.Status.VALID,
                "prefix": dedupe_prefix(day),
            },
        )


def dedupe_prefix(day: datetime.date) -> str:
    """A resident's outbox key is the day and their person key: one text a person a day."""
    return f"{day.isoformat()}|"


# --- COPY ------------------------------------------------------------------------------------
# A 50,000-row sheet is 50,000 recipients at upload and 50,000 outbox messages at
# confirmation. `bulk_create` spent more time building and preparing model instances than
# PostgreSQL spent inserting them; COPY hands PostgreSQL the rows as text instead.

SCRATCH = "rpa_copy_in"


def copy_insert(
    model: type[Model],
    names_in_order: Sequence[str],
    rows: Iterable[Sequence],
    *,
    computed: dict[str, str] | None = None,
    constants: dict[str, object] | None = None,
    skip_conflicts: bool = False,
) -> None:
    """Insert `rows` (values for the database columns `names_in_order`) into the model's table.

    The other columns get `computed` SQL (e.g. {"client_id": "gen_random_uuid()"}) or the same
    value on every row from `constants` (a query parameter, e.g. {"created_at": now}): the
    defaults Django would have filled in. With `skip_conflicts`, a row that breaks a unique
    constraint is left out (ON CONFLICT DO NOTHING), as bulk_create's ignore_conflicts does.
    Rows keep their order (ids ascend with it). Runs in the caller's transaction: a failure
    leaves nothing behind.
    """
    table = model._meta.db_table
    fields = {field.column: field for field in model._meta.concrete_fields}
    computed = computed or {}
    constants = constants or {}
    for name in (*names_in_order, *computed, *constants):
        fields[name]  # noqa: B018  a name that is no column of the model fails here
        NAMED.add((table, name))
    json_at = [i for i, name in enumerate(names_in_order) if isinstance(fields[name], JSONField)]
    nullable = [name for name in names_in_order if fields[name].null]
    listed = ", ".join(quote(name) for name in names_in_order)
    extra_names = "".join(f", {quote(name)}" for name in (*computed, *constants))
    extra_values = "".join(f", {sql}" for sql in computed.values()) + ", %s" * len(constants)

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
    force_null = f", FORCE_NULL ({', '.join(quote(name) for name in nullable)})"
    options = "FORMAT csv" + (force_null if nullable else "")
    # Only the model's own table and column names, and the caller's fixed SQL, are interpolated.
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {SCRATCH} AS SELECT {listed} FROM {quote(table)} WITH NO DATA"  # noqa: S608
        )
        cursor.execute(f'ALTER TABLE {SCRATCH} ADD COLUMN "_position" bigint')
        cursor.cursor.copy_expert(
            f'COPY {SCRATCH} ("_position", {listed}) FROM STDIN WITH ({options})', buffer
        )
        cursor.execute(
            f"INSERT INTO {quote(table)} ({listed}{extra_names}) "  # noqa: S608
            f'SELECT {listed}{extra_values} FROM {SCRATCH} ORDER BY "_position"'
            + (" ON CONFLICT DO NOTHING" if skip_conflicts else ""),
            list(constants.values()),
        )
        # Dropped here, not at commit: the caller's transaction may copy again.
        cursor.execute(f"DROP TABLE {SCRATCH}")
