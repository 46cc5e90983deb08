"""The economy's screens, as the controller and a municipal lead use them."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from economy.models import CostCategory, Expense, ExpenseState
from tests.factories.economy import (
    BudgetLineFactory,
    BudgetRevisionFactory,
    ExpenseFactory,
    sub_project_with,
)

pytestmark = pytest.mark.django_db


def test_the_controller_registers_and_approves_an_expense(today, sjaelland, personas, client):
    client.force_login(personas.controller)
    response = client.post(
        reverse("economy:expense_create", args=[sjaelland.pk]),
        {
            "spent_on": "2022-05-31",
            "partner": personas.own.jobcentre.pk,
            "category": CostCategory.CONSULTANCY,
            "amount": "12.345,67",
            "document": "F-2022-001",
            "description": "Mentorforløb maj",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Udgiften er registreret." in page
    assert "31.05.2022" in page and "12.345,67" in page and "Ekstern konsulentbistand" in page
    expense = Expense.objects.get()
    assert expense.amount == Decimal("12345.67")

    confirm = client.get(reverse("economy:expense_approve", args=[expense.pk])).content.decode()
    assert "Vil du godkende udgiften?" in confirm and "F-2022-001" in confirm
    response = client.post(
        reverse("economy:expense_approve", args=[expense.pk]), {"version": 1}, follow=True
    )
    assert "Udgiften er godkendt." in response.content.decode()
    expense.refresh_from_db()
    assert expense.state == ExpenseState.APPROVED and expense.decided_by == personas.controller


def test_a_refused_expense_is_a_message_on_the_form(today, sjaelland, personas, client):
    client.force_login(personas.controller)
    response = client.post(
        reverse("economy:expense_create", args=[sjaelland.pk]),
        {
            "spent_on": "2022-07-01",
            "partner": personas.own.jobcentre.pk,
            "category": CostCategory.SALARY,
            "amount": "100",
            "document": "F-1",
        },
    )
    assert response.status_code == 200
    assert "Datoen ligger i fremtiden." in response.content.decode()
    assert not Expense.objects.exists()


def test_removing_asks_for_the_reservation_and_keeps_the_expense_listed(
    today, sjaelland, personas, client
):
    expense = ExpenseFactory(
        sub_project=sjaelland, partner=personas.own.actor_org, amount=Decimal("999.99")
    )
    client.force_login(personas.controller)
    url = reverse("economy:expense_remove", args=[expense.pk])
    response = client.post(url, {"version": 1, "reservation": "", "reason": ""})
    assert response.status_code == 200
    assert "Dette felt er påkrævet." in response.content.decode()
    response = client.post(
        url,
        {
            "version": 1,
            "reservation": "Revisors forbehold 2021",
            "reason": "Alle fakturaer fra Sidesporet er fjernet pga. forbehold",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Udgiften er fjernet." in page
    assert (
        "Revisors forbehold 2021: Alle fakturaer fra Sidesporet er fjernet pga. forbehold" in page
    )
    assert "Fjernet" in page
    second = client.post(url, {"version": 2, "reservation": "x", "reason": "y"})
    assert "Udgiften er fjernet og kan ikke ændres." in second.content.decode()


def test_a_municipal_lead_reads_only_their_own_organisations_expenses(sjaelland, personas, client):
    ExpenseFactory(sub_project=sjaelland, partner=personas.own.jobcentre, document="KOEGE-1")
    ExpenseFactory(sub_project=sjaelland, partner=personas.foreign.jobcentre, document="NAESTVED-1")
    client.force_login(personas.lead)
    page = client.get(reverse("economy:expense_list", args=[sjaelland.pk])).content.decode()
    assert "KOEGE-1" in page and "NAESTVED-1" not in page
    assert "udgifter/ny/" not in page and ">Godkend<" not in page
    foreign = Expense.objects.get(document="NAESTVED-1")
    assert client.get(reverse("economy:expense_approve", args=[foreign.pk])).status_code == 404


def test_the_list_filters_by_partner_category_state_and_period(sjaelland, personas, client):
    ExpenseFactory(
        sub_project=sjaelland,
        partner=personas.own.jobcentre,
        category=CostCategory.AUDIT,
        spent_on=date(2021, 3, 1),
        document="MATCH",
    )
    ExpenseFactory(sub_project=sjaelland, partner=personas.own.jobcentre, document="OTHER-CAT")
    ExpenseFactory(
        sub_project=sjaelland,
        partner=personas.own.jobcentre,
        category=CostCategory.AUDIT,
        spent_on=date(2019, 3, 1),
        document="TOO-EARLY",
    )
    ExpenseFactory(
        sub_project=sjaelland,
        partner=personas.foreign.jobcentre,
        category=CostCategory.AUDIT,
        spent_on=date(2021, 3, 1),
        document="OTHER-PARTNER",
    )
    client.force_login(personas.controller)
    url = reverse("economy:expense_list", args=[sjaelland.pk])
    page = client.get(
        url,
        {
            "partner": personas.own.jobcentre.pk,
            "category": CostCategory.AUDIT,
            "state": ExpenseState.REGISTERED,
            "spent_from": "2020-01-01",
            "spent_to": "2021-12-31",
        },
    ).content.decode()
    assert "MATCH" in page
    assert not {"OTHER-CAT", "TOO-EARLY", "OTHER-PARTNER"} & set(page.split())
    empty = client.get(url, {"state": ExpenseState.REMOVED}).content.decode()
    assert "Ingen udgifter passer til filteret." in empty


def test_empty_screens_say_so(sjaelland, personas, client):
    client.force_login(personas.controller)
    expenses = client.get(reverse("economy:expense_list", args=[sjaelland.pk])).content.decode()
    assert "Der er ikke registreret udgifter endnu." in expenses
    budget = client.get(
        reverse("economy:budget", args=[sjaelland.pk]), {"dato": "2022-06-15"}
    ).content.decode()
    assert "Der er intet budget godkendt pr. 15.06.2022." in budget
    assert "Ingen budgetrevisioner endnu." in budget


def test_the_budget_screen_shows_the_revision_in_force_on_the_date(sjaelland, personas, client):
    first = BudgetRevisionFactory(sub_project=sjaelland, approved_on=date(2018, 2, 28))
    BudgetLineFactory(revision=first, partner=personas.own.jobcentre, amount=Decimal("100000"))
    revised = BudgetRevisionFactory(
        sub_project=sjaelland,
        approved_on=date(2021, 3, 15),
        reason="Forlængelse til september 2022 efter nedlukningerne",
    )
    BudgetLineFactory(revision=revised, partner=personas.own.jobcentre, amount=Decimal("150000"))
    client.force_login(personas.controller)
    url = reverse("economy:budget", args=[sjaelland.pk])
    before = client.get(url, {"dato": "2021-03-14"}).content.decode()
    assert "Budgettet godkendt den 28.02.2018 er gældende." in before
    assert "100.000,00" in before and "150.000,00" not in before
    after = client.get(url, {"dato": "2021-03-15"}).content.decode()
    assert "Budgettet godkendt den 15.03.2021 er gældende." in after
    assert "150.000,00" in after and "177.000,00" in after  # with the 18 % project costs
    assert "Forlængelse til september 2022 efter nedlukningerne" in after
    assert "<svg" in after


def test_the_controller_registers_a_revision_prefilled_from_the_budget_in_force(
    today, sjaelland, personas, client
):
    first = BudgetRevisionFactory(sub_project=sjaelland, approved_on=date(2018, 2, 28))
    BudgetLineFactory(revision=first, partner=personas.own.jobcentre, amount=Decimal("100000"))
    client.force_login(personas.controller)
    url = reverse("economy:budget_revision_create", args=[sjaelland.pk])
    form = client.get(url).content.decode()
    field = f"amount_{personas.own.jobcentre.pk}_{CostCategory.SALARY}"
    assert f'name="{field}"' in form and 'value="100.000,00"' in form
    response = client.post(
        url,
        {
            "approved_on": "2021-03-15",
            "reason": "Revideret budget",
            field: "120.000,50",
            f"amount_{personas.own.actor_org.pk}_{CostCategory.INFORMATION}": "5000",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Budgetrevisionen er registreret." in page
    assert "120.000,50" in page and "5.000,00" in page and "Revideret budget" in page


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_and_the_budget_take_the_same_queries_for_many_rows(sjaelland, personas, client):
    client.force_login(personas.controller)
    revision = BudgetRevisionFactory(sub_project=sjaelland)
    BudgetLineFactory(revision=revision, partner=personas.own.jobcentre)
    ExpenseFactory(sub_project=sjaelland, partner=personas.own.jobcentre)
    urls = [
        reverse("economy:expense_list", args=[sjaelland.pk]),
        reverse("economy:budget", args=[sjaelland.pk]),
        reverse("economy:overview"),
    ]
    few = [_count_queries(client, url) for url in urls]
    for category in CostCategory.values[1:]:
        for partner in (personas.own.actor_org, personas.foreign.jobcentre):
            BudgetLineFactory(revision=revision, partner=partner, category=category)
    ExpenseFactory.create_batch(
        60, sub_project=sjaelland, partner=personas.foreign.jobcentre, category=CostCategory.AUDIT
    )
    for region in ("Region Midtjylland", "Region Nordjylland"):
        other = sub_project_with(personas.foreign.jobcentre, region=region)
        BudgetLineFactory(revision__sub_project=other, partner=personas.foreign.jobcentre)
        ExpenseFactory(sub_project=other, partner=personas.foreign.jobcentre)
    assert [_count_queries(client, url) for url in urls] == few


def test_a_municipal_lead_reads_only_their_own_organisations_part_of_the_budget(
    sjaelland, personas, client
):
    revision = BudgetRevisionFactory(sub_project=sjaelland, approved_on=date(2018, 2, 28))
    BudgetLineFactory(revision=revision, partner=personas.own.jobcentre, amount=Decimal("1111"))
    BudgetLineFactory(revision=revision, partner=personas.foreign.jobcentre, amount=Decimal("2222"))
    client.force_login(personas.lead)
    page = client.get(
        reverse("economy:budget", args=[sjaelland.pk]), {"dato": "2022-01-01"}
    ).content.decode()
    assert "Jobcenter Køge" in page and "1.111,00" in page
    assert "Jobcenter Næstved" not in page and "2.222,00" not in page and "3.333,00" not in page
    assert "Registrer budgetrevision" not in page


def test_the_overview_shows_each_sub_projects_budget_and_spending(
    sjaelland, midtjylland, personas, client
):
    revision = BudgetRevisionFactory(sub_project=sjaelland, approved_on=date(2018, 2, 28))
    BudgetLineFactory(revision=revision, partner=personas.own.jobcentre, amount=Decimal("50000"))
    ExpenseFactory(sub_project=sjaelland, partner=personas.own.jobcentre, amount=Decimal("10.05"))
    ExpenseFactory(
        sub_project=sjaelland,
        partner=personas.own.jobcentre,
        amount=Decimal("99"),
        state=ExpenseState.REMOVED,
        decided_on=date(2021, 1, 4),
        reservation="A",
        removal_reason="B",
    )
    client.force_login(personas.controller)
    page = client.get(reverse("economy:overview")).content.decode()
    assert "50.000,00" in page and "10,05" in page and "109,05" not in page
    assert midtjylland.name in page
    client.force_login(personas.lead)
    page = client.get(reverse("economy:overview")).content.decode()
    assert sjaelland.name in page and midtjylland.name not in page
