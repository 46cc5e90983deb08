"""Scoped reads of payment by results: balances, statements, outcomes, the business case.

Sums are taken in the database; the business case's savings are computed from database
aggregates (paid hours per citizen-week) valued at the dated rates.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear, TruncMonth

from participants.models import HoursEntry, HoursKind
from partnerships.models import Municipality
from siv.models import Decision

from .models import (
    TARGET_KINDS,
    BenefitRate,
    Contract,
    ContractTarget,
    ContractVersion,
    EntryKind,
    LedgerEntry,
    LedgerProposal,
    Outcome,
    OutcomeKind,
    OutcomeStatus,
    SavingBand,
    money,
)

ZERO = Decimal("0.00")
# How many decided proposals the approval page lists below the pending ones.
DECIDED_SHOWN = 20
BALANCE_KINDS = (EntryKind.ACCRUAL, EntryKind.REVERSAL, EntryKind.PAYMENT)


def _sum(**filters: Any):
    return Coalesce(
        Sum("amount", filter=Q(**filters)),
        Value(ZERO),
        output_field=DecimalField(max_digits=13, decimal_places=2),
    )


BALANCE_ANNOTATIONS = {
    "accrued": _sum(kind__in=(EntryKind.ACCRUAL, EntryKind.REVERSAL)),
    "invoiced": _sum(kind=EntryKind.INVOICE),
    "payments": _sum(kind=EntryKind.PAYMENT),
    "balance": _sum(kind__in=BALANCE_KINDS),
    "entries": Count("pk"),
}


def ledger_for(user) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.for_user(user).select_related("municipality", "contract", "outcome")


def totals(entries: QuerySet[LedgerEntry]) -> dict:
    """Accrued (net of reversals), invoiced, paid and the balance still owed."""
    result = entries.aggregate(**BALANCE_ANNOTATIONS)
    result["paid"] = -result.pop("payments")
    return result


def balances_by_municipality(user) -> list[dict]:
    rows = (
        LedgerEntry.objects.for_user(user)
        .values("municipality_id", "municipality__name")
        .annotate(**BALANCE_ANNOTATIONS)
        .order_by("municipality__name")
    )
    return [{**row, "paid": -row["payments"]} for row in rows]


def municipalities_with_contracts(user) -> QuerySet[Municipality]:
    return Municipality.objects.filter(
        pk__in=Contract.objects.for_user(user).values("municipality_id")
    ).order_by("name")


def contracts_for(user) -> QuerySet[Contract]:
    return (
        Contract.objects.for_user(user)
        .select_related("municipality", "cluster")
        .annotate(
            outcome_count=Count("outcomes", distinct=True),
            accrued=Coalesce(
                Sum(
                    "entries__amount",
                    filter=Q(entries__kind__in=(EntryKind.ACCRUAL, EntryKind.REVERSAL)),
                ),
                Value(ZERO),
                output_field=DecimalField(max_digits=13, decimal_places=2),
            ),
        )
    )


def outcomes_for(contract: Contract) -> QuerySet[Outcome]:
    return contract.outcomes.annotate(
        net=Coalesce(
            Sum(
                "entries__amount",
                filter=Q(entries__kind__in=(EntryKind.ACCRUAL, EntryKind.REVERSAL)),
            ),
            Value(ZERO),
            output_field=DecimalField(max_digits=13, decimal_places=2),
        )
    ).order_by("-achieved_on", "-pk")


def invoice_lines(invoice: LedgerEntry) -> QuerySet[LedgerEntry]:
    """The accruals and reversals an invoice covers: those since the contract's last invoice."""
    previous = (
        LedgerEntry.objects.filter(
            contract_id=invoice.contract_id, kind=EntryKind.INVOICE, seq__lt=invoice.seq
        )
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    ) or 0
    return (
        LedgerEntry.objects.filter(
            contract_id=invoice.contract_id,
            kind__in=(EntryKind.ACCRUAL, EntryKind.REVERSAL),
            seq__gt=previous,
            seq__lt=invoice.seq,
        )
        .select_related("outcome")
        .order_by("seq")
    )


