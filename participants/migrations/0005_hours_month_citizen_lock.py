import importlib

from django.db import migrations

# Two statements writing the same citizen's hours at once (the weekly grid saved while an
# upload runs) could each hold some of the citizen's month rows and wait for the other's:
# the upsert locks the kinds it writes, the month total then every kind of those months. The
# roll-up now first takes a transaction lock per citizen it touches, in citizen order, so
# writers of one citizen's hours take turns and writers of different citizens never wait.
# (Two-key advisory locks: a key space of their own, apart from the ledger's one-key lock.)
LOCK_NAMESPACE = 4_730_001

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
    writing bigint[] := '{{}}';
    citizen bigint;
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT writing || array_agg(citizen_id) INTO writing FROM new_rows;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT writing || array_agg(citizen_id) INTO writing FROM old_rows;
    END IF;
    FOR citizen IN SELECT DISTINCT c FROM unnest(writing) AS c WHERE c IS NOT NULL ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock({LOCK_NAMESPACE}, CAST(mod(citizen, 2147483647) AS integer));
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
