from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from siv import audit
from siv.models import AuditAction, AuditEntry
from siv.roles import Role

pytestmark = pytest.mark.django_db


def test_a_sign_in_and_a_rejected_sign_in_are_logged(client, personas):
    client.post(reverse("login"), {"username": "koege-sagsbehandler", "password": "forkert"})
    client.post(
        reverse("login"), {"username": "koege-sagsbehandler", "password": "demo-adgang-2026"}
    )
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "actor_username"))
    assert actions == [
        (AuditAction.LOGIN_FAILED, "koege-sagsbehandler"),
        (AuditAction.LOGIN, "koege-sagsbehandler"),
    ]


def test_the_log_records_where_a_request_came_from(client, personas):
    client.post(
        reverse("login"), {"username": "koege-aktoer", "password": "x"}, REMOTE_ADDR="10.1.2.3"
    )
    assert AuditEntry.objects.get().ip_address == "10.1.2.3"


def test_no_one_can_update_an_audit_row_in_the_database(personas):
    entry = audit.record(AuditAction.VIEW, actor=personas.admin, label="test")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(purpose="ændret")
    entry.refresh_from_db()
    assert entry.purpose == ""


def test_no_one_can_delete_a_recent_audit_row_in_the_database(personas):
    entry = audit.record(AuditAction.VIEW, actor=personas.admin, label="test")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_no_one_can_truncate_the_audit_log(personas):
    entry = audit.record(AuditAction.VIEW, actor=personas.admin, label="test")
    with pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE siv_auditentry")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_only_the_database_owner_may_switch_the_guards_off(personas):
    """A flush passes the guards with session_replication_role; a role that is not the
    owner (the app's runtime role) may not set it, so for it TRUNCATE stays refused."""
    entry = audit.record(AuditAction.VIEW, actor=personas.admin, label="test")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE ROLE siv_test_runtime NOLOGIN")
        cursor.execute("GRANT ALL ON siv_auditentry TO siv_test_runtime")
        cursor.execute("SET LOCAL ROLE siv_test_runtime")
        with pytest.raises(DatabaseError, match="session_replication_role"):
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        with pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"):
            with transaction.atomic():
                cursor.execute("TRUNCATE siv_auditentry")
        cursor.execute("RESET ROLE")
        cursor.execute("REVOKE ALL ON siv_auditentry FROM siv_test_runtime")
        cursor.execute("DROP ROLE siv_test_runtime")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_no_role_is_offered_a_writable_audit_row(personas):
    audit.record(AuditAction.VIEW, actor=personas.admin, label="test")
    for role in Role:
        assert not AuditEntry.objects.for_user(personas.own[role], write=True).exists()


def test_retention_deletes_only_expired_rows_and_logs_that_it_did(personas):
    old = audit.record(AuditAction.VIEW, label="gammel")
    recent = audit.record(AuditAction.VIEW, label="ny")
    # The trigger forbids UPDATE, so an old row is made by inserting it with an old time.
    ancient = AuditEntry.objects.create(
        action=AuditAction.VIEW, object_label="ældgammel", at=timezone.now() - timedelta(days=500)
    )
    deleted = audit.purge_expired(months=13)
    assert deleted == 1
    assert not AuditEntry.objects.filter(pk=ancient.pk).exists()
    assert AuditEntry.objects.filter(pk__in=[old.pk, recent.pk]).count() == 2
    assert AuditEntry.objects.filter(action=AuditAction.PURGE).exists()


def test_retention_never_goes_below_six_months(personas):
    five_months = AuditEntry.objects.create(
        action=AuditAction.VIEW, object_label="fem måneder", at=timezone.now() - timedelta(days=150)
    )
    assert audit.purge_expired(months=1) == 0
    assert AuditEntry.objects.filter(pk=five_months.pk).exists()


def test_the_controller_searches_the_log_and_the_search_is_logged(client, personas):
    audit.record(AuditAction.VIEW, actor=personas.caseworker, label="Deltager #7")
    client.force_login(personas.controller)
    response = client.get(reverse("audit_log"), {"actor_username": "koege-sagsbehandler"})
    assert response.status_code == 200
    assert "Deltager #7" in response.content.decode()
    search = AuditEntry.objects.filter(action=AuditAction.SEARCH).get()
    # Free text is logged pseudonymised, never as typed.
    assert search.details["criteria"] == {
        "actor_username": audit.pseudonymised("koege-sagsbehandler")
    }
    assert "koege-sagsbehandler" not in str(search.details)


def test_a_search_with_a_nul_character_is_logged_without_it(client, personas):
    client.force_login(personas.controller)
    response = client.get(reverse("audit_log"), {"object_label": "abc\x00def"})
    assert response.status_code == 200
    search = AuditEntry.objects.filter(action=AuditAction.SEARCH).get()
    assert search.details["criteria"] == {"object_label": audit.pseudonymised("abcdef")}
    assert "\x00" not in str(search.details)


def test_a_citizens_lookups_include_the_lists_and_searches_that_named_them(personas):
    from participants.models import Citizen
    from tests.factories.participants import CitizenFactory

    citizen, neighbour = CitizenFactory(), CitizenFactory()
    audit.record_list_view(actor=personas.actor, model=Citizen, ids=[neighbour.pk, citizen.pk])
    audit.record_search(actor=personas.actor, model=Citizen, criteria={"q": "x"}, ids=[citizen.pk])
    audit.record_list_view(actor=personas.actor, model=Citizen, ids=[neighbour.pk])
    # The same id of another kind of record is not the citizen.
    audit.record(
        AuditAction.VIEW,
        actor=personas.actor,
        details={"model": "accelerator.company", "ids": [str(citizen.pk)]},
    )
    found = audit.lookups_for_subject([citizen])
    assert [e.action for e in found] == [AuditAction.VIEW, AuditAction.SEARCH]
