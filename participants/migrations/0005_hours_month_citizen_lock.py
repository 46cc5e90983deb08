import importlib

from django.db import migrations

# Two statements writing the same citizen's hours at once (the weekly grid saved while an
# upload runs) could each hold some of the citizen's month rows and wait for the other's:
# the upsert locks the kinds it writes, the month total then every kind of those months. The
# roll-up now first takes transaction locks on the citizens it touches, in order, so writers
# of one citizen's hours take turns. A lock stands for a share of the citizens (their id
# modulo LOCK_SHARES): a COPY of 50,000 citizens' weeks takes 256 locks, not 50,000 (which
# would exhaust PostgreSQL's lock table); two writers of different citizens wait for each
# other only when their citizens share a lock, 1 in 256, and then only for a statement.
# (Two-key advisory locks: a key space of their own, apart from the ledger's one-key lock.)
LOCK_NAMESPACE = 4_730_001
LOCK_SHARES = 256

_INITIAL = importlib.import_module("participants.migrations.0004_hours_month").POSTGRESQL
_FUNCTION_END = "$$;\nCREATE TRIGGER"
_BEFORE = """DECLARE
    citizens bigint[] := '{}';
    months date[] := '{}';
BEGIN
"""
_AFTER = f"""DECLARE
    citizens bigint[] := '{{}}';
    months date[] := '{{}}';
    shares integer[] := '{{}}';
    share integer;
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT shares || array_agg(s) INTO shares
        FROM (SELECT DISTINCT CAST(mod(citizen_id, {LOCK_SHARES}) AS integer) AS s
              FROM new_rows) written;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT shares || array_agg(s) INTO shares
        FROM (SELECT DISTINCT CAST(mod(citizen_id, {LOCK_SHARES}) AS integer) AS s
              FROM old_rows) written;
    END IF;
    FOR share IN SELECT DISTINCT s FROM unnest(shares) AS s WHERE s IS NOT NULL ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock({LOCK_NAMESPACE}, share);
    END LOOP;
"""


def _function(body: str) -> str:
    """The CREATE FUNCTION statement of a version of the trigger, as a replacement."""
    function = body[: body.index(_FUNCTION_END) + len("$$;")]
    return function.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)


assert _BEFORE in _INITIAL
LOCKING = _function(_INITIAL.replace(_BEFORE, _AFTER, 1))
INITIAL = _function(_INITIAL)


def replace(function: str):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(function)

    return apply


class Migration(migrations.Migration):
    dependencies = [("participants", "0004_hours_month")]

    operations = [migrations.RunPython(replace(LOCKING), replace(INITIAL))]
