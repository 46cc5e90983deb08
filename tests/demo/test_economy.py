import io
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from economy import selectors
from economy.models import BudgetRevision, Expense, ExpenseState
from reporting.models import SubProject
from reporting.selectors import ReportParams

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_revised_budget_and_a_register_with_sidesporets_removed_invoices():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # a second run adds nothing
    for sub_project in SubProject.objects.all():
        revisions = BudgetRevision.objects.filter(sub_project=sub_project).order_by("approved_on")
        assert [r.approved_on for r in revisions] == [date(2018, 2, 28), date(2021, 3, 15)]
        assert "september 2022" in revisions[1].reason
        states = set(
            Expense.objects.filter(sub_project=sub_project).values_list("state", flat=True)
        )
        assert {ExpenseState.REGISTERED, ExpenseState.APPROVED} <= states
    removed = Expense.objects.filter(state=ExpenseState.REMOVED)
    assert {e.partner.name for e in removed} == {"Sidesporet"}
    assert {e.removal_reason for e in removed} == {
        "Alle fakturaer fra Sidesporet er fjernet pga. forbehold"
    }
    figures = selectors.statement_figures(
        ReportParams(region="Region Sjælland", end=timezone.localdate())
    )
    assert "Jobcenter Køge" in {row.partner for row in figures.large_partners}
    assert [r.reservation for r in figures.reservations] == [
        "Revisors forbehold til regnskabet for 2020"
    ]
