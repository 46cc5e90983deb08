"""Journey: the project controller registers an invoice in a sub-project's expense register
and approves it, then sees it against the budget, on a phone (390 px) and on a laptop
(1366 px)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from economy.models import CostCategory, Expense, ExpenseState
from partnerships.models import Organisation, Region
from tests.factories.economy import BudgetLineFactory, BudgetRevisionFactory
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
    koege = Organisation.objects.get(name="Jobcenter Køge")
    sub_project.partners.add(koege)
    BudgetLineFactory(
        revision=BudgetRevisionFactory(sub_project=sub_project),
        partner=koege,
        category=CostCategory.CONSULTANCY,
        amount=Decimal("50000"),
    )
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

    # The budget against what is spent now, as a table and a chart that fit the screen.
    page.get_by_role("link", name="Budget", exact=True).click()
    expect(page.get_by_text("Budgettet godkendt den 28.02.2018 er gældende.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Ekstern konsulentbistand").first
    expect(row).to_contain_text("50.000,00")
    expect(row).to_contain_text("12.345,67")
    expect(page.get_by_role("img", name="Budget og forbrug pr. omkostningsart")).to_be_visible()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    expense = Expense.objects.get()
    assert (expense.state, str(expense.amount)) == (ExpenseState.APPROVED, "12345.67")
