"""The audit log is append-only in the database itself.

UPDATE is always refused. DELETE is refused for rows younger than 180 days, so only the
retention job's deletion of expired rows (at least six months old) goes through. TRUNCATE
is refused by its own trigger (0003).
"""

from django.db import migrations

GUARD = """
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
CREATE TRIGGER siv_auditentry_append_only
BEFORE UPDATE OR DELETE ON siv_auditentry
FOR EACH ROW EXECUTE FUNCTION siv_auditentry_guard();
"""
GUARD_REVERSE = """
DROP TRIGGER IF EXISTS siv_auditentry_append_only ON siv_auditentry;
DROP FUNCTION IF EXISTS siv_auditentry_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("siv", "0001_initial")]
    operations = [migrations.RunSQL(GUARD, GUARD_REVERSE)]
