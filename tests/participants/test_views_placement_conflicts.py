"""Two people editing the same placement: a stale form keeps the other's change to another
field and is refused on the same field, with both values; the hour plan counts as a field."""

import html
from datetime import date

import pytest
from django.test import Client

from participants.models import Placement
from siv.models import AuditAction, AuditEntry
from tests.opened import opened

from .test_views_placement_edit import citizen, edit_data, edit_url, make_placement  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_stale_placement_form_keeps_the_other_field_and_refuses_the_same_one(
    personas,
    citizen,  # noqa: F811
):
    placement = make_placement(citizen)
    url = edit_url(placement)
    first, second = Client(), Client()
    first.force_login(personas.actor)
    second.force_login(personas.caseworker)
    first_opened, second_opened = opened(first.get(url)), opened(second.get(url))
    assert first.post(url, edit_data(hours_per_week="6", **first_opened)).status_code == 302
    response = second.post(url, edit_data(vitas_reference="V-1", **second_opened))
    assert response.status_code == 302
    placement = Placement.objects.get(pk=placement.pk)
    assert (placement.hours_per_week, placement.vitas_reference, placement.version) == (6, "V-1", 3)

    response = second.post(
        url, edit_data(hours_per_week="10", vitas_reference="V-1", **second_opened)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Posten er ændret af en anden, siden du åbnede den." in page
    assert "Timer om ugen er nu: 6,00 (du skrev: 10,00)." in page
    assert Placement.objects.get(pk=placement.pk).hours_per_week == 6


def _plan(placement):
    return list(placement.steps.values_list("from_date", "hours_per_week"))


def test_a_plan_left_as_opened_keeps_the_plan_and_hours_someone_else_saved(
    personas,
    citizen,  # noqa: F811
):
    placement = make_placement(citizen)
    url = edit_url(placement)
    first, second = Client(), Client()
    first.force_login(personas.actor)
    second.force_login(personas.caseworker)
    first_opened, second_opened = opened(first.get(url)), opened(second.get(url))
    steps = {"trin-1-from_date": "2024-09-02", "trin-1-hours_per_week": "12"}
    first_data = edit_data(hours_per_week="6", **steps, **first_opened)
    assert first.post(url, first_data).status_code == 302

    # The second form still shows the plan as it was opened: one step of 8 hours.
    response = second.post(url, edit_data(vitas_reference="V-1", **second_opened))
    assert response.status_code == 302
    placement = Placement.objects.get(pk=placement.pk)
    assert (placement.hours_per_week, placement.vitas_reference, placement.version) == (6, "V-1", 3)
    assert _plan(placement) == [(date(2024, 8, 5), 8), (date(2024, 9, 2), 12)]


def test_a_plan_changed_by_the_user_is_saved_beside_another_field_someone_else_changed(
    personas,
    citizen,  # noqa: F811
):
    placement = make_placement(citizen)
    url = edit_url(placement)
    first, second = Client(), Client()
    first.force_login(personas.actor)
    second.force_login(personas.caseworker)
    first_opened, second_opened = opened(first.get(url)), opened(second.get(url))
    assert first.post(url, edit_data(hours_per_week="6", **first_opened)).status_code == 302
    data = edit_data(**{"trin-0-hours_per_week": "10"}, **second_opened)
    assert second.post(url, data).status_code == 302
    placement = Placement.objects.get(pk=placement.pk)
    assert placement.hours_per_week == 6
    assert _plan(placement) == [(date(2024, 8, 5), 10)]


def test_a_plan_both_changed_differently_is_refused_with_both_plans(
    personas,
    citizen,  # noqa: F811
):
    placement = make_placement(citizen)
    url = edit_url(placement)
    first, second = Client(), Client()
    first.force_login(personas.actor)
    second.force_login(personas.caseworker)
    first_opened, second_opened = opened(first.get(url)), opened(second.get(url))
    steps = {"trin-1-from_date": "2024-09-02", "trin-1-hours_per_week": "12"}
    assert first.post(url, edit_data(**steps, **first_opened)).status_code == 302
    changes = AuditEntry.objects.filter(action=AuditAction.CHANGE)
    logged = changes.count()

    data = edit_data(vitas_reference="V-2", **{"trin-0-hours_per_week": "10"}, **second_opened)
    response = second.post(url, data)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Posten er ændret af en anden, siden du åbnede den." in page
    assert (
        "Timeplan er nu: 05.08.2024: 8,00; 02.09.2024: 12,00 (du skrev: 05.08.2024: 10,00)." in page
    )
    placement = Placement.objects.get(pk=placement.pk)
    assert (placement.vitas_reference, placement.version) == ("", 2)
    assert _plan(placement) == [(date(2024, 8, 5), 8), (date(2024, 9, 2), 12)]
    assert changes.count() == logged

    # The form shown again keeps the user's plan; saving it now is the user's choice.
    again = opened(response)
    assert (
        second.post(
            url, edit_data(vitas_reference="V-2", **{"trin-0-hours_per_week": "10"}, **again)
        ).status_code
        == 302
    )
    assert _plan(Placement.objects.get(pk=placement.pk)) == [(date(2024, 8, 5), 10)]


def test_a_conflict_on_another_field_shows_the_plan_someone_else_saved(
    personas,
    citizen,  # noqa: F811
):
    placement = make_placement(citizen)
    url = edit_url(placement)
    first, second = Client(), Client()
    first.force_login(personas.actor)
    second.force_login(personas.caseworker)
    first_opened, second_opened = opened(first.get(url)), opened(second.get(url))
    steps = {"trin-0-hours_per_week": "9"}
    assert (
        first.post(url, edit_data(hours_per_week="6", **steps, **first_opened)).status_code == 302
    )

    response = second.post(url, edit_data(hours_per_week="10", **second_opened))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Timer om ugen er nu: 6,00 (du skrev: 10,00)." in page
    assert 'name="trin-0-hours_per_week" value="9' in page


@pytest.mark.parametrize("plan_shown", ["[1]", '{"2024-08-05": 8}', "{", "null"])
def test_a_mangled_plan_carried_by_the_form_is_a_danish_form_error(
    client,
    personas,
    citizen,  # noqa: F811
    plan_shown,
):
    placement = make_placement(citizen)
    client.force_login(personas.actor)
    carried = {**opened(client.get(edit_url(placement))), "plan_shown": plan_shown}
    response = client.post(edit_url(placement), edit_data(vitas_reference="V-1", **carried))
    assert response.status_code == 200
    assert "Formularen kunne ikke læses." in response.content.decode()
    assert Placement.objects.get(pk=placement.pk).vitas_reference == ""
