"""The economy's writes: each refuses an impossible state in Danish and logs what it did."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from economy import services
from economy.models import BudgetLine, CostCategory, Expense, ExpenseState
from siv.audit import StaleRecord
from siv.models import AuditAction, AuditEntry
from tests.factories.economy import ExpenseFactory, SupportRateFactory
from tests.factories.partnerships import OrganisationFactory

pytestmark = pytest.mark.django_db


def register(sub_project, personas, **fields):
    values = {
        "sub_project": sub_project,
        "partner": personas.own.jobcentre,
        "category": CostCategory.SALARY,
        "spent_on": date(2021, 5, 3),
        "amount": Decimal("12500.75"),
        "document": "F-2021-117",
        "by": personas.controller,
    }
    return services.expense_register(**{**values, **fields})


def test_a_registered_expense_is_logged_with_its_amount(today, sjaelland, personas):
    expense = register(sjaelland, personas)
    assert expense.state == ExpenseState.REGISTERED
    entry = AuditEntry.objects.about(expense).get()
    assert entry.action == AuditAction.CREATE
    assert entry.details["after"]["amount"] == "12500.75"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"spent_on": date(2022, 6, 16)}, "Datoen ligger i fremtiden."),
        (
            {"spent_on": date(2017, 12, 31)},
            "uden for delprojektets periode (01.01.2018–30.09.2022)",
        ),
        ({"amount": Decimal("0")}, "Beløbet skal være større end 0."),
    ],
)
def test_it_refuses_an_expense_out_of_bounds(today, sjaelland, personas, fields, message):
    with pytest.raises(ValidationError) as refused:
        register(sjaelland, personas, **fields)
    assert message in " ".join(refused.value.messages)
    assert not Expense.objects.exists()


def test_it_refuses_an_expense_of_an_organisation_outside_the_sub_project(
    today, sjaelland, personas
):
    stranger = OrganisationFactory(name="Sidesporet")
    with pytest.raises(ValidationError) as refused:
        register(sjaelland, personas, partner=stranger)
    assert refused.value.message_dict["partner"] == [
        f"Sidesporet er ikke økonomisk partner i {sjaelland.name}."
    ]


def test_an_expense_is_approved_once_and_a_removed_one_stays_removed(today, sjaelland, personas):
    expense = register(sjaelland, personas)
    approved = services.expense_approve(expense=expense, by=personas.controller, version=1)
    assert (approved.state, approved.decided_on, approved.version) == ("approved", today, 2)
    with pytest.raises(ValidationError, match="Udgiften er allerede godkendt."):
        services.expense_approve(expense=expense, by=personas.controller, version=2)
    removed = services.expense_remove(
        expense=expense,
        by=personas.controller,
        version=2,
        reservation="Revisors forbehold 2021",
        reason="Fakturaen vedrører ikke projektet.",
    )
    assert removed.state == ExpenseState.REMOVED
    for step in (services.expense_approve, services.expense_remove):
        kwargs = {"reservation": "x", "reason": "y"} if step is services.expense_remove else {}
        with pytest.raises(ValidationError, match="Udgiften er fjernet og kan ikke ændres."):
            step(expense=expense, by=personas.controller, version=3, **kwargs)
    changes = AuditEntry.objects.about(expense).filter(action=AuditAction.CHANGE)
    assert [e.details["after"]["state"] for e in changes.order_by("at", "id")] == [
        "approved",
        "removed",
    ]


def test_removing_needs_the_reservation_and_the_reason(today, sjaelland, personas):
    expense = register(sjaelland, personas)
    with pytest.raises(ValidationError, match="Angiv forbeholdet og begrundelsen"):
        services.expense_remove(
            expense=expense, by=personas.controller, version=1, reservation=" ", reason="Dublet"
        )
    expense.refresh_from_db()
    assert expense.state == ExpenseState.REGISTERED


def test_a_decision_on_a_form_opened_before_anothers_is_a_conflict(today, sjaelland, personas):
    expense = ExpenseFactory(sub_project=sjaelland, partner=personas.own.jobcentre)
    services.expense_remove(
        expense=expense, by=personas.controller, version=1, reservation="A", reason="B"
    )
    # The other tab's removal, sent with the version it was opened at.
    with pytest.raises(ValidationError) as refused:
        services.expense_remove(
            expense=expense, by=personas.controller, version=1, reservation="C", reason="D"
        )
    assert "Udgiften er fjernet og kan ikke ændres." in refused.value.messages
    expense.refresh_from_db()
    assert (expense.reservation, expense.version) == ("A", 2)


def test_a_stale_version_of_a_registered_expense_is_refused_as_changed_by_another(
    today, sjaelland, personas
):
    expense = ExpenseFactory(sub_project=sjaelland, partner=personas.own.jobcentre)
    Expense.objects.filter(pk=expense.pk).update(version=2)
    with pytest.raises(StaleRecord) as refused:
        services.expense_approve(expense=expense, by=personas.controller, version=1)
    assert "Posten er ændret af en anden, siden du åbnede den." in refused.value.messages


def test_a_budget_revision_keeps_every_amount_and_refuses_a_second_on_the_same_day(
    today, sjaelland, personas
):
    amounts = {
        (personas.own.jobcentre.pk, CostCategory.SALARY): Decimal("1500000.00"),
        (personas.own.jobcentre.pk, CostCategory.AUDIT): Decimal("25000.50"),
        (personas.foreign.jobcentre.pk, CostCategory.SALARY): Decimal("0"),
    }
    revision = services.budget_revision_create(
        sub_project=sjaelland,
        approved_on=date(2018, 2, 28),
        reason="Oprindeligt budget",
        amounts=amounts,
        by=personas.controller,
    )
    assert sorted(
        BudgetLine.objects.filter(revision=revision).values_list("amount", flat=True)
    ) == [
        Decimal("25000.50"),
        Decimal("1500000.00"),
    ]
    assert AuditEntry.objects.about(revision).get().details["total"] == "1525000.50"
    with pytest.raises(ValidationError) as refused:
        services.budget_revision_create(
            sub_project=sjaelland,
            approved_on=date(2018, 2, 28),
            reason="Igen",
            amounts=amounts,
            by=personas.controller,
        )
    assert refused.value.message_dict["approved_on"] == [
        "Der er allerede en budgetrevision godkendt den 28.02.2018."
    ]


def test_a_budget_only_holds_the_sub_projects_partners(today, sjaelland, personas):
    stranger = OrganisationFactory(name="Sidesporet")
    with pytest.raises(ValidationError, match="kun have beløb for delprojektets partnere"):
        services.budget_revision_create(
            sub_project=sjaelland,
            approved_on=date(2018, 2, 28),
            reason="Oprindeligt budget",
            amounts={(stranger.pk, CostCategory.SALARY): Decimal("10")},
            by=personas.controller,
        )


def test_support_percentages_of_one_sub_project_never_overlap(today, sjaelland, personas):
    SupportRateFactory(
        sub_project=sjaelland, valid_from=date(2018, 1, 1), valid_to=date(2020, 12, 31)
    )
    with pytest.raises(ValidationError, match="overlapper støtteprocenten fra 01.01.2018 til"):
        services.support_rate_add(
            sub_project=sjaelland,
            valid_from=date(2020, 7, 1),
            valid_to=date(2021, 6, 30),
            percent=Decimal("75"),
            by=personas.controller,
        )
    raised = services.support_rate_add(
        sub_project=sjaelland,
        valid_from=date(2021, 1, 1),
        valid_to=date(2021, 6, 30),
        percent=Decimal("75"),
        reason="Opnormering af støtteprocenter",
        by=personas.controller,
    )
    assert raised.percent == Decimal("75")
