"""End-to-end fixtures: Debian's chromium driven by Playwright against pytest-django's live
server (a real, threaded HTTP server over the test database).

Playwright's sync API refuses to run inside an asyncio loop and Django refuses ORM calls
where it suspects one; these tests run no loop of their own, so the check is switched off.
"""

import io
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from demo.partnerships import DEMO_PASSWORD
from tests.reference_data import ensure_reference_data

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = settings.BASE_DIR / "test-artifacts" / "e2e"

# Every e2e test writes through a real server, so it needs a real transaction. The flush
# after each one empties the migrated reference data too; the seeding fixtures put the
# municipalities back (tests/reference_data.py). Serialized rollback is not used: it
# collides with content types that another transactional test's flush has recreated.
E2E_DB = pytest.mark.django_db(transaction=True)


@pytest.hookimpl(tryfirst=True)  # before pytest-django sorts transactional tests last
def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(E2E_DB)


@pytest.fixture(scope="module")
def browser():
    """One headless chromium per test module.

    While Playwright runs, its event loop is set on this thread and Django would refuse
    every ORM call; the switch is on for exactly as long as the browser lives, so tests and
    subprocesses after the module (e.g. `check --deploy`) never see it.
    """
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def save_screenshot(page, request, *, suffix: str = "") -> None:
    """test-artifacts/e2e/<test>[-suffix].png (gitignored), for looking at a failure."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(ARTIFACTS / f"{name}{'-' + suffix if suffix else ''}.png"), full_page=True
    )


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser context on the live server; a screenshot is kept after the test."""
    context = browser.new_context(base_url=live_server.url, locale="da-DK")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    try:
        save_screenshot(page, request)
    finally:
        context.close()


@pytest.fixture
def demo(transactional_db):
    """The whole demo programme (seed_demo), citizens included: for journeys through them."""
    ensure_reference_data()
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def demo_people(transactional_db):
    """Only the demo's partnerships part: one user per role (password siv-demo-2026),
    organisations and partnerships. A fraction of seed_demo's time."""
    from demo import partnerships
    from demo.context import DemoContext

    ensure_reference_data()
    partnerships.seed(DemoContext())


MENU_ENTRIES = """() => [...document.querySelectorAll('#siv-nav > ul > li')].flatMap(li => {
  const toggle = li.querySelector('[data-nav-group]');
  return [...li.querySelectorAll('a[href]')].map(a => [
    toggle ? toggle.dataset.navGroup : null, a.textContent.trim()]);
})"""


def menu_entries(page) -> list[tuple[str | None, str]]:
    """The main menu's entries as (area, label): the area is None for a plain link, else
    the key of the dropdown that holds the entry."""
    return [tuple(entry) for entry in page.evaluate(MENU_ENTRIES)]


def open_menu_entry(page, group: str | None, label: str):
    """The menu entry's link, made visible as a person would: the menu opened on a phone,
    the area's dropdown opened."""
    toggler = page.locator(".navbar-toggler")
    nav = page.get_by_role("navigation", name="Hovedmenu")
    link = nav.get_by_role("link", name=label, exact=True)
    # A person whose tap did not open the menu (the page still busy) taps again: an area
    # already open is left open, never toggled shut.
    for _attempt in range(3):
        if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
            toggler.click()
        if group:
            area = page.locator(f"[data-nav-group={group}]")
            if area.get_attribute("aria-expanded") != "true":
                area.click()
        try:
            link.wait_for(state="visible", timeout=5_000)
            return link
        except PlaywrightTimeoutError:
            continue
    link.wait_for(state="visible")
    return link


def go_to(page, label: str) -> None:
    """Open a page through the main menu, as a person would: its area's dropdown, then the
    entry."""
    groups = {entry: group for group, entry in menu_entries(page)}
    assert label in groups, f"{label!r} is not in the menu: {sorted(groups)}"
    open_menu_entry(page, groups[label], label).click()
    page.wait_for_load_state()


def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real form, as a person would."""
    page.goto("/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()


@pytest.fixture
def signed_in_page(page, demo_people):
    """`signed_in_page("controller")`: the page, signed in as that demo user."""

    def as_user(username: str):
        sign_in(page, username)
        return page

    return as_user


@pytest.fixture
def demo_companies(transactional_db):
    """The demo's people and its accelerator part (companies, programmes, camps), without
    citizens: for journeys through companies and camps."""
    from demo import accelerator, partnerships
    from demo.context import DemoContext

    ensure_reference_data()
    context = DemoContext()
    partnerships.seed(context)
    accelerator.seed(context)
