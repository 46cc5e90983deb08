"""Every role's start page and the detail pages its lists lead to, reached through the menu
as a person would, pass axe (no serious or critical violation). Every entry of each role's
menu is checked by tests/e2e/test_layout.py at both widths.

One seeded programme for all roles: the violations of every page are gathered and reported
together, so one run shows everything there is to fix."""

import pytest
from playwright.sync_api import expect

from .axe import BLOCKING_IMPACTS, axe_violations, describe
from .conftest import menu_entries, open_menu_entry, save_screenshot, sign_in

pytestmark = pytest.mark.e2e

# Each demo role signs in and opens every entry of its menu; the links to follow from a
# page's first table row to a detail page, per role and menu entry.
FIRST_ROW_LINK = "table tbody tr:first-child td a"
DETAILS = {
    "sagsbehandler": {"Deltagere": FIRST_ROW_LINK},
    "projektleder": {"Partnerskaber": "table tbody tr:first-child a"},
    "aktoer": {"Deltagere": FIRST_ROW_LINK},
    "udvikler": {"Virksomheder": FIRST_ROW_LINK},
    "controller": {"Deltagere": FIRST_ROW_LINK, "Virksomheder": FIRST_ROW_LINK},
    "virksomhed": {"Virksomheder": FIRST_ROW_LINK},
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

    for username, details in DETAILS.items():
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
        entries = menu_entries(page)
        assert len(entries) >= 2 and set(details) <= {e for _g, e in entries}, (username, entries)
        for group, entry in entries:
            if entry not in details:
                continue
            link = open_menu_entry(page, group, entry)
            before = page.url
            link.click()
            page.wait_for_url(lambda url, before=before: url != before)
            page.wait_for_load_state()
            row_link = page.locator(details[entry]).first
            expect(row_link).to_be_visible()
            row_link.click()
            page.wait_for_load_state()
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            check(f"{username} {entry} detail")

    assert len(visited) >= 12, visited
    assert not found, "\n\n".join(found)
