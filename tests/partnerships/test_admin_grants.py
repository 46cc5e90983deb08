"""Four eyes on the administrator role (ASVS 4.3.3): an administrator proposes it, and only a
second administrator's approval gives it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from partnerships import services
from partnerships.models import AdminGrant, User
from siv.models import AuditAction, AuditEntry, Decision
from siv.roles import Role


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def second_admin(personas):
    return personas.foreign[Role.ADMIN]


def make_admin_on_the_edit_screen(client, person):
    return client.post(
        reverse("partnerships:user_edit", args=[person.pk]),
        {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "role": Role.ADMIN,
            "organisation": person.organisation_id,
            "municipality": person.municipality_id or "",
        },
        follow=True,
    )


def test_an_administrator_role_is_given_only_when_a_second_administrator_approves(
    personas, second_admin
):
    caseworker = personas.caseworker
    proposer = client_for(personas.admin)
    response = make_admin_on_the_edit_screen(proposer, caseworker)
    content = response.content.decode()
    assert "Administratorrollen er foreslået" in content
    assert "Du kan ikke selv godkende forslaget" in content
    caseworker.refresh_from_db()
    assert caseworker.role == Role.CASEWORKER
    grant = AdminGrant.objects.get()
    assert (grant.user, grant.proposed_by, grant.status) == (
        caseworker,
        personas.admin,
        Decision.PENDING,
    )

    approve = reverse("partnerships:user_admin_grant_approve", args=[caseworker.pk])
    refused = proposer.post(approve, follow=True).content.decode()
    assert "En anden administrator end den, der foreslog det, skal godkende" in refused
    caseworker.refresh_from_db()
    assert caseworker.role == Role.CASEWORKER

    approver = client_for(second_admin)
    listing = approver.get(reverse("partnerships:user_list")).content.decode()
    assert "Forslag om administratorrolle, der venter på godkendelse" in listing
    page = approver.get(reverse("partnerships:user_detail", args=[caseworker.pk]))
    assert "Godkend administratorrollen" in page.content.decode()
    response = approver.post(approve, follow=True)
    assert "brugeren er nu administrator" in response.content.decode()
    caseworker.refresh_from_db()
    assert caseworker.role == Role.ADMIN
    grant.refresh_from_db()
    assert (grant.status, grant.decided_by) == (Decision.APPROVED, second_admin)
    changes = AuditEntry.objects.about(caseworker).filter(action=AuditAction.CHANGE)
    role_change = changes.latest("at")
    assert role_change.actor_id == second_admin.pk
    assert role_change.details["after"] == {"role": Role.ADMIN}
    assert role_change.details["admin_grant"] == grant.pk
    assert AuditEntry.objects.about(grant).count() == 2


def test_a_new_user_asked_to_be_administrator_starts_without_a_role(personas, second_admin):
    response = client_for(personas.admin).post(
        reverse("partnerships:user_create"),
        {
            "username": "ny-admin",
            "first_name": "Nina",
            "last_name": "Berg",
            "email": "ny-admin@example.dk",
            "role": Role.ADMIN,
            "organisation": personas.fund.pk,
        },
        follow=True,
    )
    assert "Administratorrollen er foreslået" in response.content.decode()
    person = User.objects.get(username="ny-admin")
    assert person.role == ""
    response = client_for(second_admin).post(
        reverse("partnerships:user_admin_grant_reject", args=[person.pk]), follow=True
    )
    assert "brugeren beholder sin rolle" in response.content.decode()
    person.refresh_from_db()
    assert person.role == ""
    assert AdminGrant.objects.get(user=person).status == Decision.REJECTED


def test_the_services_and_the_database_refuse_one_pair_of_eyes(personas, second_admin):
    with pytest.raises(ValidationError, match="Kun en administrator"):
        services.admin_grant_propose(by=personas.controller, user=personas.caseworker)
    with pytest.raises(ValidationError, match="ikke foreslå dig selv"):
        services.admin_grant_propose(by=personas.admin, user=personas.admin)
    grant = services.admin_grant_propose(by=personas.admin, user=personas.caseworker)
    with pytest.raises(ValidationError, match="venter allerede"):
        services.admin_grant_propose(by=second_admin, user=personas.caseworker)
    with pytest.raises(ValidationError, match="En anden administrator"):
        services.admin_grant_approve(by=personas.admin, grant=grant)
    with pytest.raises(IntegrityError), transaction.atomic():
        AdminGrant.objects.filter(pk=grant.pk).update(
            status=Decision.APPROVED, decided_by=personas.admin
        )
    services.admin_grant_reject(by=second_admin, grant=grant)
    with pytest.raises(ValidationError, match="allerede behandlet: afvist af naestved-admin"):
        services.admin_grant_approve(by=second_admin, grant=grant)
    personas.caseworker.refresh_from_db()
    assert personas.caseworker.role == Role.CASEWORKER


def test_other_changes_on_the_edit_screen_are_saved_at_once(personas):
    person = personas.controller
    person.email = "ny@example.dk"
    response = make_admin_on_the_edit_screen(client_for(personas.admin), person)
    assert response.status_code == 200
    person.refresh_from_db()
    assert (person.email, person.role) == ("ny@example.dk", Role.CONTROLLER)


def test_the_administrators_start_page_counts_the_role_proposals(personas, second_admin):
    services.admin_grant_propose(by=personas.admin, user=personas.caseworker)
    home = client_for(second_admin).get(reverse("home"))
    assert home.context["panels"]
    content = home.content.decode()
    assert "Administratorrolle til godkendelse" in content
    assert "<strong>1</strong>" in content
