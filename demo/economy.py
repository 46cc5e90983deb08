"""Demo data: each sub-project's budget (the original and a revision approved after the
lockdowns), its support percentages, and a register of expenses, some approved and some
removed after a reservation. Running it twice adds nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from demo.context import DemoContext
from economy import services
from economy.models import ORE, BudgetRevision, CostCategory
from partnerships.models import Organisation, OrganisationKind
from reporting.models import SubProject
from siv.roles import Role

ORIGINAL = date(2018, 2, 28)
REVISED = date(2021, 3, 15)
REVISION_REASON = (
    "Revideret budget godkendt af Erhvervsstyrelsen: projektet forlænges til september 2022 "
    "efter nedlukningerne under COVID-19, og lønbudgettet flyttes til de senere år."
)
# Direct costs per partner kind and category, in DKK; the revision raises salaries by 10 %.
BUDGET = {
    OrganisationKind.MUNICIPALITY: {
        CostCategory.SALARY: Decimal("2000000.00"),
        CostCategory.INFORMATION: Decimal("40000.00"),
        CostCategory.AUDIT: Decimal("25000.00"),
    },
    OrganisationKind.EMPLOYMENT_ACTOR: {
        CostCategory.SALARY: Decimal("950000.00"),
        CostCategory.CONSULTANCY: Decimal("300000.00"),
        CostCategory.PARTICIPANTS: Decimal("120000.00"),
        CostCategory.OTHER: Decimal("60000.00"),
    },
}
RESERVATION = "Revisors forbehold til regnskabet for 2020"
SIDESPORET_REASON = "Alle fakturaer fra Sidesporet er fjernet pga. forbehold"


def _budget(sub_project: SubProject, partners: list[Organisation], controller) -> None:
    for approved_on, raise_salary, reason in (
        (ORIGINAL, Decimal("1"), "Oprindeligt budget"),
        (REVISED, Decimal("1.10"), REVISION_REASON),
    ):
        amounts = {
            (partner.pk, category): (amount * raise_salary).quantize(ORE)
            if category == CostCategory.SALARY
            else amount
            for partner in partners
            for category, amount in BUDGET[partner.kind].items()
        }
        services.budget_revision_create(
            sub_project=sub_project,
            approved_on=approved_on,
            reason=reason,
            amounts=amounts,
            by=controller,
        )
    for start, end, percent, reason in (
        (sub_project.project_start, date(2020, 3, 31), "50", ""),
        (date(2020, 4, 1), date(2020, 12, 31), "75", "Opnormering af støtteprocenter"),
        (date(2021, 1, 1), sub_project.project_end, "50", ""),
    ):
        services.support_rate_add(
            sub_project=sub_project,
            valid_from=start,
            valid_to=end,
            percent=Decimal(percent),
            reason=reason,
            by=controller,
        )


def _expenses(sub_project: SubProject, partners: list[Organisation], controller) -> None:
    """A half-yearly salary invoice and a smaller one per partner, 2019–2021: the 2019–2020
    ones approved, the 2021 ones waiting for the controller."""
    for number, partner in enumerate(partners):
        categories = list(BUDGET[partner.kind])
        for half in range(6):
            day = date(2019 + half // 2, 6 * (half % 2) + 3, 15) + timedelta(days=number)
            for category in (CostCategory.SALARY, categories[half % len(categories)]):
                expense = services.expense_register(
                    sub_project=sub_project,
                    partner=partner,
                    category=category,
                    spent_on=day,
                    amount=Decimal("98765.43")
                    if category == CostCategory.SALARY
                    else Decimal("4321.10") + number,
                    document=f"F-{day:%Y%m}-{partner.pk:03d}-{category[:3].upper()}",
                    by=controller,
                )
                if day.year < 2021:
                    services.expense_approve(expense=expense, by=controller, version=1)


def _sidesporet(sub_project: SubProject, controller) -> None:
    """Sidesporet, a partner whose invoices the accounts' review did not accept."""
    sidesporet, _created = Organisation.objects.get_or_create(
        kind=OrganisationKind.EMPLOYMENT_ACTOR,
        name="Sidesporet",
        defaults={
            "municipality": sub_project.partners.filter(kind="municipality").first().municipality
        },
    )
    sub_project.partners.add(sidesporet)
    for day, amount in ((date(2020, 2, 17), "18450.00"), (date(2020, 8, 31), "7325.50")):
        expense = services.expense_register(
            sub_project=sub_project,
            partner=sidesporet,
            category=CostCategory.CONSULTANCY,
            spent_on=day,
            amount=Decimal(amount),
            document=f"SIDESPORET-{day:%Y%m%d}",
            by=controller,
        )
        services.expense_approve(expense=expense, by=controller, version=1)
        services.expense_remove(
            expense=expense,
            by=controller,
            version=2,
            reservation=RESERVATION,
            reason=SIDESPORET_REASON,
        )


def seed(context: DemoContext) -> None:
    controller = context.users[Role.CONTROLLER]
    for sub_project in SubProject.objects.select_related("region"):
        if BudgetRevision.objects.filter(sub_project=sub_project).exists():
            continue
        partners = list(sub_project.partners.filter(kind__in=list(BUDGET)).order_by("kind", "name"))
        if not partners:
            continue
        _budget(sub_project, partners, controller)
        _expenses(sub_project, partners, controller)
        if sub_project.region.name == "Region Sjælland":
            _sidesporet(sub_project, controller)
