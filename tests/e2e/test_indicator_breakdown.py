"""The controller opens the indicators broken down by region, cluster and municipality on a
phone (390 px) and on a laptop (1366 px): every unit against its targets, and the page
never scrolls sideways."""

from datetime import date

import pytest
from playwright.sync_api import expect

from partnerships.models import Municipality
from reporting.models import IndicatorTarget
from tests.factories.participants import CitizenFactory, VisitationFactory
from tests.factories.partnerships import ClusterFactory, ClusterMembershipFactory

from .axe import assert_accessible
from .conftest import sign_in

pytestmark = pytest.mark.e2e

TAKING_PART = {1: ["Aalborg", "Gentofte", "Køge"], 2: ["Ikast-Brande", "Frederiksberg"]}


@pytest.fixture
def programme(demo_people):
    for number, names in TAKING_PART.items():
        cluster = ClusterFactory(number=number)
        for name in names:
            place = Municipality.objects.get(name=name)
            ClusterMembershipFactory(cluster=cluster, municipality=place)
            citizen = CitizenFactory(municipality=place, cluster=cluster)
            VisitationFactory(citizen=citizen, proposed_on=date(2024, 1, 2))
    IndicatorTarget.objects.create(
        code="P01", municipality=Municipality.objects.get(name="Frederiksberg"), value=23
    )


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize("width", [390, 1366])
def test_the_breakdown_fits_the_screen_at_every_level(page, programme, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "controller")
    page.goto("/rapporter/indikatorer/")
    page.get_by_role("link", name="Opdelt pr. region, klynge og kommune").click()
    expect(page.get_by_role("heading", name="Indikatorer opdelt", level=1)).to_be_visible()
    table = page.get_by_role("table")
    expect(table.get_by_role("rowheader", name="Region Hovedstaden")).to_be_visible()
    assert not scrolls_sideways(page)

    page.get_by_label("Opdelt pr.").select_option(label="Kommune")
    page.get_by_role("button", name="Vis", exact=True).click()
    for names in TAKING_PART.values():
        for name in names:
            expect(table.get_by_role("rowheader", name=name, exact=True)).to_be_visible()
    frederiksberg = table.locator("tbody", has=page.get_by_role("rowheader", name="Frederiksberg"))
    expect(frederiksberg.get_by_role("row").nth(1)).to_contain_text("23")
    assert not scrolls_sideways(page)
    assert_accessible(page)

    page.get_by_label("Opdelt pr.").select_option(label="Klynge")
    page.get_by_role("button", name="Vis", exact=True).click()
    expect(table.get_by_role("rowheader", name="Klynge 2")).to_be_visible()
    assert not scrolls_sideways(page)
