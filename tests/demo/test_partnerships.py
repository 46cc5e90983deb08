"""The demo programme's clusters, municipalities and slots are the programme's own."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from participants.models import Citizen
from participants.track.selectors import with_citizen_places
from partnerships.models import ClusterMembership
from reporting.models import SubProject

pytestmark = pytest.mark.django_db

PROGRAMME = {
    (1, "Aalborg"): 2,
    (1, "Kolding"): 1,
    (1, "Gentofte"): 2,
    (1, "Køge"): 1,
    (1, "Stevns"): 2,
    (1, "Odsherred"): 2,
    (2, "Ikast-Brande"): 1,
    (2, "Holstebro"): 1,
    (2, "Silkeborg"): 2,
    (2, "Frederiksberg"): 2,
    (2, "Gribskov"): 1,
    (2, "Holbæk"): 1,
}


def test_the_demo_memberships_are_the_programmes_with_eight_places_per_slot():
    call_command("seed_demo", stdout=io.StringIO())
    memberships = ClusterMembership.objects.select_related("cluster", "municipality__region")
    assert {(m.cluster.number, m.municipality.name): m.slots for m in memberships} == PROGRAMME
    assert {m.places_per_slot for m in memberships} == {8}
    assert {m.cluster.number: m.cluster.start_year for m in memberships} == {1: 2019, 2: 2020}
    sjaelland = [m for m in memberships if m.municipality.region.name == "Region Sjælland"]
    assert sum(m.slots for m in sjaelland) == 6


def test_every_demo_citizen_holds_a_place_within_their_municipalitys_citizen_places():
    call_command("seed_demo", stdout=io.StringIO())
    memberships = {
        (m.municipality_id, m.cluster_id): m
        for m in with_citizen_places(ClusterMembership.objects.all(), as_of=timezone.localdate())
    }
    assert all((c.municipality_id, c.cluster_id) in memberships for c in Citizen.objects.all())
    assert all(m.active_citizens <= m.citizen_places for m in memberships.values())
    assert sum(m.active_citizens for m in memberships.values()) > 0


def test_the_demo_has_a_sub_project_for_each_region_taking_part():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # a second run adds nothing
    sub_projects = SubProject.objects.select_related("region").prefetch_related(
        "partners__municipality"
    )
    regions = {m.municipality.region.name for m in ClusterMembership.objects.all()}
    assert {s.region.name for s in sub_projects} == regions
    sjaelland = next(s for s in sub_projects if s.region.name == "Region Sjælland")
    municipalities = {p.municipality.name for p in sjaelland.partners.all()}
    assert {"Køge", "Stevns", "Odsherred", "Holbæk"} <= municipalities
    assert municipalities <= {m.name for m in sjaelland.region.municipalities.all()}
    assert len({s.journal_number for s in sub_projects}) == len(sub_projects)
