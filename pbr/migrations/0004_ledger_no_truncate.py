"""TRUNCATE of the ledger is refused, as for the audit log (siv 0003)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("pbr", "0003_business_case_assumptions"), ("siv", "0003_audit_no_truncate")]
    operations = [
        migrations.RunSQL(
            """
            CREATE TRIGGER pbr_ledgerentry_no_truncate
            BEFORE TRUNCATE ON pbr_ledgerentry
            FOR EACH STATEMENT EXECUTE FUNCTION siv_refuse_truncate();
            """,
            "DROP TRIGGER IF EXISTS pbr_ledgerentry_no_truncate ON pbr_ledgerentry;",
        )
    ]
