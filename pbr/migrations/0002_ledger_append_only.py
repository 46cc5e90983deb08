"""The PbR ledger is append-only in the database itself: UPDATE and DELETE are refused."""

from django.db import migrations

POSTGRES = [
    """
    CREATE OR REPLACE FUNCTION pbr_ledgerentry_guard() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION USING MESSAGE = 'pbr_ledgerentry is append-only: ' || TG_OP || ' refused';
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER pbr_ledgerentry_append_only
    BEFORE UPDATE OR DELETE ON pbr_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION pbr_ledgerentry_guard();
    """,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS pbr_ledgerentry_append_only ON pbr_ledgerentry;",
    "DROP FUNCTION IF EXISTS pbr_ledgerentry_guard();",
]
SQLITE = [
    """
    CREATE TRIGGER pbr_ledgerentry_no_update BEFORE UPDATE ON pbr_ledgerentry
    BEGIN SELECT RAISE(ABORT, 'pbr_ledgerentry is append-only: UPDATE refused'); END;
    """,
    """
    CREATE TRIGGER pbr_ledgerentry_no_delete BEFORE DELETE ON pbr_ledgerentry
    BEGIN SELECT RAISE(ABORT, 'pbr_ledgerentry is append-only: DELETE refused'); END;
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS pbr_ledgerentry_no_update;",
    "DROP TRIGGER IF EXISTS pbr_ledgerentry_no_delete;",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    statements = (
        POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    )
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("pbr", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
