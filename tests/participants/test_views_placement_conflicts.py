"""Two people editing the same placement: a stale form keeps the other's change to another
field and is refused on the same field, with both values; the hour plan counts as a field."""

import pytest
from django.test import Client

from participants.models import Placement
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
