"""Fast bulk writes of plain row tuples with PostgreSQL COPY.

Rows carry their own primary keys, so child rows can point at parents without reading them
back; `reset_sequences` moves the id sequences past them afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED


@dataclass
class Table:
    """A model's concrete columns, in order, and the value each takes when not given."""

    model: type[models.Model]
    columns: list[str] = field(init=False)
    defaults: list[object] = field(init=False)

    def __post_init__(self) -> None:
        self.columns, self.defaults = [], []
        for model_field in self.model._meta.concrete_fields:
            self.columns.append(model_field.column)
            self.defaults.append(_default(model_field))

    @property
    def name(self) -> str:
        return self.model._meta.db_table

    def row(self, **values) -> tuple:
        """A full row from the given column values (by attribute or column name)."""
        out = list(self.defaults)
        for key, value in values.items():
            out[self.index(key)] = value
        return tuple(out)

    def index(self, name: str) -> int:
        try:
            return self.columns.index(name)
        except ValueError:
            return self.columns.index(f"{name}_id")


def _default(model_field) -> object:
    if model_field.default is not NOT_PROVIDED:
        return model_field.get_default()
    if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
        from django.utils import timezone

        return timezone.now()
    if model_field.null:
        return None
    if isinstance(model_field, models.CharField | models.TextField):
        return ""
    return None


def write(table: Table, rows: Iterable[Sequence]) -> int:
    """COPY rows (tuples in `table.columns` order) into the table; the number written."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in table.columns)
    count = 0
    with connection.cursor() as cursor:
        # Django's cursor wraps psycopg's; COPY needs the driver's own.
        with cursor.cursor.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def next_id(model: type[models.Model]) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def reset_sequences(model_list: Iterable[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def analyze(tables: Iterable[str]) -> None:
    """Tables just filled in bulk made ready to read, as autovacuum would leave them in its
    own time: fresh planner statistics (until then PostgreSQL plans as if the tables were
    nearly empty) and, outside a transaction, the visibility map VACUUM sets, without which a
    count reads every row from the heap instead of answering from an index."""
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for name in tables:
            cursor.execute(f"{command} {connection.ops.quote_name(name)}")


class Timings:
    """Seconds and rows per table, in the order written."""

    def __init__(self) -> None:
        self.rows: dict[str, dict] = {}

    def run(self, table: Table, rows: Iterable[Sequence]) -> int:
        started = time.perf_counter()
        count = write(table, rows)
        entry = self.rows.setdefault(table.name, {"rows": 0, "seconds": 0.0})
        entry["rows"] += count
        entry["seconds"] += time.perf_counter() - started
        return count
