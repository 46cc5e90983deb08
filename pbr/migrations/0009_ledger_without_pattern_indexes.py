"""The ledger's hash, previous hash and idempotency key are looked up by equality only (their
unique indexes): the `varchar_pattern_ops` indexes Django adds beside a unique CharField
serve LIKE queries, which nothing runs on them, and cost every appended row three more index
writes. Django's state never held them, so only the database changes."""

from django.db import migrations

COLUMNS = {
    "hash": "pbr_ledgerentry_hash_5146590f_like",
    "prev_hash": "pbr_ledgerentry_prev_hash_07c394ed_like",
    "idempotency_key": "pbr_ledgerentry_idempotency_key_58472d9f_like",
}


class Migration(migrations.Migration):
    dependencies = [("pbr", "0008_ledger_proposal")]

    operations = [
        migrations.RunSQL(
            sql=[f"DROP INDEX IF EXISTS {name}" for name in COLUMNS.values()],
            reverse_sql=[
                f"CREATE INDEX IF NOT EXISTS {name} ON pbr_ledgerentry "
                f"({column} varchar_pattern_ops)"
                for column, name in COLUMNS.items()
            ],
        )
    ]
