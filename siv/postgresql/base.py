"""Django's PostgreSQL backend, with a flush that passes the append-only guards.

The audit log and the ledger refuse UPDATE, DELETE and TRUNCATE in the database itself
(siv/migrations/0002, pbr/migrations/0002). Only a flush, the emptying of a test database
between transactional and browser tests, may pass: it runs with session_replication_role
set to replica, under which ordinary triggers do not fire. Setting that parameter needs a
superuser or a role granted SET on it (the database owner); the app's runtime role has
neither, so for it the guards hold.
"""

from django.db import transaction
from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def execute_sql_flush(self, sql_list: list[str]) -> None:
        with transaction.atomic(using=self.connection.alias):
            with self.connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
                for sql in sql_list:
                    cursor.execute(sql)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
