"""Every read of the project economy: the budget in force, the register's totals, and the
figures the progress statement prints under its headings 2, 6 and 7 (`statement_figures`).

`user` None reads everything (a report built by the worker for the controller who ordered
it); a user reads what their role's scope allows (models.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from partnerships.models import Organisation
from reporting import charts
from reporting.models import SubProject

from .models import (
    LARGE_PARTNER_LIMIT,
    ORE,
    BudgetLine,
    BudgetRevision,
    CostCategory,
    Expense,
    ExpenseState,
    SupportRate,
    economy_scope,
    project_costs,
)

ZERO = Decimal("0.00")


def _sum(expression: str = "amount", **condition: Any) -> Coalesce:
    summed = Sum(expression, filter=Q(**condition)) if condition else Sum(expression)
    return Coalesce(summed, ZERO, output_field=DecimalField(max_digits=15, decimal_places=2))


def _rows(model, user) -> QuerySet:
    return model.objects.all() if user is None else model.objects.for_user(user)


def sub_projects_for(user) -> QuerySet[SubProject]:
    """The sub-projects whose economy the user reads: all for the programme's managers, the
    ones with the user's organisation among their partners for a municipal lead."""
    sub_projects = SubProject.objects.for_user(user).select_related("region")
    return economy_scope(sub_projects, user, write=False, partner="partners")


def revisions_in_force(sub_projects: QuerySet[SubProject], on: date) -> QuerySet[BudgetRevision]:
    """For each sub-project, the budget revision in force on the date: the latest one
    approved on or before it."""
    latest = (
        BudgetRevision.objects.filter(sub_project=OuterRef("pk"), approved_on__lte=on)
        .order_by("-approved_on", "-pk")
        .values("pk")[:1]
    )
    return BudgetRevision.objects.filter(
        pk__in=sub_projects.annotate(revision=Subquery(latest)).values("revision")
    )


@dataclass(frozen=True)
class CategoryRow:
    category: str
    label: str
    budget: Decimal
    spent: Decimal
    approved: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.spent

    @property
    def percent(self) -> Decimal | None:
        if not self.budget:
            return None
        return (self.spent * 100 / self.budget).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class PartnerRow:
    partner: str
    budget: Decimal
    spent: Decimal

    @property
    def budget_with_costs(self) -> Decimal:
        return self.budget + project_costs(self.budget)

    @property
    def spent_with_costs(self) -> Decimal:
        return self.spent + project_costs(self.spent)


@dataclass(frozen=True)
class Reservation:
    """One reservation (forbehold) and the expenses removed because of it."""

    reservation: str
    count: int
    total: Decimal
    expenses: list[Expense] = field(default_factory=list)


def _kroner(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), ROUND_HALF_UP))


def _total(rows: Iterable[CategoryRow], name: str) -> Decimal:
    return sum((getattr(row, name) for row in rows), ZERO)


@dataclass(frozen=True)
class BudgetAgainstActual:
    """Budget in force and the register's expenses (not removed) per cost category, direct
    costs, then the 18 % project costs and the total."""

    rows: list[CategoryRow]

    @property
    def budget(self) -> Decimal:
        return _total(self.rows, "budget")

    @property
    def spent(self) -> Decimal:
        return _total(self.rows, "spent")

    @property
    def approved(self) -> Decimal:
        return _total(self.rows, "approved")

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.spent

    @property
    def budget_costs(self) -> Decimal:
        return project_costs(self.budget)

    @property
    def spent_costs(self) -> Decimal:
        return project_costs(self.spent)

    @property
    def approved_costs(self) -> Decimal:
        return project_costs(self.approved)

    @property
    def budget_with_costs(self) -> Decimal:
        return self.budget + self.budget_costs

    @property
    def spent_with_costs(self) -> Decimal:
        return self.spent + self.spent_costs

    @property
    def approved_with_costs(self) -> Decimal:
        return self.approved + self.approved_costs

    def chart(self, title: str):
        return charts.paired_bar_chart(
            title,
            # Whole kroner: the table beside it has the øre.
            [(row.label, _kroner(row.budget), _kroner(row.spent)) for row in self.rows],
            legend=("Budget", "Forbrug"),
        )


def _budget_by(user, sub_projects: QuerySet[SubProject], on: date, *by: str) -> dict:
    """The budget in force on the date, summed per `by` (one field: its value is the key;
    more: a tuple), in one query."""
    return _grouped(
        _rows(BudgetLine, user).filter(revision__in=revisions_in_force(sub_projects, on)), by
    )


