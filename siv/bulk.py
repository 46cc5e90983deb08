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
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, models
from django.db.models.base import ModelState
from django.utils.functional import Promise

# Values psycopg takes as they are (a choice is a str subclass: not among them).
_PLAIN = frozenset({str, int, bool, float, Decimal, date, datetime, type(None)})


def _value(value: Any) -> Any:
    """A value as COPY takes it: a choice by its value, lazy text as text."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Promise):
        return str(value)
    return value


def insert_rows(
    model: type[models.Model],
    rows: Iterable[Mapping[str, Any] | Sequence[Any]],
    *,
    ids: bool = False,
    columns: Sequence[str] | None = None,
) -> list[int]:
    """Insert `rows` (field name → value, as the model's attribute holds it: a foreign key by
    its `_id` name) into the model's table with one COPY. A concrete field a row leaves out
    takes its default; every row names the same fields. Rows may instead be sequences of the
    values of `columns` (attribute names), in that order. With `ids`, the ids are drawn from
    the table's sequence first (one more query) and returned, in the rows' order."""
    rows = list(rows)
    if not rows:
        return []
    meta = model._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if f is not pk]
    by_name = {f.attname: f for f in fields}
    if columns is None:
        columns = [name for name in rows[0] if name in by_name]
        rows = [[row[name] for name in columns] for row in rows]
    given = [by_name[name] for name in columns]
    # The fields left out, with their defaults (the same for every row).
    left_out = [f for f in fields if f.attname not in set(columns)]
    tail = [
        json.dumps(f.get_default()) if isinstance(f, models.JSONField) else _value(f.get_default())
        for f in left_out
    ]
    # Only JSON needs converting on every row; other values are checked by their type.
    json_at = [i for i, f in enumerate(given) if isinstance(f, models.JSONField)]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in ([pk] if ids else []) + given + left_out)
    statement = f"COPY {quote(meta.db_table)} ({names}) FROM STDIN"
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
                values = [v if type(v) in _PLAIN else _value(v) for v in row]
                for i in json_at:
                    values[i] = json.dumps(row[i])
                copy.write_row(drawn[number : number + 1] + values + tail)
        if connection.queries_logged:
            took = time.monotonic() - started
            connection.queries_log.append(
                {"sql": f"{statement} -- {len(rows)} rows", "time": f"{took:.3f}"}
            )
    return drawn


def instance(
    model: type[models.Model], values: dict[str, Any], *, saved: bool = True, **related: Any
) -> Any:
    """An instance of `model` built from `values` (every concrete field by its attribute
    name; one left out reads as deferred) without Django's field-by-field __init__, for the
    thousands of rows a bulk write makes or has just read back. `saved`: as if read from the
    database. `related`: foreign keys' objects, cached as assigning them would."""
    obj = model.__new__(model)
    obj.__dict__.update(values)
    state = obj._state = ModelState()
    if saved:
        state.adding, state.db = False, DEFAULT_DB_ALIAS
    if related:
        state.fields_cache = related
    return obj
