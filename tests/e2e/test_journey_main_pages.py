"""Every role's main pages, reached through the menu as a person would, pass axe (no serious
or critical violation). The pages the other journeys already walk through are not repeated.

One seeded programme for all roles: the violations of every page are gathered and reported
together, so one run shows everything there is to fix."""

import pytest
from playwright.sync_api import expect

from .axe import BLOCKING_IMPACTS, axe_violations, describe
from .conftest import save_screenshot, sign_in

pytestmark = pytest.mark.e2e

# (menu entry, heading the page shows, link in the page's first table row to follow or None)
FIRST_ROW_LINK = "table tbody tr:first-child td a"
PAGES = {
    "sagsbehandler": [
        ("Deltagere", "Deltagere", FIRST_ROW_LINK),
        ("Genvisitation", None, None),
    ],
    "projektleder": [
        ("Indikatorskema", "Indikatorskema", None),
        ("Partnerskaber", "Vækstpartnerskaber", "table tbody tr:first-child a"),
    ],
    "aktoer": [
        ("Deltagere", "Deltagere", FIRST_ROW_LINK),
        ("Visitationer", "Visitationer", None),
    ],
    "udvikler": [
        ("Virksomheder", "Virksomheder", FIRST_ROW_LINK),
    ],
    "controller": [
        ("Deltagere", "Deltagere", FIRST_ROW_LINK),
        ("Virksomheder", "Virksomheder", FIRST_ROW_LINK),
        ("Camps", "Camps", None),
        ("Indikatorskema", "Indikatorskema", None),
        ("Partnerskaber", "Vækstpartnerskaber", None),
    ],
    "virksomhed": [
        ("Virksomheder", "Virksomheder", FIRST_ROW_LINK),
    ],
}


def test_every_roles_main_pages_pass_axe(page, demo, request):
    found: list[str] = []
    visited: list[str] = []

    def check(label: str) -> None:
        visited.append(f"{label}: {page.url}")
        blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            found.append(f"{label} ({page.url}):\n{describe(blocking)}")
            save_screenshot(page, request, suffix=label.replace(" ", "-"))

    for username, pages in PAGES.items():
        page.context.clear_cookies()
        sign_in(page, username)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        if username == "controller":
            # The programme's key figures arrive after the page, through the panel's request.
            panel = page.get_by_role("region", name="Programmet i tal")
            expect(panel.get_by_text("Tilmeldte deltagere")).to_be_visible()
            expect(panel.locator("svg.chart")).to_be_visible()
            expect(panel.locator("[aria-busy]")).to_have_count(0)
        check(f"{username} start")
        for menu, heading, detail in pages:
            before = page.url
            page.get_by_role("navigation", name="Hovedmenu").get_by_role(
                "link", name=menu, exact=True
            ).click()
            # Every menu entry is another page: wait for it, not for the one being left.
            page.wait_for_url(lambda url, before=before: url != before)
            page.wait_for_load_state()
            if heading:
                expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
            check(f"{username} {menu}")
            if detail:
                link = page.locator(detail).first
                expect(link).to_be_visible()
                link.click()
                page.wait_for_load_state()
                expect(page.get_by_role("heading", level=1)).to_be_visible()
                check(f"{username} {menu} detail")

    assert len(visited) >= 20
    assert not found, "\n\n".join(found)
