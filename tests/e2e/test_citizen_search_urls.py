"""A name or a CPR number typed into the citizen search never appears in a URL the browser
requests (nor in a Referer it sends): the search posts, and the list is shown and paged
under a search id."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from partnerships.models import Municipality
from tests.factories.participants import CitizenFactory

pytestmark = pytest.mark.e2e

CPR = "150685-1234"
NAME = "Zbyszko"
SECRETS = ("150685", "1506851234", NAME.casefold(), "quirina")


def test_no_searched_cpr_or_name_appears_in_any_url(signed_in_page):
    koege = Municipality.objects.get(name="Køge")
    CitizenFactory(municipality=koege, cpr=CPR, first_name="Quirina", last_name="Andersen")
    CitizenFactory.create_batch(55, municipality=koege, last_name=NAME)
    page = signed_in_page("sagsbehandler")
    requested: list[str] = []
    page.on("request", lambda r: requested.extend([r.url, r.headers.get("referer", "")]))

    page.goto(reverse("participants:citizen_list"))
    search = page.get_by_label("Søg (navn eller CPR-nummer)")
    search.fill(CPR)
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("1 række", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Quirina Andersen")).to_be_visible()
    expect(search).to_have_value(CPR)

    page.get_by_label("Søg (navn eller CPR-nummer)").fill(NAME)
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("Side 1 af 2")).to_be_visible()
    page.get_by_role("link", name="Næste").click()
    expect(page.get_by_text("Side 2 af 2")).to_be_visible()
    expect(page.get_by_label("Status")).to_have_value("active")
    assert "s=" in page.url and "status=active" in page.url
    page.get_by_role("link", name="Forrige").click()
    expect(page.get_by_text("Side 1 af 2")).to_be_visible()

    assert any("s=" in url for url in requested)
    leaked = [url for url in requested if any(s in url.casefold() for s in SECRETS)]
    assert not leaked, leaked
