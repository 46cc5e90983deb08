"""The administrator's page of the provider: the organisations it may sign in for and the
groups that give a role, every change in the audit log."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oidc import services
from oidc.models import GroupMapping, ProviderAccount, ProviderOrganisation
from partnerships.models import Organisation, OrganisationKind
from siv.models import AuditAction, AuditEntry
from siv.roles import Role
from tests.factories.partnerships import UserFactory, municipality

from .test_permissions import ISSUER, provider_configured  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, personas):
    client.force_login(personas.admin)
    return client


def _allowed(organisation) -> ProviderOrganisation:
    return ProviderOrganisation.objects.create(issuer=ISSUER, organisation=organisation)


def test_the_administrator_lists_an_organisation_the_provider_may_sign_in_for(admin, personas):
    response = admin.post(
        reverse("oidc:provider_settings"),
        {"organisation": personas.own.jobcentre.pk},
        follow=True,
    )

    assert "Organisationen er tilføjet." in response.content.decode()
    allowed = ProviderOrganisation.objects.get(issuer=ISSUER)
    assert allowed.organisation == personas.own.jobcentre
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, actor=personas.admin, object_id=str(allowed.pk)
    ).exists()


def test_an_organisation_listed_twice_is_a_form_error(admin, personas):
    _allowed(personas.own.jobcentre)

    response = admin.post(
        reverse("oidc:provider_settings"), {"organisation": personas.own.jobcentre.pk}
    )

    assert response.status_code == 200
    assert "Organisationen er allerede på listen." in response.content.decode()
    assert ProviderOrganisation.objects.count() == 1


def test_the_administrator_maps_a_group_to_a_role_and_organisation(admin, personas):
    _allowed(personas.own.jobcentre)

    response = admin.post(
        reverse("oidc:mapping_create"),
        {
            "group": " siv-koege-sagsbehandlere ",
            "role": Role.CASEWORKER,
            "organisation": personas.own.jobcentre.pk,
            "municipality": personas.own.municipality.pk,
        },
        follow=True,
    )

    assert "Gruppe-tilknytningen er gemt." in response.content.decode()
    assert "siv-koege-sagsbehandlere" in response.content.decode()
    mapping = GroupMapping.objects.get(issuer=ISSUER)
    assert (mapping.group, mapping.role) == ("siv-koege-sagsbehandlere", Role.CASEWORKER)
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, actor=personas.admin, object_id=str(mapping.pk)
    ).exists()


def test_a_group_mapped_twice_is_a_form_error_not_a_crash(admin, personas):
    _allowed(personas.own.jobcentre)
    form = {
        "group": "siv-koege",
        "role": Role.CASEWORKER,
        "organisation": personas.own.jobcentre.pk,
        "municipality": personas.own.municipality.pk,
    }
    admin.post(reverse("oidc:mapping_create"), form)

    response = admin.post(reverse("oidc:mapping_create"), form)

    assert response.status_code == 200
    assert "Gruppen har allerede en tilknytning." in response.content.decode()
    assert GroupMapping.objects.count() == 1


def test_a_municipal_role_without_a_municipality_is_a_form_error(admin, personas):
    _allowed(personas.own.jobcentre)

    response = admin.post(
        reverse("oidc:mapping_create"),
        {"group": "g", "role": Role.CASEWORKER, "organisation": personas.own.jobcentre.pk},
    )

    assert response.status_code == 200
    assert "En kommunal rolle kræver en kommune." in response.content.decode()
    assert not GroupMapping.objects.exists()


def test_the_form_offers_only_the_organisations_the_provider_may_sign_in_for(admin, personas):
    _allowed(personas.own.jobcentre)

    response = admin.post(
        reverse("oidc:mapping_create"),
        {
            "group": "g",
            "role": Role.EMPLOYMENT_ACTOR,
            "organisation": personas.own.actor_org.pk,
        },
    )

    assert response.status_code == 200
    assert not GroupMapping.objects.exists()
    assert personas.own.actor_org.name not in response.content.decode()


def test_the_service_refuses_an_organisation_the_provider_may_not_sign_in_for(personas):
    with pytest.raises(ValidationError) as refused:
        services.mapping_save(
            by=personas.admin,
            group="g",
            role=Role.EMPLOYMENT_ACTOR,
            organisation=personas.own.actor_org,
            municipality=None,
        )

    assert "Udbyderen må ikke logge ind for denne organisation." in refused.value.messages


def test_an_edited_mapping_logs_its_before_and_after(admin, personas):
    _allowed(personas.own.jobcentre)
    mapping = services.mapping_save(
        by=personas.admin,
        group="siv-koege",
        role=Role.CASEWORKER,
        organisation=personas.own.jobcentre,
        municipality=personas.own.municipality,
    )

    admin.post(
        reverse("oidc:mapping_edit", args=[mapping.pk]),
        {
            "group": "siv-koege",
            "role": Role.MUNICIPAL_LEAD,
            "organisation": personas.own.jobcentre.pk,
            "municipality": personas.own.municipality.pk,
        },
    )

    mapping.refresh_from_db()
    assert mapping.role == Role.MUNICIPAL_LEAD
    change = AuditEntry.objects.get(action=AuditAction.CHANGE, object_id=str(mapping.pk))
    assert change.details["fields"] == ["role"]
    assert change.details["before"] == {"role": Role.CASEWORKER}


def test_a_deleted_mapping_is_logged(admin, personas):
    _allowed(personas.own.jobcentre)
    mapping = GroupMapping.objects.create(
        issuer=ISSUER,
        group="g",
        role=Role.CASEWORKER,
        organisation=personas.own.jobcentre,
        municipality=personas.own.municipality,
    )

    admin.post(reverse("oidc:mapping_delete", args=[mapping.pk]))

    assert not GroupMapping.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, object_id=str(mapping.pk)).exists()


def test_an_organisation_a_mapping_uses_stays_listed(admin, personas):
    allowed = _allowed(personas.own.jobcentre)
    GroupMapping.objects.create(
        issuer=ISSUER,
        group="g",
        role=Role.CASEWORKER,
        organisation=personas.own.jobcentre,
        municipality=personas.own.municipality,
    )

    response = admin.post(reverse("oidc:organisation_remove", args=[allowed.pk]), follow=True)

    assert "Slet tilknytningen først." in response.content.decode()
    assert ProviderOrganisation.objects.filter(pk=allowed.pk).exists()


def test_a_removed_organisation_is_logged(admin, personas):
    allowed = _allowed(personas.own.jobcentre)

    response = admin.post(reverse("oidc:organisation_remove", args=[allowed.pk]), follow=True)

    assert "Organisationen er fjernet fra listen." in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, object_id=str(allowed.pk)).exists()


def test_without_a_provider_the_page_says_so(admin, settings):
    settings.SIV_OIDC_ISSUER = ""

    response = admin.get(reverse("oidc:provider_settings"))

    assert response.status_code == 200
    assert "Der er ingen login-udbyder sat op." in response.content.decode()
    assert admin.get(reverse("oidc:mapping_create")).status_code == 404


def test_the_start_page_lists_the_people_waiting_for_a_role(admin, personas):
    waiting = UserFactory(username="bo", first_name="Bo", last_name="Berg", role="")
    ProviderAccount.objects.create(user=waiting, issuer=ISSUER, subject="17")
    UserFactory(username="local", first_name="Lokal", role="")  # no provider account

    page = admin.get(reverse("home")).content.decode()

    assert "Venter på rolle" in page
    assert "1 person har logget ind med sin organisations konto" in page
    assert reverse("partnerships:user_edit", args=[waiting.pk]) in page
    assert "Lokal" not in page
    shown = AuditEntry.objects.get(action=AuditAction.VIEW, purpose="startside")
    assert shown.details["ids"] == [str(waiting.pk)]


def test_the_page_costs_the_same_queries_for_more_rows(admin, personas):
    url = reverse("oidc:provider_settings")
    _allowed(personas.own.jobcentre)
    admin.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        assert admin.get(url).status_code == 200
    for name in ["Roskilde", "Greve", "Faxe"]:
        jobcentre = Organisation.objects.create(
            kind=OrganisationKind.MUNICIPALITY,
            name=f"Jobcenter {name}",
            municipality=municipality(name),
        )
        _allowed(jobcentre)
        GroupMapping.objects.create(
            issuer=ISSUER,
            group=f"siv-{name}",
            role=Role.MUNICIPAL_LEAD,
            organisation=jobcentre,
            municipality=municipality(name),
        )
    with CaptureQueriesContext(connection) as many:
        response = admin.get(url)

    assert "siv-Faxe" in response.content.decode()
    assert len(many) == len(few), [q["sql"] for q in many]
