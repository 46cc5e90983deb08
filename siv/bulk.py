"""Many rows written at once, for writes of tens of thousands of rows.

Django's `bulk_create` builds a model instance and prepares each value field by field, and
psycopg quotes every value into the statement: at 10,000 rows that costs seconds. Here the
rows go in with one COPY (their ids, when the caller needs them, drawn first with one query).
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


def insert_rows(
    model: type[models.Model], rows: Iterable[Mapping[str, Any]], *, ids: bool = False
) -> list[int]:
    """Insert `rows` (field name → value, as the model's attribute holds it: a foreign key by
    its `_id` name) into the model's table with one COPY. A concrete field a row leaves out
    takes its default; every row names the same fields. With `ids`, the ids are drawn from
    the table's sequence first (one more query) and returned, in the rows' order."""
    rows = list(rows)
    if not rows:
        return []
    meta = model._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if f is not pk]
    given = set(rows[0])
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in given}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in ([pk] if ids else []) + fields)
    statement = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor:
        drawn = []
        if ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk.column, len(rows)],
            )
            drawn = [value for (value,) in cursor.fetchall()]
        started = time.monotonic()
        # Errors as Django raises them (an IntegrityError, not psycopg's own).
        with connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
            for number, row in enumerate(rows):
                values = {**defaults, **row}
                copy.write_row(
                    drawn[number : number + 1] + [_value(f, values[f.attname]) for f in fields]
                )
        if connection.queries_logged:
            took = time.monotonic() - started
            connection.queries_log.append(
                {"sql": f"{statement} -- {len(rows)} rows", "time": f"{took:.3f}"}
            )
    return drawn
