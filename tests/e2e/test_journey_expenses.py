"""Journey: the project controller registers an invoice in a sub-project's expense register
and approves it, on a phone (390 px) and on a laptop (1366 px)."""

import pytest
from playwright.sync_api import expect

from economy.models import Expense, ExpenseState
from partnerships.models import Organisation, Region
from tests.factories.reporting import SubProjectFactory

from .axe import assert_accessible
from .conftest import save_screenshot, sign_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [390, 1366])
def test_the_controller_registers_and_approves_an_expense(page, demo_people, request, width):
    page.set_viewport_size({"width": width, "height": 900})
    sub_project = SubProjectFactory(
        region=Region.objects.get(name="Region Sjælland"), name="Delprojekt Region Sjælland"
    )
    sub_project.partners.add(Organisation.objects.get(name="Jobcenter Køge"))
    sign_in(page, "controller")

    page.goto("/oekonomi/")
    expect(page.get_by_role("heading", name="Projektøkonomi", level=1)).to_be_visible()
    page.get_by_role("link", name="Udgifter").click()
    expect(page.get_by_text("Der er ikke registreret udgifter endnu.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Registrer udgift").click()
    page.get_by_label("Dato").fill("2022-05-31")
    page.get_by_label("Partner").select_option(label="Jobcenter Køge")
    page.get_by_label("Omkostningsart").select_option(label="Ekstern konsulentbistand")
    page.get_by_label("Beløb (kr.)").fill("12.345,67")
    page.get_by_label("Bilagsreference").fill("F-2022-117")
    assert_accessible(page)
    page.get_by_role("button", name="Registrer").click()

    expect(page.get_by_text("Udgiften er registreret.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="F-2022-117")
    expect(row).to_contain_text("12.345,67")
    expect(row).to_contain_text("Registreret")
    row.get_by_role("link", name="Godkend").click()

    expect(page.get_by_text("Vil du godkende udgiften?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Godkend").click()

    expect(page.get_by_text("Udgiften er godkendt.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="F-2022-117")
    expect(row).to_contain_text("Godkendt")
    # The page fits the screen: a wide table scrolls inside its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    save_screenshot(page, request, suffix="approved")
    expense = Expense.objects.get()
    assert (expense.state, str(expense.amount)) == (ExpenseState.APPROVED, "12345.67")
