"""Two people editing the same growth partnership: a stale form keeps the other's change to
another field (the partners) and is refused on the same field, with both values."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from partnerships.models import GrowthPartnership
from tests.factories.partnerships import GrowthPartnershipFactory
from tests.opened import opened

pytestmark = pytest.mark.django_db


def form_data(partnership, **changes):
    return {
        "name": partnership.name,
        "municipality": partnership.municipality_id,
        "cluster": partnership.cluster_id,
        "partners": list(partnership.partners.values_list("pk", flat=True)),
        "facilitation_start": "2019-03-01",
        "jobcentre_contact": partnership.jobcentre_contact,
        **changes,
    }


def test_a_stale_partnership_form_keeps_the_other_field_and_refuses_the_same_one(personas):
    partnership = GrowthPartnershipFactory(
        municipality=personas.own.municipality,
        cluster=personas.cluster,
        partners=[personas.own.actor_org, personas.own.company_org],
        facilitation_start=datetime.date(2019, 3, 1),
        jobcentre_contact="Jobcenter Køge",
    )
    url = reverse("partnerships:partnership_edit", args=[partnership.pk])
    first, second = Client(), Client()
    first.force_login(personas.controller)
    second.force_login(personas.controller)
    first_opened, second_opened = opened(first.get(url)), opened(second.get(url))
    data = form_data(partnership)
    response = first.post(url, {**data, "partners": [personas.own.actor_org.pk], **first_opened})
    assert response.status_code == 302
    response = second.post(url, {**data, "jobcentre_contact": "Ny kontakt", **second_opened})
    assert response.status_code == 302
    partnership = GrowthPartnership.objects.get(pk=partnership.pk)
    assert list(partnership.partners.all()) == [personas.own.actor_org]
    assert (partnership.jobcentre_contact, partnership.version) == ("Ny kontakt", 3)

    response = second.post(url, {**data, "jobcentre_contact": "Tredje", **second_opened})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Posten er ændret af en anden, siden du åbnede den." in page
    assert "Fast kontaktperson i jobcentret er nu: Ny kontakt (du skrev: Tredje)." in page
    assert GrowthPartnership.objects.get(pk=partnership.pk).jobcentre_contact == "Ny kontakt"
