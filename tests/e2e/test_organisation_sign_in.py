"""The journey through the organisation's own sign-in: SIV's sign-in page, the provider's
login (a real OpenID Connect provider in its own process) and back to SIV, signed in; at
a desktop's width and at a phone's 390 px."""

import pytest

from tests.oidc.helpers import koege_caseworkers_group
from tests.oidc_provider.process import PASSWORD
from tests.personas import make_personas
from tests.reference_data import ensure_reference_data

from .axe import assert_accessible
from .conftest import save_screenshot

pytestmark = pytest.mark.e2e

WIDTHS = [pytest.param(1280, id="desktop"), pytest.param(390, id="phone")]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_caseworker_signs_in_with_the_organisations_account(
    browser, live_server, oidc_settings, request, width
):
    ensure_reference_data()
    koege_caseworkers_group(make_personas(), oidc_settings.issuer)
    context = browser.new_context(
        base_url=live_server.url, locale="da-DK", viewport={"width": width, "height": 844}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto("/deltagere/")
        assert "/login/" in page.url
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        save_screenshot(page, request, suffix="sign-in-page")

        page.get_by_role("link", name="Log ind med din organisations konto").click()
        page.wait_for_load_state()

        assert page.url.startswith(oidc_settings.url)
        assert page.get_by_role("heading", name="Kommunens login").is_visible()
        page.get_by_label("Brugernavn").fill("gitte")
        page.get_by_label("Adgangskode").fill(PASSWORD)
        page.get_by_role("button", name="Log ind hos kommunen").click()
        page.wait_for_load_state()

        assert page.url == f"{live_server.url}/deltagere/"
        assert page.get_by_role("heading", level=1).inner_text() == "Deltagere"
        page.goto("/")
        assert page.get_by_role("heading", name="Goddag, Gitte").is_visible()
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        save_screenshot(page, request)
        context.close()
