import pytest
from django.urls import reverse

from partnerships.models import Cluster, ClusterMembership
from siv.models import AuditAction, AuditEntry
from tests.factories.partnerships import municipality

pytestmark = pytest.mark.django_db


def test_the_controller_creates_a_cluster_and_adds_a_municipality_with_slots(client, personas):
    client.force_login(personas.controller)
    response = client.post(
        reverse("partnerships:cluster_create"), {"number": 3, "start_year": 2021}
    )
    cluster = Cluster.objects.get(number=3)
    assert response["Location"] == reverse("partnerships:cluster_detail", args=[cluster.pk])

    client.post(
        reverse("partnerships:membership_create", args=[cluster.pk]),
        {
            "municipality": municipality("Roskilde").pk,
            "slots": 14,
            "places_per_slot": 6,
            "declaration_signed": "2020-11-01",
        },
    )
    page = client.get(reverse("partnerships:cluster_detail", args=[cluster.pk])).content.decode()
    assert "Roskilde" in page and "01.11.2020" in page
    membership = cluster.memberships.get()
    assert (membership.slots, membership.places_per_slot, membership.places) == (14, 6, 84)
    assert '<td class="num">84</td>' in page
    created = AuditEntry.objects.filter(action=AuditAction.CREATE).order_by("at", "id")
    assert [entry.details["fields"] for entry in created][-1] == [
        "declaration_signed",
        "municipality",
        "places_per_slot",
        "slots",
    ]


def test_changing_slots_logs_only_the_changed_field(client, personas):
    membership = ClusterMembership.objects.get(municipality=personas.own.municipality)
    slots_before = membership.slots
    client.force_login(personas.admin)
    client.post(
        reverse("partnerships:membership_edit", args=[personas.cluster.pk, membership.pk]),
        {
            "municipality": membership.municipality_id,
            "slots": 20,
            "places_per_slot": membership.places_per_slot,
            "declaration_signed": "",
        },
    )
    membership.refresh_from_db()
    assert membership.slots == 20
    entry = AuditEntry.objects.filter(action=AuditAction.CHANGE).latest("at")
    assert entry.details == {
        "fields": ["slots"],
        "before": {"slots": slots_before},
        "after": {"slots": 20},
    }


def test_a_municipality_cannot_be_in_a_cluster_twice(client, personas):
    client.force_login(personas.controller)
    response = client.post(
        reverse("partnerships:membership_create", args=[personas.cluster.pk]),
        {
            "municipality": personas.own.municipality.pk,
            "slots": 3,
            "places_per_slot": 8,
            "declaration_signed": "",
        },
    )
    assert response.status_code == 200
    assert "Kommunen er allerede med i klyngen." in response.content.decode()
    assert personas.cluster.memberships.count() == 2


def test_the_cluster_list_sums_slots_per_cluster(client, personas, django_assert_num_queries):
    client.force_login(personas.caseworker)
    response = client.get(reverse("partnerships:cluster_list"))
    assert "Klynge 1 (2019)" in response.content.decode()
    assert response.context["page"][0].slot_total == 24


def test_a_caseworker_cannot_change_a_cluster(client, personas):
    client.force_login(personas.caseworker)
    response = client.post(
        reverse("partnerships:cluster_edit", args=[personas.cluster.pk]),
        {"number": 9, "start_year": 2030},
    )
    assert response.status_code == 404
    assert Cluster.objects.get(pk=personas.cluster.pk).number == 1
