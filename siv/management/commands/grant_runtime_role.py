"""Give the app's runtime database role what it needs, and no more.

Production runs migrations as the database's owner and the app (web, worker, beat) as a
runtime role; run this as the owner after every `migrate`:

    manage.py grant_runtime_role siv_app

The runtime role may read and write every table, except the append-only ones (the audit
log and the ledger: those with the TRUNCATE guard of siv/migrations/0003), where it may only
INSERT and SELECT; it deletes expired audit rows through siv_purge_audit() alone. It cannot
set session_replication_role, so no trigger can be switched off through it.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

APPEND_ONLY = """
SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE t.tgfoid = 'siv_refuse_truncate'::regproc ORDER BY 1
"""


class Command(BaseCommand):
    help = "Grant the runtime database role its rights (run as the owner after migrate)."

    def add_arguments(self, parser):
        parser.add_argument("role", help="the runtime role, e.g. siv_app")

    def handle(self, *args, role: str, **options):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"No database role named {role!r}.")
            cursor.execute(APPEND_ONLY)
            append_only = [name for (name,) in cursor.fetchall()]
            who = sql.Identifier(role)
            statements = [
                sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(who),
                sql.SQL(
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}"
                ).format(who),
                sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(who),
                sql.SQL("GRANT EXECUTE ON FUNCTION siv_purge_audit(timestamptz) TO {}").format(who),
            ]
            for table in append_only:
                statements.append(
                    sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                        sql.Identifier(table), who
                    )
                )
            for statement in statements:
                cursor.execute(statement.as_string(cursor.connection))
        self.stdout.write(
            f"{role}: every table; insert and select only on {', '.join(append_only)}."
        )
