"""Every demo role on a phone (390 px) and a laptop (1366 × 768): every page its menu
offers, reached through the menu, fits the screen's width and passes axe, and on the laptop
the menu takes one row. The problems of all pages are gathered and reported together."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from .axe import BLOCKING_IMPACTS, axe_violations, describe
from .conftest import menu_entries, open_menu_entry, save_screenshot, sign_in

pytestmark = pytest.mark.e2e

ROLES = ["sagsbehandler", "projektleder", "aktoer", "udvikler", "controller", "virksomhed", "admin"]
SIZES = {"telefon": (390, 844), "bærbar": (1366, 768)}

MEASURE = """() => {
  const root = document.documentElement;
  const items = [...document.querySelectorAll('#siv-nav > ul > li')].filter(li => li.offsetParent);
  const rows = new Set(items.map(li => Math.round(li.getBoundingClientRect().top))).size;
  const user = document.querySelector('#siv-nav .siv-user');
  const userTop = user && user.offsetParent ? Math.round(user.getBoundingClientRect().top) : null;
  const navTop = items.length ? Math.round(items[0].getBoundingClientRect().top) : null;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
    .slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + String(e.className).slice(0, 40));
  return {scroll: root.scrollWidth, width: root.clientWidth, rows, userTop, navTop, wide};
}"""


def problems_on(page, label: str, size: str) -> list[str]:
    found = []
    m = page.evaluate(MEASURE)
    if m["scroll"] > m["width"]:
        found.append(f"{label}: scrolls sideways ({m['scroll']} > {m['width']} px; {m['wide']})")
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        found.append(f"{label}: accessibility\n{describe(blocking)}")
    if size == "bærbar":
        if m["rows"] > 1:
            found.append(f"{label}: the menu takes {m['rows']} rows")
        if m["userTop"] is not None and m["navTop"] is not None and m["userTop"] > m["navTop"] + 20:
            found.append(f"{label}: the name and sign-out wrap below the menu")
    return found


@pytest.mark.parametrize("size", list(SIZES))
def test_every_roles_pages_fit_the_screen(page, demo, request, size):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    found: list[str] = []
    visited = 0
    for username in ROLES:
        page.context.clear_cookies()
        sign_in(page, username)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        found += problems_on(page, f"{username} start", size)
        for group, entry in menu_entries(page):
            link = open_menu_entry(page, group, entry)
            href = link.get_attribute("href")
            if link.get_attribute("aria-current") == "page":
                page.keyboard.press("Escape")
                page.goto(href)
            else:
                link.click()
                try:
                    page.wait_for_url(f"**{href}", wait_until="commit", timeout=30_000)
                except PlaywrightTimeoutError:
                    # A tap lost on a busy machine: the entry is there; follow it.
                    page.goto(href)
            page.wait_for_load_state()
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            visited += 1
            problems = problems_on(page, f"{username} {entry} ({href})", size)
            if problems:
                save_screenshot(page, request, suffix=f"{username}-{entry}")
            found += problems
    assert visited >= 40, visited
    assert not found, "\n".join(found)
