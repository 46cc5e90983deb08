"""Journey: the business developer registers a camp's attendance on its one-screen form, once
the camp has taken place; the camp page, the camp list and the form agree on who attended."""

import pytest
from playwright.sync_api import expect

from .axe import assert_accessible
from .conftest import go_to, save_screenshot, sign_in

pytestmark = pytest.mark.e2e

COMING = "Opfølgning: den sociale model i praksis"
HELD = "Driftsøkonomi og ledelse"


def test_the_business_developer_registers_camp_attendance(page, demo_companies, request):
    sign_in(page, "udvikler")
    go_to(page, "Camps")

    expect(page.get_by_role("heading", name="Camps", level=1)).to_be_visible()
    assert_accessible(page)

    # A camp still to come takes no attendance yet.
    page.get_by_role("link", name=COMING).click()
    expect(page.get_by_role("heading", name=COMING, level=1)).to_be_visible()
    expect(page.get_by_text("Fremmøde kan registreres fra")).to_be_visible()
    expect(page.get_by_role("link", name="Registrer fremmøde")).to_have_count(0)

    # A held camp: both cluster 2 companies attended, also the one of another developer.
    go_to(page, "Camps")
    camp_row = page.get_by_role("row").filter(has=page.get_by_role("link", name=HELD))
    expect(camp_row.get_by_role("cell").nth(5)).to_have_text("2")
    page.get_by_role("link", name=HELD).click()
    expect(page.get_by_role("heading", name="2 virksomheder deltog")).to_be_visible()
    expect(page.get_by_role("link", name="Café Åen ApS")).to_be_visible()
    expect(page.get_by_text("Holstebro Cykler ApS")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Registrer fremmøde").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Fremmøde: {HELD}")
    assert_accessible(page)

    companies = page.get_by_role("group", name="Virksomheder")
    expect(companies.get_by_label("Café Åen ApS")).to_be_checked()
    expect(companies.get_by_label("Holstebro Cykler ApS")).to_be_checked()
    companies.get_by_label("Holstebro Cykler ApS").uncheck()
    save_screenshot(page, request, suffix="form")
    page.get_by_role("button", name="Gem fremmøde").click()

    expect(page.get_by_text("Fremmødet er gemt.")).to_be_visible()
    expect(page.get_by_role("heading", name="1 virksomhed deltog")).to_be_visible()
    expect(page.get_by_role("link", name="Café Åen ApS")).to_be_visible()
    expect(page.get_by_text("Holstebro Cykler ApS")).to_have_count(0)
    assert_accessible(page)

    # The list counts them, and the form shows them ticked when opened again.
    go_to(page, "Camps")
    expect(camp_row.get_by_role("cell").nth(5)).to_have_text("1")
    page.get_by_role("link", name=HELD).click()
    page.get_by_role("link", name="Registrer fremmøde").click()
    expect(companies.get_by_label("Café Åen ApS")).to_be_checked()
    expect(companies.get_by_label("Holstebro Cykler ApS")).not_to_be_checked()
