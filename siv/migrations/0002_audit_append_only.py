"""The audit log is append-only in the database itself.

UPDATE is always refused. DELETE is refused for rows younger than 180 days, so only the
retention job's deletion of expired rows (at least six months old) goes through.
"""

from django.db import migrations

POSTGRES = [
    """
    CREATE OR REPLACE FUNCTION siv_auditentry_guard() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            RAISE EXCEPTION 'siv_auditentry is append-only: UPDATE refused';
        END IF;
        IF OLD.at > now() - interval '180 days' THEN
            RAISE EXCEPTION 'siv_auditentry is append-only: DELETE refused within retention';
        END IF;
        RETURN OLD;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER siv_auditentry_append_only
    BEFORE UPDATE OR DELETE ON siv_auditentry
    FOR EACH ROW EXECUTE FUNCTION siv_auditentry_guard();
    """,
    """
    CREATE TRIGGER siv_auditentry_no_truncate
    BEFORE TRUNCATE ON siv_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION siv_auditentry_guard();
    """,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS siv_auditentry_no_truncate ON siv_auditentry;",
    "DROP TRIGGER IF EXISTS siv_auditentry_append_only ON siv_auditentry;",
    "DROP FUNCTION IF EXISTS siv_auditentry_guard();",
]
SQLITE = [
    """
    CREATE TRIGGER siv_auditentry_no_update BEFORE UPDATE ON siv_auditentry
    BEGIN SELECT RAISE(ABORT, 'siv_auditentry is append-only: UPDATE refused'); END;
    """,
    """
    CREATE TRIGGER siv_auditentry_no_delete BEFORE DELETE ON siv_auditentry
    WHEN OLD.at > strftime('%Y-%m-%d %H:%M:%f', 'now', '-180 days')
    BEGIN SELECT RAISE(ABORT, 'siv_auditentry is append-only: DELETE refused within retention'); END;
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS siv_auditentry_no_update;",
    "DROP TRIGGER IF EXISTS siv_auditentry_no_delete;",
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
    dependencies = [("siv", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
