"""The app's runtime database role: every table, but only INSERT and SELECT on the audit log
and the ledger, and no way to switch the guards off (`manage.py grant_runtime_role`)."""

import io
import os
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from pbr.models import LedgerEntry
from siv import audit
from siv.models import AuditAction, AuditEntry
from tests.factories.participants import CitizenFactory
from tests.quality.servers import database_url, get, gunicorn_server

ROLE = f"siv_test_app_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def _grant() -> str:
    out = io.StringIO()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {ROLE} LOGIN")
    call_command("grant_runtime_role", ROLE, stdout=out)
    return out.getvalue()


def _refused(statement: str, params=()) -> str:
    with pytest.raises(DatabaseError) as refused, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
    return str(refused.value)


@pytest.mark.django_db
def test_the_runtime_role_reads_and_writes_but_only_appends_to_the_log_and_the_ledger(
    personas,
):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO siv_auditentry (at, actor_username, action, object_id, object_label,"
            " purpose, details) VALUES ('2019-01-01 10:00:00+00', 'gammel', 'view', '1',"
            " 'gammel', '', '{}') RETURNING id"
        )
        (old,) = cursor.fetchone()
    granted = _grant()
    assert "siv_auditentry" in granted and "pbr_ledgerentry" in granted

    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {ROLE}")
    # It reads and writes the ordinary tables, and appends to the log.
    assert AuditEntry.objects.filter(pk=old).exists()
    entry = audit.record(AuditAction.VIEW, actor=personas.caseworker, label="læst")
    personas.caseworker.first_name = "Ny"
    personas.caseworker.save(update_fields=["first_name"])

    log, ledger = AuditEntry._meta.db_table, LedgerEntry._meta.db_table
    for statement in (
        f"UPDATE {log} SET purpose = 'x' WHERE id = %s",
        f"DELETE FROM {log} WHERE id = %s",
        f"UPDATE {ledger} SET memo = 'x' WHERE id = %s",
        f"DELETE FROM {ledger} WHERE id = %s",
    ):
        assert "permission denied" in _refused(statement, [entry.pk])
    for table in (log, ledger):
        assert "permission denied" in _refused(f"TRUNCATE {table}")
    assert "session_replication_role" in _refused("SET session_replication_role = replica")

    # The retention job deletes through the database's own function: the expired row, never
    # a recent one, whatever "now" it is told.
    assert audit.purge_expired(months=13) == 1
    assert not AuditEntry.objects.filter(pk=old).exists()
    assert audit.purge_expired(months=6, now=timezone.now() + timedelta(days=3650)) == 0
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_an_unknown_role_is_a_clear_error():
    with pytest.raises(CommandError, match="No database role named 'siv_nobody'"):
        call_command("grant_runtime_role", "siv_nobody")


@pytest.mark.django_db(transaction=True)
def test_the_app_serves_and_logs_as_the_runtime_role(personas):
    citizen = CitizenFactory(municipality=personas.own.municipality)
    _grant()
    try:
        client = Client()
        client.force_login(personas.caseworker)
        cookie = settings.SESSION_COOKIE_NAME
        signed_in = {"Cookie": f"{cookie}={client.cookies[cookie].value}"}
        logged = AuditEntry.objects.count()
        with gunicorn_server({"DATABASE_URL": database_url(user=ROLE)}) as server:
            for page in ("/", "/deltagere/", f"/deltagere/{citizen.pk}/"):
                status, body = get(f"{server.url}{page}", signed_in)
                assert status == 200, body[:500]
        # The citizen's page was logged, by the runtime role.
        assert AuditEntry.objects.count() > logged
        assert AuditEntry.objects.filter(object_id=str(citizen.pk)).exists()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {ROLE}")
            cursor.execute(f"DROP ROLE {ROLE}")
