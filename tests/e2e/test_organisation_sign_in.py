"""The journey through the organisation's own sign-in: SIV's sign-in page, the provider's
login (a real OpenID Connect provider in its own process) and back to SIV, signed in; at
a desktop's width and at a phone's 390 px."""

import pytest

from tests.factories.partnerships import PASSWORD as FACTORY_PASSWORD
from tests.oidc.helpers import koege_caseworkers_group
from tests.oidc_provider.process import PASSWORD
from tests.personas import make_personas
from tests.reference_data import ensure_reference_data

from .axe import assert_accessible
from .conftest import save_screenshot, sign_in

pytestmark = pytest.mark.e2e

WIDTHS = [pytest.param(1280, id="desktop"), pytest.param(390, id="phone")]


@pytest.fixture(params=WIDTHS)
def sized_page(browser, live_server, request):
    """A fresh browser context on the live server at a desktop's and at a phone's width."""
    context = browser.new_context(
        base_url=live_server.url, locale="da-DK", viewport={"width": request.param, "height": 844}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    try:
        save_screenshot(page, request)
    finally:
        context.close()


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_caseworker_signs_in_with_the_organisations_account(
    sized_page, live_server, oidc_settings, request
):
    page = sized_page
    ensure_reference_data()
    koege_caseworkers_group(make_personas(), oidc_settings.issuer)

    page.goto("/deltagere/")
    assert "/login/" in page.url
    assert_accessible(page)
    assert fits_the_width(page)
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
    assert fits_the_width(page)


def test_the_administrator_maps_a_group_to_a_role(sized_page, settings):
    page = sized_page
    settings.SIV_OIDC_ISSUER = "https://login.koege.example/realms/kommune"
    settings.SIV_OIDC_CLIENT_ID, settings.SIV_OIDC_CLIENT_SECRET = "siv", "hemmelig"
    ensure_reference_data()
    personas = make_personas()

    sign_in(page, personas.admin.username, FACTORY_PASSWORD)
    page.goto("/organisationens-login/")
    page.get_by_label("Organisation").select_option(label="Jobcenter Køge")
    page.get_by_role("button", name="Tilføj organisation").click()
    assert page.get_by_text("Organisationen er tilføjet.").is_visible()

    page.get_by_role("link", name="Ny gruppe-tilknytning").click()
    page.get_by_label("Gruppe").fill("siv-koege-sagsbehandlere")
    page.get_by_label("Rolle").select_option(label="Sagsbehandler")
    page.get_by_label("Organisation").select_option(label="Jobcenter Køge")
    page.get_by_label("Kommune").select_option(label="Køge")
    page.get_by_role("button", name="Gem").click()

    assert page.get_by_text("Gruppe-tilknytningen er gemt.").is_visible()
    assert page.get_by_role("link", name="siv-koege-sagsbehandlere").is_visible()
    assert_accessible(page)
    assert fits_the_width(page)
