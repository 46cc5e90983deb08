"""Journey: the project controller keeps a regional sub-project's journal number, period and
partners, and opens its own progress statement, which starts from its own project identity."""

from datetime import date

import pytest
from playwright.sync_api import expect

from partnerships.models import Organisation
from tests.factories.reporting import SubProjectFactory

from .axe import assert_accessible
from .conftest import go_to

pytestmark = pytest.mark.e2e


def test_the_controller_keeps_a_sub_projects_identity_and_partners(signed_in_page):
    SubProjectFactory(
        name="Social inklusion i Region Sjælland",
        journal_number="SFNPO-18-0044",
        project_start=date(2018, 6, 1),
        project_end=date(2022, 9, 30),
    )
    partner = Organisation.objects.order_by("name").first()
    page = signed_in_page("controller")
    go_to(page, "Delprojekter")
    expect(page.get_by_role("heading", name="Delprojekter", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Ret Social inklusion i Region Sjælland").click()
    assert_accessible(page)
    page.get_by_label("Journalnummer").fill("SFNPO-18-0045")
    page.get_by_label("Økonomiske partnere").select_option(label=partner.name)
    page.get_by_role("button", name="Gem").click()

    expect(page.get_by_text("Delprojektet er gemt.")).to_be_visible()
    row = page.get_by_role("row", name="Social inklusion i Region Sjælland")
    expect(row).to_contain_text("SFNPO-18-0045")
    expect(row).to_contain_text(partner.name)

    row.get_by_role("link", name="Slutrapport Social inklusion i Region Sjælland").click()
    expect(page.get_by_role("heading", name="Tekst til Slutrapport", level=1)).to_be_visible()
    expect(page.get_by_label("Periode fra")).to_have_value("2018-06-01")
    expect(page.get_by_label("Periode til")).to_have_value("2022-09-30")
    expect(page.get_by_text("SFNPO-18-0045")).to_be_visible()
    assert_accessible(page)
