"""A membership's company slots each carry citizen places (default 8), edited beside them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships import services
from partnerships.models import ClusterMembership
from tests.factories.partnerships import ClusterMembershipFactory, municipality

pytestmark = pytest.mark.django_db


def _membership(personas):
    return ClusterMembership.objects.get(
        cluster=personas.cluster, municipality=personas.own.municipality
    )


def test_a_new_membership_carries_eight_citizen_places_per_slot(personas):
    membership = ClusterMembership.objects.create(
        cluster=personas.cluster, municipality=municipality("Roskilde"), slots=2
    )
    membership.refresh_from_db()
    assert (membership.places_per_slot, membership.places) == (8, 16)


def test_the_controller_sets_the_citizen_places_per_slot(client, personas):
    membership = _membership(personas)
    client.force_login(personas.controller)
    url = reverse("partnerships:membership_edit", args=[personas.cluster.pk, membership.pk])
    form = client.get(url).content.decode()
    assert "Pladser (virksomheder)" in form and "Borgerpladser pr. plads" in form
    response = client.post(
        url,
        {
            "municipality": membership.municipality_id,
            "slots": 2,
            "places_per_slot": 6,
            "declaration_signed": "",
        },
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.slots, membership.places_per_slot, membership.places) == (2, 6, 12)
    page = client.get(reverse("partnerships:cluster_detail", args=[personas.cluster.pk]))
    html = page.content.decode()
    assert "Borgerpladser pr. plads" in html
    assert '<td class="num">2</td><td class="num">6</td>' in html
    assert '<td class="num">12</td>' in html


@pytest.mark.parametrize("places", ["0", "-1", "", "abc"])
def test_places_per_slot_below_one_is_refused_in_danish(client, personas, places):
    membership = _membership(personas)
    client.force_login(personas.controller)
    response = client.post(
        reverse("partnerships:membership_edit", args=[personas.cluster.pk, membership.pk]),
        {
            "municipality": membership.municipality_id,
            "slots": 2,
            "places_per_slot": places,
            "declaration_signed": "",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["places_per_slot"]
    if places == "0":
        assert errors == ["Der skal være mindst én borgerplads pr. plads."]
    membership.refresh_from_db()
    assert (membership.slots, membership.places_per_slot) == (12, 8)


def test_the_database_refuses_zero_places_per_slot(personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClusterMembership.objects.filter(pk=_membership(personas).pk).update(places_per_slot=0)


def test_the_cluster_screens_show_slots_and_citizen_places(client, personas):
    other = ClusterMembership.objects.exclude(pk=_membership(personas).pk).get(
        cluster=personas.cluster
    )
    other.slots, other.places_per_slot = 3, 5
    other.save()
    client.force_login(personas.caseworker)
    response = client.get(reverse("partnerships:cluster_list"))
    (cluster,) = response.context["page"]
    assert (cluster.slot_total, cluster.place_total) == (15, 12 * 8 + 3 * 5)
    html = response.content.decode()
    assert "Borgerpladser" in html and '<td class="num">111</td>' in html


def test_the_cluster_page_costs_the_same_queries_for_more_municipalities(client, personas):
    client.force_login(personas.controller)
    url = reverse("partnerships:cluster_detail", args=[personas.cluster.pk])
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for name in ("Roskilde", "Greve", "Solrød", "Faxe"):
        ClusterMembershipFactory(
            cluster=personas.cluster, municipality=municipality(name), slots=2, places_per_slot=7
        )
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "Faxe" in html and '<td class="num">14</td>' in html
    assert len(many) == len(few), [q["sql"] for q in many]


def test_the_service_refuses_zero_places_and_keeps_them_when_not_given(personas):
    membership = _membership(personas)
    membership.places_per_slot = 6
    membership.save()
    with pytest.raises(ValidationError) as refused:
        services.membership_save(
            by=personas.controller,
            cluster=personas.cluster,
            municipality=membership.municipality,
            slots=2,
            declaration_signed=None,
            places_per_slot=0,
            membership=_membership(personas),
        )
    assert refused.value.message_dict == {
        "places_per_slot": ["Der skal være mindst én borgerplads pr. plads."]
    }
    services.membership_save(
        by=personas.controller,
        cluster=personas.cluster,
        municipality=membership.municipality,
        slots=3,
        declaration_signed=None,
        membership=_membership(personas),
    )
    membership.refresh_from_db()
    assert (membership.slots, membership.places_per_slot, membership.places) == (3, 6, 18)
