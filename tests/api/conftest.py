from datetime import date

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accelerator.models import Camp, CampTheme
from siv_api.services import token_issue
from tests.factories.participants import (
    CitizenFactory,
    CompanyFactory,
    ExitFormFactory,
    HoursEntryFactory,
    PlacementFactory,
)
from tests.factories.partnerships import GrowthPartnershipFactory


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counters live in the cache; every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_as(db):
    """`api_as(user)`: an API client that sends the user's token."""

    def make(user):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user).key}")
        return client

    return make


def citizen_in(world, cluster, **fields):
    return CitizenFactory(
        municipality=world.municipality,
        cluster=cluster,
        employment_actor=world.actor_org,
        **fields,
    )


def company_in(world, cluster, developer, cvr):
    company = CompanyFactory(
        cvr=cvr,
        municipality=world.municipality,
        organisation=world.company_org,
        enrolled_cluster=cluster,
        entry_year=2020,
        business_developer=developer,
    )
    GrowthPartnershipFactory(
        municipality=world.municipality,
        cluster=cluster,
        partners=[world.actor_org, world.company_org],
    )
    return company


@pytest.fixture
def world_data(personas):
    """A citizen with hours, a placement and an exit on each side of the story."""
    data = {}
    for side, cvr, developer in (
        ("own", "35740015", personas.developer),
        ("foreign", "35740023", personas.foreign["business_developer"]),
    ):
        world = getattr(personas, side)
        citizen = citizen_in(world, personas.cluster, phase1_start=date(2024, 1, 8))
        company = company_in(world, personas.cluster, developer, cvr)
        data[side] = {
            "citizen": citizen,
            "company": company,
            "hours": HoursEntryFactory(citizen=citizen, week_start=date(2024, 1, 15)),
            "placement": PlacementFactory(citizen=citizen, company=company),
            "exit": ExitFormFactory(citizen=citizen, exit_date=date(2025, 6, 30)),
        }
    data["own"]["camp"] = Camp.objects.create(
        cluster=personas.cluster,
        theme=CampTheme.values[0],
        title="Sociale modeller",
        date=date(2024, 3, 5),
    )
    return data