# --- Business case -------------------------------------------------------------------------


class Assumptions:
    """The dated benefit rates and saving bands, looked up per week in memory.

    `used_examples` turns true once a lookup finds a rate or band marked as an example, so
    that a business case built on examples says so."""

    def __init__(self, rate_factor: Decimal = Decimal(1)):
        self.rates: dict[str, list[tuple[date, Decimal, bool]]] = defaultdict(list)
        for rate in BenefitRate.objects.order_by("valid_from"):
            self.rates[rate.benefit].append(
                (rate.valid_from, rate.weekly_rate * rate_factor, rate.is_example)
            )
        self.bands: dict[date, list[tuple[Decimal, Decimal, bool]]] = defaultdict(list)
        for band in SavingBand.objects.order_by("valid_from", "min_hours"):
            self.bands[band.valid_from].append((band.min_hours, band.share_saved, band.is_example))
        self.band_dates = sorted(self.bands)
        self.used_examples = False

    def weekly_rate(self, benefit: str, day: date) -> Decimal:
        rows = self.rates.get(benefit, [])
        index = bisect_right([row[0] for row in rows], day)
        if not index:
            return ZERO
        _from, rate, example = rows[index - 1]
        self.used_examples |= example
        return rate

    def share_saved(self, hours: Decimal, day: date) -> Decimal:
        index = bisect_right(self.band_dates, day)
        if not index:
            return Decimal(0)
        share, example = Decimal(0), False
        for min_hours, band_share, band_example in self.bands[self.band_dates[index - 1]]:
            if hours >= min_hours:
                share, example = band_share, band_example
        self.used_examples |= example
        return share


@dataclass
class MonthPoint:
    month: date
    investment: Decimal
    savings: Decimal
    cumulative_investment: Decimal
    cumulative_savings: Decimal


