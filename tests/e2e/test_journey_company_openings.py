"""Journey: the business developer registers a job opening and a contact with a company; the
opening is on the company page and in the list of openings, and each page fits a phone and
a laptop without sideways scrolling."""

import pytest
from playwright.sync_api import expect

from .axe import assert_accessible
from .conftest import go_to, sign_in

pytestmark = pytest.mark.e2e

COMPANY = "Grøn Vask ApS"
FITS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def _fits_phone_and_laptop(page) -> None:
    for width, height in ((390, 844), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate(FITS), f"{page.url} scrolls sideways at {width} px"
    assert_accessible(page)


def test_the_developer_registers_an_opening_and_a_contact(page, demo_companies):
    sign_in(page, "udvikler")
    go_to(page, "Virksomheder")
    page.get_by_role("link", name=COMPANY).click()
    expect(page.get_by_role("heading", name=COMPANY, level=1)).to_be_visible()

    page.get_by_role("link", name="Jobåbninger", exact=True).first.click()
    page.get_by_label("Stilling").fill("Opvasker")
    page.get_by_label("Antal pladser").fill("2")
    page.get_by_label("Timer pr. uge").fill("12,5")
    page.get_by_label("Type").select_option(label="Løntilskud")
    page.get_by_label("Fra").fill("2026-01-05")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Gemt.")).to_be_visible()
    expect(page.get_by_role("cell", name="Opvasker")).to_be_visible()
    _fits_phone_and_laptop(page)

    page.get_by_role("link", name=f"Tilbage til {COMPANY}").click()
    page.get_by_role("link", name="Kontaktlog").click()
    page.get_by_label("Kontaktform").select_option(label="Besøg")
    page.get_by_label("Emne").fill("Besøg om pladserne i køkkenet")
    page.get_by_label("Referat").fill("Indehaveren vil gerne tage to i løntilskud.")
    page.get_by_role("button", name="Registrer").click()
    expect(page.get_by_text("Kontakten er registreret.")).to_be_visible()
    expect(page.get_by_role("heading", name="Besøg om pladserne i køkkenet")).to_be_visible()
    _fits_phone_and_laptop(page)

    go_to(page, "Jobåbninger")
    expect(page.get_by_role("heading", name="Jobåbninger", level=1)).to_be_visible()
    page.get_by_label("Type").select_option(label="Løntilskud")
    page.get_by_role("button", name="Filtrer").click()
    row = page.get_by_role("row").filter(has_text="Opvasker")
    expect(row.get_by_role("link", name=COMPANY)).to_be_visible()
    _fits_phone_and_laptop(page)
