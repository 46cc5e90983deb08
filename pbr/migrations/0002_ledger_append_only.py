"""The PbR ledger is append-only in the database itself: UPDATE and DELETE are refused
(TRUNCATE too, from 0004)."""

from django.db import migrations

GUARD = """
CREATE OR REPLACE FUNCTION pbr_ledgerentry_guard() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'pbr_ledgerentry is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER pbr_ledgerentry_append_only
BEFORE UPDATE OR DELETE ON pbr_ledgerentry
FOR EACH ROW EXECUTE FUNCTION pbr_ledgerentry_guard();
"""
GUARD_REVERSE = """
DROP TRIGGER IF EXISTS pbr_ledgerentry_append_only ON pbr_ledgerentry;
DROP FUNCTION IF EXISTS pbr_ledgerentry_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("pbr", "0001_initial")]
    operations = [migrations.RunSQL(GUARD, GUARD_REVERSE)]
