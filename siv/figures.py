"""Figures counted from many rows (the indicator screens, the ESF table, the start page's key
figures, the re-visitation slots), kept until a write changes what they count.

Every table such figures read has a statement-level trigger (`tracking()`, in the
migrations of the table's app) that inserts a row into siv_figurechange for every statement
that writes it. The generation of the data is the table's epoch and the sum of its
`changes`: every committed write adds to the sum, nothing else changes it (the periodic fold
moves the rows into one in a single transaction, which keeps the sum), and an emptied table
draws a new epoch. A write commits its rows and its change row together, and PostgreSQL's
snapshots only ever grow (a later one sees every transaction an earlier one saw), so two
reads that see the same generation see the same committed data in the tracked tables.

`cached()` reads the generation, computes, and reads the generation again: the figures are
stored under it only when both reads agree (no write committed while they were counted) and
the transaction has written nothing of its own (its uncommitted rows would count in the sum,
and might be rolled back). A figure is served only from the generation the reader sees, so it
is never older than the committed data: a sequence or a counter bumped by a transaction that
has not committed yet plays no part in the key.

Writers only insert change rows: no writer waits for another on a shared counter row.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import pickle
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import connection, migrations, transaction
from django.utils import timezone, translation

T = TypeVar("T")

# Cached figures not computed again in this long go at the next fold (a key names the day it
# was counted on, so yesterday's figures are asked for no more).
_PURGE = "DELETE FROM siv_figurecache WHERE computed_at < now() - interval '2 days'"

_LOOKUP = """
WITH g AS (
    SELECT max(epoch)::text || '.' || sum(changes)::text AS generation,
           pg_current_xact_id_if_assigned() IS NULL AS clean
    FROM siv_figurechange
)
SELECT g.generation, g.clean, c.value
FROM g LEFT JOIN siv_figurecache c ON g.clean AND c.key = %s AND c.generation = g.generation
"""

_GENERATION = """
SELECT max(epoch)::text || '.' || sum(changes)::text, pg_current_xact_id_if_assigned() IS NULL
FROM siv_figurechange
"""

_STORE = """
INSERT INTO siv_figurecache (key, generation, value, computed_at) VALUES (%s, %s, %s, now())
ON CONFLICT (key) DO UPDATE
SET generation = EXCLUDED.generation, value = EXCLUDED.value, computed_at = EXCLUDED.computed_at
"""


def tracking(*tables: str) -> migrations.RunSQL:
    """A migration's operation: every statement writing one of `tables` counts as a change
    of the figures (a trigger per table)."""
    return migrations.RunSQL(
        [
            f"CREATE TRIGGER {table}_figures AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION siv_figures_changed();"
            for table in tables
        ],
        [f"DROP TRIGGER {table}_figures ON {table};" for table in tables],
    )


def _key(name: str, parts: object) -> str:
    described = json.dumps(
        [parts, translation.get_language(), timezone.localdate()], default=str, sort_keys=True
    )
    return f"{name}:{hashlib.sha256(described.encode()).hexdigest()}"


def _mac(payload: bytes) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), payload, hashlib.sha256).digest()


def _sealed(value: object) -> bytes:
    """The value pickled behind its MAC: only what this application stored is unpickled."""
    payload = pickle.dumps(value)
    return _mac(payload) + payload


def _opened(stored: bytes) -> object | None:
    """The value _sealed() stored; None for anything else, or for a value of classes this
    code no longer has (a release in between): counted afresh."""
    mac, payload = stored[:32], stored[32:]
    if not hmac.compare_digest(mac, _mac(payload)):
        return None
    try:
        return pickle.loads(payload)  # noqa: S301 - sealed by _sealed() with the secret key
    except (pickle.UnpicklingError, AttributeError, ImportError, EOFError, TypeError):
        return None


def generation() -> str | None:
    """The generation of the committed data this transaction sees; None when it has written
    rows of its own (or the change table has no epoch yet: nothing can be cached)."""
    with connection.cursor() as cursor:
        cursor.execute(_GENERATION)
        current, clean = cursor.fetchone()
    return current if clean else None


def cached(name: str, parts: object, compute: Callable[[], T]) -> T:
    """compute()'s value for the data as committed now: from the cache when it was computed
    at the generation this transaction sees, else computed (and stored when no write
    committed meanwhile). `parts` (JSON-able) name what compute() depends on besides the
    data, such as the period and scope; the language and today's date are added (figures
    counted "as of today", or up to a day not yet come, change at midnight)."""
    key = _key(name, parts)
    with connection.cursor() as cursor:
        cursor.execute(_LOOKUP, [key])
        before, clean, stored = cursor.fetchone()
    if stored is not None and (kept := _opened(bytes(stored))) is not None:
        return kept
    value = compute()
    if not clean or before is None or connection.in_atomic_block:
        return value
    if generation() == before:
        with connection.cursor() as cursor:
            cursor.execute(_STORE, [key, before, _sealed(value)])
    return value


def fold() -> int:
    """The change rows summed into the folded one (the generation stays the same); cached
    figures not asked for lately removed. The number of change rows folded."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT siv_figures_fold()")
        folded = cursor.fetchone()[0]
        cursor.execute(_PURGE)
    return folded
