"""The retention job's deletion, as a function the app's runtime role may call.

The runtime role may only INSERT and SELECT on the audit log (`manage.py
grant_runtime_role`); expired rows are deleted by this function, which runs with its
owner's rights and never deletes a row younger than 180 days, whatever cutoff it is given.
"""

from django.db import migrations

PURGE = """
CREATE FUNCTION siv_purge_audit(cutoff timestamptz) RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    WITH gone AS (
        DELETE FROM public.siv_auditentry
        WHERE at < LEAST(cutoff, now() - interval '180 days')
        RETURNING 1
    )
    SELECT count(*) FROM gone
$$;
REVOKE ALL ON FUNCTION siv_purge_audit(timestamptz) FROM PUBLIC;
"""
PURGE_REVERSE = "DROP FUNCTION IF EXISTS siv_purge_audit(timestamptz);"


class Migration(migrations.Migration):
    dependencies = [("siv", "0003_audit_no_truncate")]
    operations = [migrations.RunSQL(PURGE, PURGE_REVERSE)]
