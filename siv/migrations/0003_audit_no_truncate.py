"""TRUNCATE of the audit log is refused.

The statement-level trigger that 0002 once created called the row guard, where OLD is
NULL: its retention test was never true, so a TRUNCATE emptied the log. A statement
trigger of its own refuses it always. (A test database's flush passes it the one way any
trigger can be passed: session_replication_role, which only the owner may set.)
"""

from django.db import migrations

NO_TRUNCATE = """
DROP TRIGGER IF EXISTS siv_auditentry_no_truncate ON siv_auditentry;
CREATE OR REPLACE FUNCTION siv_refuse_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only: TRUNCATE refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER siv_auditentry_no_truncate
BEFORE TRUNCATE ON siv_auditentry
FOR EACH STATEMENT EXECUTE FUNCTION siv_refuse_truncate();
"""
NO_TRUNCATE_REVERSE = """
DROP TRIGGER IF EXISTS siv_auditentry_no_truncate ON siv_auditentry;
DROP FUNCTION IF EXISTS siv_refuse_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("siv", "0002_audit_append_only")]
    operations = [migrations.RunSQL(NO_TRUNCATE, NO_TRUNCATE_REVERSE)]
