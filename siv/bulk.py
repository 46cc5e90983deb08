"""Many rows written at once, for writes of tens of thousands of rows.

Django's `bulk_create` builds a model instance and prepares each value field by field, and
psycopg quotes every value into the statement: at 10,000 rows that costs seconds. Here the
ids are drawn from the table's sequence with one query and the rows go in with one COPY.
The COPY is logged with the connection's queries like any statement (so tests that count
queries count it).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

from django.db import connection, models
from django.utils.functional import Promise


def _value(field: models.Field, value: Any) -> Any:
    """A value as COPY takes it: JSON as text, a choice by its value, lazy text as text."""
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Promise):
        return str(value)
    return value


def insert_rows(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> list[int]:
    """Insert `rows` (field name → value, as the model's attribute holds it: a foreign key by
    its `_id` name) into the model's table. A concrete field a row leaves out takes its
    default; every row names the same fields. Returns the new rows' ids, in order."""
    rows = list(rows)
    if not rows:
        return []
    meta = model._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if f is not pk]
    given = set(rows[0])
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in given}
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(f.column) for f in [pk, *fields])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(rows)],
        )
        ids = [pk_value for (pk_value,) in cursor.fetchall()]
        statement = f"COPY {table} ({columns}) FROM STDIN"
        started = time.monotonic()
        # Errors as Django raises them (an IntegrityError, not psycopg's own).
        with connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
            for pk_value, row in zip(ids, rows, strict=True):
                values = {**defaults, **row}
                copy.write_row([pk_value] + [_value(f, values[f.attname]) for f in fields])
        if connection.queries_logged:
            took = time.monotonic() - started
            connection.queries_log.append(
                {"sql": f"{statement} -- {len(rows)} rows", "time": f"{took:.3f}"}
            )
    return ids
