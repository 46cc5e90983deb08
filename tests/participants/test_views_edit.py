"""Editing a citizen's data: through citizen_update, logged by field name, never the CPR."""

import pytest
from django.urls import reverse

from partnerships.models import OrganisationKind
from siv.models import AuditAction, AuditEntry
from tests.factories.partnerships import GrowthPartnershipFactory, OrganisationFactory

from .helpers import citizen_in

pytestmark = pytest.mark.django_db


def edit_url(citizen):
    return reverse("participants:citizen_edit", args=[citizen.pk])


def form_data(citizen, **changes):
    data = {
        "first_name": citizen.first_name,
        "last_name": citizen.last_name,
        "gender": citizen.gender,
        "phone": citizen.phone,
        "email": citizen.email,
        "address": citizen.address,
        "target_group": citizen.target_group,
        "benefit": citizen.benefit,
        "isced": citizen.isced,
        "entry_status": citizen.entry_status,
        "partnership": citizen.partnership_id or "",
        "employment_actor": citizen.employment_actor_id or "",
        "caseworker": citizen.caseworker_id or "",
    }
    data.update(changes)
    return data


@pytest.fixture
def citizen(personas):
    return citizen_in(personas.own, personas.cluster)


def test_the_citizen_page_links_to_the_edit_form_for_writers(client, personas, citizen):
    page = reverse("participants:citizen_detail", args=[citizen.pk])
    client.force_login(personas.caseworker)
    assert edit_url(citizen) in client.get(page).content.decode()
    client.force_login(personas.lead)
    assert edit_url(citizen) not in client.get(page).content.decode()


def test_caseworker_changes_data_and_the_log_names_the_fields(client, personas, citizen):
    client.force_login(personas.caseworker)
    data = form_data(
        citizen,
        phone="20 30 40 50",
        benefit="kontanthjaelp",
        isced="3-4",
        migrant="on",
        caseworker=personas.caseworker.pk,
    )
    response = client.post(edit_url(citizen), data)
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.phone == "20 30 40 50"
    assert citizen.benefit == "kontanthjaelp"
    assert citizen.migrant is True
    assert citizen.caseworker == personas.caseworker
    entry = AuditEntry.objects.filter(action=AuditAction.CHANGE).latest("pk")
    assert entry.details["fields"] == ["benefit", "caseworker", "isced", "migrant", "phone"]
    assert citizen.first_name not in str(entry.details) + entry.object_label


def test_the_cpr_number_cannot_be_changed(client, personas, citizen):
    client.force_login(personas.caseworker)
    html = client.get(edit_url(citizen)).content.decode()
    assert 'name="cpr"' not in html
    before = citizen.cpr_hash
    client.post(edit_url(citizen), form_data(citizen, cpr="010101-1234"))
    citizen.refresh_from_db()
    assert citizen.cpr_hash == before


def test_errors_are_shown_in_danish_and_nothing_is_saved(client, personas, citizen):
    client.force_login(personas.actor)
    response = client.post(edit_url(citizen), form_data(citizen, first_name="", email="ikke-en"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dette felt er påkrævet." in html
    assert "Angiv en gyldig e-mailadresse." in html
    citizen.refresh_from_db()
    assert citizen.first_name
    assert not AuditEntry.objects.filter(action=AuditAction.CHANGE).exists()


def test_a_partnership_of_another_municipality_cannot_be_chosen(client, personas, citizen):
    foreign = GrowthPartnershipFactory(
        municipality=personas.foreign.municipality, cluster=personas.cluster
    )
    client.force_login(personas.caseworker)
    response = client.post(edit_url(citizen), form_data(citizen, partnership=foreign.pk))
    assert response.status_code == 200
    assert "Marker en gyldig valgmulighed" in response.content.decode()


def test_the_actor_edits_data_but_not_who_the_citizen_is_assigned_to(client, personas, citizen):
    other_actor = OrganisationFactory(kind=OrganisationKind.EMPLOYMENT_ACTOR, name="Anden aktør")
    client.force_login(personas.actor)
    html = client.get(edit_url(citizen)).content.decode()
    assert 'name="employment_actor"' not in html and 'name="caseworker"' not in html
    data = form_data(citizen, last_name="Nyt-Navn", employment_actor=other_actor.pk)
    assert client.post(edit_url(citizen), data).status_code == 302
    citizen.refresh_from_db()
    assert citizen.last_name == "Nyt-Navn"
    assert citizen.employment_actor == personas.own.actor_org


def test_a_foreign_citizen_is_not_found_and_not_changed(client, personas):
    foreign = citizen_in(personas.foreign, personas.cluster)
    for user in (personas.caseworker, personas.actor):
        client.force_login(user)
        response = client.post(edit_url(foreign), form_data(foreign, phone="11111111"))
        assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.phone != "11111111"


def test_a_citizen_whose_caseworker_has_left_keeps_them_when_other_data_is_edited(
    client, personas, citizen
):
    """A deactivated caseworker is shown as the citizen's, marked as such; saving the phone
    number keeps them, and no other deactivated caseworker can be chosen."""
    from tests.factories.partnerships import UserFactory

    left = UserFactory(
        role=personas.caseworker.role,
        municipality=personas.caseworker.municipality,
        is_active=False,
    )
    also_left = UserFactory(
        role=personas.caseworker.role,
        municipality=personas.caseworker.municipality,
        is_active=False,
    )
    citizen.caseworker = left
    citizen.save(update_fields=["caseworker"])
    client.force_login(personas.caseworker)

    html = client.get(edit_url(citizen)).content.decode()
    assert f'<option value="{left.pk}" selected>{left} (fratrådt)</option>' in html
    assert f'value="{also_left.pk}"' not in html

    response = client.post(edit_url(citizen), form_data(citizen, phone="11 22 33 44"))
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.phone == "11 22 33 44"
    assert citizen.caseworker == left
    entry = AuditEntry.objects.filter(action=AuditAction.CHANGE).latest("pk")
    assert entry.details["fields"] == ["phone"]

    response = client.post(edit_url(citizen), form_data(citizen, caseworker=also_left.pk))
    assert response.status_code == 200
    citizen.refresh_from_db()
    assert citizen.caseworker == left
