import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.models import ClusterMembership
from siv.roles import Role
from tests.factories.partnerships import GrowthPartnershipFactory, SteeringGroupMeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(personas):
    return GrowthPartnershipFactory(
        municipality=personas.own.municipality,
        cluster=personas.cluster,
        partners=[personas.own.actor_org, personas.own.company_org],
        facilitation_start=datetime.date(2019, 3, 1),
    )


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.MUNICIPAL_LEAD])
def test_municipal_staff_see_their_partnership_and_slots(client, personas, partnership, role):
    client.force_login(personas.own[role])
    page = client.get(reverse("home")).content.decode()
    assert "Min kommunes partnerskab" in page
    assert "Køge i Klynge 1 (2019): 12 pladser (virksomheder), 96 borgerpladser" in page
    assert "Vækstpartnerskab Køge" in page and "01.03.2019" in page


def test_one_slot_reads_in_the_singular(client, personas, partnership):
    ClusterMembership.objects.filter(municipality=personas.own.municipality).update(slots=1)
    client.force_login(personas.own[Role.CASEWORKER])
    page = client.get(reverse("home")).content.decode()
    assert "Køge i Klynge 1 (2019): 1 plads (virksomhed), 8 borgerpladser" in page


@pytest.mark.parametrize("role", [Role.EMPLOYMENT_ACTOR, Role.COMPANY_CONTACT])
def test_partners_see_the_partnerships_they_are_in(client, personas, partnership, role):
    client.force_login(personas.own[role])
    page = client.get(reverse("home")).content.decode()
    assert "Mine vækstpartnerskaber" in page and "Vækstpartnerskab Køge" in page
    client.force_login(personas.foreign[role])
    page = client.get(reverse("home")).content.decode()
    assert "Vækstpartnerskab Køge" not in page
    assert "ikke partner i et vækstpartnerskab endnu" in page


@pytest.mark.parametrize("role", [Role.CONTROLLER, Role.BUSINESS_DEVELOPER])
def test_the_fund_sees_the_next_and_last_steering_group_meeting(client, personas, role):
    today = timezone.localdate()
    SteeringGroupMeetingFactory(date=today + datetime.timedelta(days=10), place="Stevns")
    SteeringGroupMeetingFactory(date=today - datetime.timedelta(days=30), place="Køge")
    client.force_login(personas.own[role])
    response = client.get(reverse("home"))
    panel = next(p for p in response.context["panels"] if "next_meeting" in p)
    assert panel["next_meeting"].place == "Stevns"
    assert panel["last_meeting"].place == "Køge"
    page = response.content.decode()
    assert (today + datetime.timedelta(days=10)).strftime("%d.%m.%Y") in page
    assert "Klynge 1 (2019)" in page


def test_the_admin_sees_user_counts(client, personas):
    personas.actor.is_active = False
    personas.actor.save()
    client.force_login(personas.admin)
    response = client.get(reverse("home"))
    panel = next(p for p in response.context["panels"] if "total" in p)
    assert panel == {
        "template": "partnerships/panels/administration.html",
        "total": 14,
        "active": 13,
        "without_role": 0,
        "locked": 0,
        "admin_grants": 0,
    }
