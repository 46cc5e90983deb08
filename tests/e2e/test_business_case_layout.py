"""The business case and the rates screen on a phone (390 px) and a laptop (1366 px): the
page never scrolls sideways (wide tables scroll inside their own box), the charts fit, and
the example rates are marked as such."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from pbr import selectors
from pbr.models import Contract

from .axe import assert_accessible
from .conftest import save_screenshot, sign_in

pytestmark = pytest.mark.e2e

WIDTHS = (390, 1366)


def scrolls_sideways(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def test_the_business_case_and_the_rates_fit_a_phone_and_a_laptop(page, demo, request):
    # A demo municipality whose citizens have worked paid weeks: savings to show.
    municipality = next(
        c.municipality
        for c in Contract.objects.select_related("municipality")
        if selectors.business_case(c.municipality)["total_savings"] > 0
    )
    sign_in(page, "controller")
    screens = {
        "business-case": reverse("pbr:business_case", args=[municipality.pk]),
        "rates": reverse("pbr:rates"),
    }
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in screens.items():
            page.goto(url)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            save_screenshot(page, request, suffix=f"{name}-{width}")
            assert not scrolls_sideways(page), f"{name} at {width} px scrolls sideways"
        # The rates screen, last opened: the example rates from 2018 are marked.
        expect(page.get_by_role("cell", name="01.01.2018").first).to_be_visible()
        expect(page.locator(".badge", has_text="eksempel").first).to_be_visible()
    assert_accessible(page)

    page.goto(screens["business-case"])
    expect(page.get_by_text("Break-even", exact=False).first).to_be_visible()
    chart = page.get_by_role("img", name="Planlagte og faktiske betalinger pr. år")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1366
    expect(page.locator(".alert .badge", has_text="eksempel")).to_be_visible()
    assert_accessible(page)