def _spent_by(user, sub_projects: QuerySet[SubProject], on: date, *by: str) -> dict:
    """The expenses up to the date that count (not removed), summed per `by`, in one query."""
    return _grouped(
        _rows(Expense, user).counted().filter(sub_project__in=sub_projects, spent_on__lte=on), by
    )


def _grouped(rows: QuerySet, by: tuple[str, ...]) -> dict:
    summed = rows.values_list(*by).annotate(total=_sum()).order_by()
    if len(by) == 1:
        return dict(summed)
    return {tuple(row[:-1]): row[-1] for row in summed}


def budget_against_actual(
    *, user, sub_projects: QuerySet[SubProject], on: date
) -> BudgetAgainstActual:
    """Per cost category: the budget in force on the date and the expenses up to it (not
    removed; of those, the approved). Two queries, whatever the number of expenses."""
    budget = _budget_by(user, sub_projects, on, "category")
    spent = {
        row["category"]: row
        for row in _rows(Expense, user)
        .filter(sub_project__in=sub_projects, spent_on__lte=on)
        .values("category")
        .annotate(
            spent=_sum(state__in=[ExpenseState.REGISTERED, ExpenseState.APPROVED]),
            approved=_sum(state=ExpenseState.APPROVED),
        )
        .order_by()
    }
    rows = [
        CategoryRow(
            category=category,
            label=str(label),
            budget=budget.get(category, ZERO),
            spent=spent.get(category, {}).get("spent", ZERO),
            approved=spent.get(category, {}).get("approved", ZERO),
        )
        for category, label in CostCategory.choices
    ]
    return BudgetAgainstActual(rows)


def budget_grid(*, user, revision: BudgetRevision) -> list[dict]:
    """A revision's lines as a grid: one row per partner with its amount per category (in
    CostCategory's order) and its total; one query."""
    amounts: dict[str, dict[str, Decimal]] = {}
    for partner, category, amount in (
        _rows(BudgetLine, user)
        .filter(revision=revision)
        .values_list("partner__name", "category", "amount")
        .order_by("partner__name")
    ):
        amounts.setdefault(partner, {})[category] = amount
    return [
        {
            "partner": partner,
            "amounts": [by_category.get(c, ZERO) for c in CostCategory.values],
            "total": sum(by_category.values(), ZERO),
        }
        for partner, by_category in amounts.items()
    ]


def partners(*, user, sub_projects: QuerySet[SubProject], on: date) -> list[PartnerRow]:
    """Each economic partner's budget in force on the date and its expenses up to it (not
    removed), direct costs; two queries."""
    budget = _budget_by(user, sub_projects, on, "partner__name", "partner_id")
    spent = _spent_by(user, sub_projects, on, "partner__name", "partner_id")
    return [
        PartnerRow(partner=key[0], budget=budget.get(key, ZERO), spent=spent.get(key, ZERO))
        for key in sorted({*budget, *spent})
    ]


def large_partners(*, user, sub_projects: QuerySet[SubProject], on: date) -> list[PartnerRow]:
    """The partners with a budget or spending of 2.5 mio. DKK or more, 18 % project costs
    included (heading 6 of the progress statement)."""
    return [
        row
        for row in partners(user=user, sub_projects=sub_projects, on=on)
        if max(row.budget_with_costs, row.spent_with_costs) >= LARGE_PARTNER_LIMIT
    ]


def removed_by_reservation(
    *, user, sub_projects: QuerySet[SubProject], start: date | None, end: date
) -> list[Reservation]:
    """The expenses removed in the period, grouped by the reservation that removed them, each
    with its reason (heading 7); one query."""
    removed = (
        _rows(Expense, user)
        .filter(sub_project__in=sub_projects, state=ExpenseState.REMOVED, decided_on__lte=end)
        .select_related("partner")
        .order_by("reservation", "spent_on", "pk")
    )
    if start is not None:
        removed = removed.filter(decided_on__gte=start)
    expenses: dict[str, list[Expense]] = {}
    for expense in removed:  # ordered by reservation
        expenses.setdefault(expense.reservation, []).append(expense)
    return [
        Reservation(
            reservation=reservation,
            count=len(rows),
            total=sum((expense.amount for expense in rows), ZERO),
            expenses=rows,
        )
        for reservation, rows in expenses.items()
    ]


def support_rates(*, user, sub_projects: QuerySet[SubProject]) -> QuerySet[SupportRate]:
    return (
        _rows(SupportRate, user).filter(sub_project__in=sub_projects).select_related("sub_project")
    )