def savings_by_month(municipality: Municipality, assumptions: Assumptions) -> dict[date, Decimal]:
    """Weekly benefit rate × share saved given the hours worked, for every paid week."""
    weeks = (
        HoursEntry.objects.filter(citizen__municipality=municipality, kind=HoursKind.PAID)
        .values("citizen__benefit", "week_start")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    result: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for week in weeks:
        day = week["week_start"]
        saved = assumptions.weekly_rate(week["citizen__benefit"], day) * assumptions.share_saved(
            week["hours"], day
        )
        result[day.replace(day=1)] += money(saved)
    return result


def _achieved():
    """The day an entry's outcome was achieved (its booking day when it has no outcome): the
    business case books the municipality's investment when the result happened, not when
    the detection found it."""
    return Coalesce("outcome__achieved_on", "booked_on")


def _net_accruals(municipality: Municipality) -> QuerySet[LedgerEntry]:
    """The municipality's accruals and the reversals that net them."""
    return LedgerEntry.objects.filter(
        municipality=municipality, kind__in=(EntryKind.ACCRUAL, EntryKind.REVERSAL)
    )


def investment_by_month(municipality: Municipality) -> dict[date, Decimal]:
    """What the municipality owes for outcomes (accruals net of reversals), by the month the
    outcomes were achieved."""
    rows = (
        _net_accruals(municipality)
        .annotate(month=TruncMonth(_achieved()))
        .values("month")
        .annotate(total=Sum("amount"))
        .order_by("month")
    )
    return {row["month"]: row["total"] for row in rows}


def business_case(
    municipality: Municipality,
    *,
    investment: dict[date, Decimal] | None = None,
    assumptions: Assumptions | None = None,
) -> dict:
    investment = investment_by_month(municipality) if investment is None else investment
    assumptions = assumptions or Assumptions()
    savings = savings_by_month(municipality, assumptions)
    months = sorted(set(investment) | set(savings))
    points: list[MonthPoint] = []
    cum_inv = cum_sav = ZERO
    break_even = None
    for month in _month_range(months[0], months[-1]) if months else []:
        inv, sav = investment.get(month, ZERO), savings.get(month, ZERO)
        cum_inv += inv
        cum_sav += sav
        points.append(MonthPoint(month, inv, sav, cum_inv, cum_sav))
        if break_even is None and cum_inv > 0 and cum_sav >= cum_inv:
            break_even = month
    return {
        "points": points,
        "break_even": break_even,
        "total_investment": cum_inv,
        "total_savings": cum_sav,
        "examples": assumptions.used_examples,
        "years": _by_year(points),
    }


def _by_year(points: list[MonthPoint]) -> list[dict]:
    """The months' investment and savings summed per calendar year."""
    years: dict[int, dict] = {}
    for point in points:
        year = years.setdefault(
            point.month.year, {"year": point.month.year, "investment": ZERO, "savings": ZERO}
        )
        year["investment"] += point.investment
        year["savings"] += point.savings
    return list(years.values())


def _month_range(first: date, last: date) -> list[date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def what_if_investment(
    municipality: Municipality, tariffs: dict[str, Decimal], deadweight: Decimal
):
    """The investment had the outcomes accrued so far been paid at other tariffs (no caps),
    booked in the months they were."""
    rows = (
        LedgerEntry.objects.filter(
            municipality=municipality, kind=EntryKind.ACCRUAL, reversed_by__isnull=True
        )
        .annotate(month=TruncMonth(_achieved()), kind_of=F("outcome__kind"))
        .values("month", "kind_of")
        .annotate(count=Count("pk"))
        .order_by("month")
    )
    result: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        tariff = tariffs.get(row["kind_of"], ZERO)
        factor = Decimal(1) if row["kind_of"] == OutcomeKind.FIXED else Decimal(1) - deadweight
        result[row["month"]] += money(tariff * factor * row["count"])
    return dict(result)


def chart(points: list[MonthPoint], *, width: int = 720, height: int = 280) -> dict:
    """Coordinates for a server-side SVG line chart of cumulative investment and savings."""
    pad_left, pad_bottom, pad_top, pad_right = 90, 30, 10, 40
    top = max(
        [p.cumulative_investment for p in points]
        + [p.cumulative_savings for p in points]
        + [Decimal(1)]
    )
    plot_w, plot_h = width - pad_left - pad_right, height - pad_top - pad_bottom
    n = max(len(points) - 1, 1)

    def xy(i: int, value: Decimal) -> str:
        x = pad_left + plot_w * i / n
        y = pad_top + plot_h * (1 - float(value / top))
        return f"{x:.1f},{y:.1f}"

    ticks = [
        {"y": pad_top + plot_h * (1 - k / 4), "value": money(top * Decimal(k) / 4)}
        for k in range(5)
    ]
    labels = [
        {"x": pad_left + plot_w * i / n, "month": p.month}
        for i, p in enumerate(points)
        if len(points) <= 12 or i % max(len(points) // 6, 1) == 0
    ]
    return {
        "width": width,
        "height": height,
        "left": pad_left,
        "bottom": height - pad_bottom,
        "right": width - pad_right,
        "investment": " ".join(xy(i, p.cumulative_investment) for i, p in enumerate(points)),
        "savings": " ".join(xy(i, p.cumulative_savings) for i, p in enumerate(points)),
        "ticks": ticks,
        "labels": labels,
    }


# --- Planned and actual payments -------------------------------------------------------------


@dataclass
class YearPayments:
    year: int
    planned: Decimal
    actual: Decimal

    @property
    def difference(self) -> Decimal:
        return self.actual - self.planned


def _terms_for_year(versions: list[ContractVersion], year: int) -> ContractVersion | None:
    """The terms a year's targets are priced at: the version in force on 1 January, or in
    the contract's first year its first version."""
    start = date(year, 1, 1)
    in_force = [
        v
        for v in versions
        if v.valid_from <= start and (v.valid_until is None or v.valid_until >= start)
    ]
    if in_force:
        return max(in_force, key=lambda v: v.valid_from)
    starting = [v for v in versions if v.valid_from.year == year]
    return min(starting, key=lambda v: v.valid_from) if starting else None


def planned_by_year(contracts: QuerySet[Contract]) -> dict[int, Decimal]:
    """Each year's planned payment: the targeted outcomes at their tariffs less deadweight,
    and the fixed part in the contract's first year; before caps."""
    planned: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for contract in contracts.prefetch_related("versions", "targets"):
        versions = list(contract.versions.all())
        if not versions:
            continue
        first = min(versions, key=lambda v: v.valid_from)
        planned[first.valid_from.year] += first.fixed_part
        for target in contract.targets.all():
            terms = _terms_for_year(versions, target.year)
            if terms is None:
                continue
            share = Decimal(1) - terms.deadweight_share
            for kind, count in target.counts().items():
                planned[target.year] += money(terms.tariff_for(kind) * share * count)
    return planned


def actual_by_year(municipality: Municipality) -> dict[int, Decimal]:
    """What the outcomes achieved in each year earned (accruals net of reversals)."""
    rows = (
        _net_accruals(municipality)
        .annotate(year=ExtractYear(_achieved()))
        .values("year")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {row["year"]: row["total"] for row in rows}


def payments_by_year(municipality: Municipality) -> list[YearPayments]:
    """Planned (from the contracts' targets) and actual (from outcomes) payments per year."""
    planned = planned_by_year(Contract.objects.filter(municipality=municipality))
    actual = actual_by_year(municipality)
    return [
        YearPayments(year, planned.get(year, ZERO), actual.get(year, ZERO))
        for year in sorted(set(planned) | set(actual))
    ]


@dataclass
class TargetYear:
    """A contract's year: the target (None when none is set) and the outcomes achieved, per
    kind, in TARGET_KINDS' order."""

    year: int
    target: ContractTarget | None
    kinds: list[tuple[int | None, int]]


def targets_and_outcomes(contract: Contract) -> list[TargetYear]:
    """The contract's targets per year beside the outcomes (still accrued) achieved then."""
    targets = {t.year: t for t in contract.targets.all()}
    achieved: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        contract.outcomes.filter(status=OutcomeStatus.ACCRUED, kind__in=TARGET_KINDS)
        .annotate(year=ExtractYear("achieved_on"))
        .values("year", "kind")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in rows:
        achieved[row["year"]][row["kind"]] = row["count"]
    result = []
    for year in sorted(set(targets) | set(achieved)):
        target = targets.get(year)
        counts = target.counts() if target else {}
        result.append(
            TargetYear(
                year,
                target,
                [(counts.get(kind), achieved[year].get(kind, 0)) for kind in TARGET_KINDS],
            )
        )
    return result


def proposals_for(user) -> QuerySet[LedgerProposal]:
    """The invoice and payment proposals the user may decide, with what their rows show."""
    return LedgerProposal.objects.for_user(user, write=True).select_related(
        "contract", "municipality", "proposed_by", "decided_by"
    )


def pending_proposals(user) -> int:
    """How many invoices and payments wait for a controller's approval."""
    return proposals_for(user).filter(status=Decision.PENDING).count()


def proposal_queue(user) -> dict[str, list[LedgerProposal]]:
    """The approval page: every pending proposal (oldest first) and the latest decided."""
    proposals = proposals_for(user)
    pending = proposals.filter(status=Decision.PENDING).order_by("proposed_at", "id")
    return {
        "pending": list(pending),
        "decided": list(proposals.exclude(status=Decision.PENDING)[:DECIDED_SHOWN]),
    }
