"""Two caseworkers editing the same citizen: what one saves is never lost to the other's
older form. Changes to different fields are both kept; the same field changed by both is a
conflict shown with both values, and saving again then keeps the second's value."""

import pytest
from django.test import Client

from participants.models import Citizen
from siv.models import AuditAction, AuditEntry
from tests.opened import opened

from .helpers import citizen_in
from .test_views_edit import edit_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(personas):
    return citizen_in(personas.own, personas.cluster, phone="11 11 11 11", address="Vej 1")


@pytest.fixture
def two_tabs(client, personas, citizen):
    """The citizen's edit page opened by the caseworker and, at the same time, the actor."""
    first, second = client, Client()
    first.force_login(personas.caseworker)
    second.force_login(personas.actor)
    pages = first.get(edit_url(citizen)), second.get(edit_url(citizen))
    return (first, opened(pages[0])), (second, opened(pages[1]))


def test_the_form_carries_the_version_it_was_opened_at(client, personas, citizen):
    client.force_login(personas.caseworker)
    assert opened(client.get(edit_url(citizen)))["version"] == "1"


def test_changes_to_different_fields_are_both_kept(two_tabs, citizen):
    (first, first_opened), (second, second_opened) = two_tabs
    data = form_data(citizen)
    response = first.post(edit_url(citizen), {**data, "phone": "22 22 22 22", **first_opened})
    assert response.status_code == 302
    response = second.post(edit_url(citizen), {**data, "address": "Vej 2", **second_opened})
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert (citizen.phone, citizen.address) == ("22 22 22 22", "Vej 2")
    assert citizen.version == 3
    # Each save wrote only its own field.
    changes = AuditEntry.objects.filter(action=AuditAction.CHANGE).order_by("pk")
    assert [entry.details["fields"] for entry in changes] == [["phone"], ["address"]]


def test_the_same_field_changed_by_both_is_a_conflict_and_nothing_is_written(two_tabs, citizen):
    (first, first_opened), (second, second_opened) = two_tabs
    data = form_data(citizen)
    first.post(edit_url(citizen), {**data, "phone": "22 22 22 22", **first_opened})
    response = second.post(
        edit_url(citizen),
        {**data, "phone": "33 33 33 33", "address": "Vej 3", **second_opened},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Posten er ændret af en anden, siden du åbnede den." in page
    assert "Telefon er nu: 22 22 22 22 (du skrev: 33 33 33 33)." in page
    # What the user typed stays in the form; the form now carries the current version.
    assert 'value="33 33 33 33"' in page
    assert 'value="Vej 3"' in page
    assert opened(response)["version"] == "2"
    citizen.refresh_from_db()
    assert (citizen.phone, citizen.address, citizen.version) == ("22 22 22 22", "Vej 1", 2)
    assert AuditEntry.objects.filter(action=AuditAction.CHANGE).count() == 1


def test_saving_again_after_a_conflict_keeps_the_users_values(two_tabs, citizen):
    (first, first_opened), (second, second_opened) = two_tabs
    data = form_data(citizen)
    first.post(
        edit_url(citizen),
        {**data, "phone": "22 22 22 22", "email": "ny@example.dk", **first_opened},
    )
    response = second.post(edit_url(citizen), {**data, "phone": "33 33 33 33", **second_opened})
    assert response.status_code == 200
    # The field the second did not change now shows what the first saved.
    assert 'value="ny@example.dk"' in response.content.decode()
    response = second.post(
        edit_url(citizen),
        {**data, "phone": "33 33 33 33", "email": "ny@example.dk", **opened(response)},
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert (citizen.phone, citizen.email, citizen.version) == ("33 33 33 33", "ny@example.dk", 3)


@pytest.mark.parametrize(
    "hidden",
    [{"version": "x1"}, {"version": "1", "shown": "{ikke json"}, {"version": "1", "shown": "[]"}],
)
def test_a_junk_version_is_a_form_error_not_a_crash(client, personas, citizen, hidden):
    client.force_login(personas.caseworker)
    response = client.post(edit_url(citizen), {**form_data(citizen, phone="44"), **hidden})
    assert response.status_code == 200
    assert "Formularen kunne ikke læses." in response.content.decode()
    assert Citizen.objects.get(pk=citizen.pk).phone == "11 11 11 11"


def test_a_form_without_a_version_saves_as_before(client, personas, citizen):
    client.force_login(personas.caseworker)
    response = client.post(edit_url(citizen), form_data(citizen, phone="55"))
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert (citizen.phone, citizen.version) == ("55", 2)