def revisions(*, user, sub_projects: QuerySet[SubProject], on: date) -> QuerySet[BudgetRevision]:
    """The budget revisions approved up to the date, oldest first."""
    return (
        _rows(BudgetRevision, user)
        .filter(sub_project__in=sub_projects, approved_on__lte=on)
        .select_related("sub_project")
        .order_by("sub_project__region__name", "approved_on")
    )


def support_due(*, user, sub_projects: QuerySet[SubProject], on: date) -> Decimal:
    """The support the expenses up to the date (not removed, with project costs) earn at the
    support percentage of their day; expenses on a day without one earn nothing."""
    percent = SupportRate.objects.filter(
        sub_project=OuterRef("sub_project"),
        valid_from__lte=OuterRef("spent_on"),
        valid_to__gte=OuterRef("spent_on"),
    ).values("percent")[:1]
    groups = (
        _rows(Expense, user)
        .counted()
        .filter(sub_project__in=sub_projects, spent_on__lte=on)
        .annotate(percent=Subquery(percent))
        .filter(percent__isnull=False)
        .values("percent")
        .annotate(total=_sum())
        .order_by()
    )
    return sum(
        (
            ((row["total"] + project_costs(row["total"])) * row["percent"] / 100).quantize(
                ORE, ROUND_HALF_UP
            )
            for row in groups
        ),
        ZERO,
    )


@dataclass(frozen=True)
class StatementFigures:
    """What the progress statement prints under headings 2, 6 and 7."""

    sub_projects: list[SubProject]
    on: date
    budget: BudgetAgainstActual
    revisions: list[BudgetRevision]
    rates: list[SupportRate]
    support: Decimal
    large_partners: list[PartnerRow]
    reservations: list[Reservation]
    chart: Any


def statement_sub_projects(params) -> QuerySet[SubProject]:
    """The sub-project a report is made for (its region's, or its municipality's region's),
    or all of them for the programme (and for a cluster, which may span regions)."""
    sub_projects = SubProject.objects.select_related("region")
    sub_project = getattr(params, "sub_project", None)
    if sub_project:
        return sub_projects.filter(pk=sub_project)
    if params.region:
        return sub_projects.filter(region__name=params.region)
    if params.municipality:
        # A municipality's economy is its region's sub-project's.
        return sub_projects.filter(region__municipalities__name=params.municipality)
    return sub_projects


def statement_figures(params, *, user=None) -> StatementFigures:
    """The economy of a progress statement's scope (ReportParams) up to the end of its
    period; reservations handled within the period."""
    sub_projects = statement_sub_projects(params)
    on = params.period_end
    budget = budget_against_actual(user=user, sub_projects=sub_projects, on=on)
    return StatementFigures(
        sub_projects=list(sub_projects),
        on=on,
        budget=budget,
        revisions=list(revisions(user=user, sub_projects=sub_projects, on=on)),
        rates=list(support_rates(user=user, sub_projects=sub_projects)),
        support=support_due(user=user, sub_projects=sub_projects, on=on),
        large_partners=large_partners(user=user, sub_projects=sub_projects, on=on),
        reservations=removed_by_reservation(
            user=user, sub_projects=sub_projects, start=params.start, end=on
        ),
        chart=budget.chart("Budget og forbrug pr. omkostningsart"),
    )


def register_totals(*, user, sub_projects: QuerySet[SubProject], on: date) -> dict[str, Decimal]:
    """The register's own sums up to the date, per state: what every table must agree with."""
    return expense_totals(
        _rows(Expense, user).filter(sub_project__in=sub_projects, spent_on__lte=on)
    )


def partner_choices(sub_project: SubProject) -> QuerySet[Organisation]:
    return sub_project.partners.order_by("name")


def expense_totals(expenses: QuerySet[Expense]) -> dict[str, Decimal]:
    """The sums of a list of expenses (as filtered), per state, in one query."""
    return expenses.aggregate(
        counted=_sum(state__in=[ExpenseState.REGISTERED, ExpenseState.APPROVED]),
        approved=_sum(state=ExpenseState.APPROVED),
        removed=_sum(state=ExpenseState.REMOVED),
    )


def sub_project_totals(*, user, sub_projects: QuerySet[SubProject], on: date) -> list[dict]:
    """Each sub-project with its budget in force on the date and its expenses up to it (not
    removed), direct costs; three queries, whatever the number of sub-projects."""
    budget = _budget_by(user, sub_projects, on, "revision__sub_project")
    spent = _spent_by(user, sub_projects, on, "sub_project")
    return [
        {
            "sub_project": sub_project,
            "budget": budget.get(sub_project.pk, ZERO),
            "spent": spent.get(sub_project.pk, ZERO),
        }
        for sub_project in sub_projects
    ]
