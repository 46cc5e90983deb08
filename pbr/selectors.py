"""Scoped reads of payment by results: balances, statements, outcomes, the business case.

Sums are taken in the database; the business case's savings are computed from database
aggregates (paid hours per citizen-week) valued at the dated rates.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear, TruncMonth

from accelerator.models import CompanyRole
from participants.models import PAID_PLACEMENT_KINDS, HoursEntry, HoursKind, PlacementKind
from partnerships.models import Municipality
from siv.models import Decision

from .models import (
    RETENTION_KINDS,
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
    RetentionMode,
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


# --- Outcome detection: what the recorded data show ------------------------------------------


@dataclass
class Found:
    """An outcome the recorded data show, with its evidence."""

    kind: str
    subject: str
    achieved_on: date
    evidence: dict | None  # None when it was left in the database (stage_outcomes_found)
    citizen_id: int | None = None
    company_id: int | None = None


# Every contract's outcomes in one statement. A contract's rules (hours a week, practice,
# retention) are those of the version that started last on or before the day. A citizen's
# week counts the planned hours of their counted placements (each from the step of its plan
# in force on the week's Monday, or the placement's start) beside the hours logged: the
# larger counts, as both describe the same work. The first week of enough hours starts the
# job (on the placement's start, if later); 13/26/52 such weeks that are over retain it,
# in a row (runs of weeks 7 days apart) or in all, as the contract says. A span of weeks is
# a range of the citizen's week numbers (n), and so is each placement's, step's and hours
# row's share of the qualifying weeks: its evidence is what overlaps it. An outcome is kept
# only on a day a version of the contract is in force.
FINDING_SQL = """
WITH rules AS (
    SELECT DISTINCT ON (k.id) k.id AS contract_id, k.municipality_id, k.cluster_id,
           v.min_hours_per_week AS min_hours, v.count_practice, v.retention_mode
    FROM pbr_contract k JOIN pbr_contractversion v ON v.contract_id = k.id
    WHERE k.id = ANY(%(contracts)s) AND v.valid_from <= %(as_of)s
    ORDER BY k.id, v.valid_from DESC
), in_force AS (
    SELECT v.contract_id, v.valid_from, v.valid_until, v.fixed_part,
           lead(v.valid_from) OVER (PARTITION BY v.contract_id ORDER BY v.valid_from) AS next_from,
           row_number() OVER (PARTITION BY v.contract_id ORDER BY v.valid_from) AS number
    FROM pbr_contractversion v JOIN rules r ON r.contract_id = v.contract_id
), citizens AS (
    SELECT r.contract_id, z.id AS citizen_id, r.count_practice
    FROM rules r JOIN participants_citizen z
      ON z.municipality_id = r.municipality_id AND z.cluster_id = r.cluster_id
), placements AS (
    SELECT c.contract_id, p.citizen_id, p.id, p.start, p.hours_per_week,
           p.start - (extract(isodow FROM p.start)::int - 1) AS first_monday,
           LEAST(COALESCE(p."end", %(as_of)s), %(as_of)s) AS last_day
    FROM citizens c JOIN participants_placement p ON p.citizen_id = c.citizen_id
    WHERE p.start <= %(as_of)s
      AND (p.kind = ANY(%(paid)s) OR (c.count_practice AND p.kind = ANY(%(practice)s)))
), steps AS (
    SELECT s.placement_id, s.from_date, s.hours_per_week,
           lead(s.from_date) OVER (PARTITION BY s.placement_id ORDER BY s.from_date) AS next_from
    FROM participants_placementstep s
    WHERE s.placement_id IN (SELECT id FROM placements)
), placement_weeks AS (
    SELECT p.contract_id, p.citizen_id, w.monday, p.id AS placement_id, p.start,
           COALESCE(s.hours_per_week, p.hours_per_week) AS hours
    FROM placements p
    CROSS JOIN LATERAL (
        SELECT p.first_monday + 7 * i AS monday
        FROM generate_series(0, (p.last_day - p.first_monday) / 7) AS i
    ) w
    LEFT JOIN steps s
      ON s.placement_id = p.id AND s.from_date <= GREATEST(w.monday, p.start)
     AND (s.next_from IS NULL OR s.next_from > GREATEST(w.monday, p.start))
    WHERE p.last_day >= p.first_monday
), logged AS (
    SELECT c.contract_id, h.citizen_id, h.week_start AS monday, h.id, h.hours
    FROM citizens c JOIN participants_hoursentry h ON h.citizen_id = c.citizen_id
    WHERE h.week_start <= %(as_of)s
      AND (h.kind = %(paid_hours)s OR (c.count_practice AND h.kind = %(practice_hours)s))
), weeks AS (
    -- Hours in hundredths (they have two decimals): integer sums keep the groups small.
    SELECT w.contract_id, w.citizen_id, w.monday, min(w.start) AS first_start
    FROM (
        SELECT contract_id, citizen_id, monday, start, (hours * 100)::int AS planned,
               0 AS logged
        FROM placement_weeks
        UNION ALL
        SELECT contract_id, citizen_id, monday, NULL, 0, (hours * 100)::int FROM logged
    ) w
    JOIN rules r ON r.contract_id = w.contract_id
    GROUP BY w.contract_id, w.citizen_id, w.monday, r.min_hours
    HAVING GREATEST(sum(w.planned), sum(w.logged)) >= r.min_hours * 100
), numbered AS (
    SELECT weeks.*, row_number() OVER (
        PARTITION BY contract_id, citizen_id ORDER BY monday) AS n
    FROM weeks
), done AS (
    -- Weeks in a row share monday - 7n (gaps and islands); in_run counts within a run.
    SELECT numbered.*, row_number() OVER (
        PARTITION BY contract_id, citizen_id, monday - 7 * n::int ORDER BY monday) AS in_run
    FROM numbered
    WHERE monday + 6 <= %(as_of)s
), found AS (
    SELECT contract_id, %(job_started)s AS kind, citizen_id, NULL::bigint AS company_id,
           GREATEST(monday, first_start) AS achieved_on, n AS n_from, n AS n_to,
           NULL::jsonb AS evidence
    FROM numbered
    WHERE n = 1
    UNION ALL
    SELECT d.contract_id, k.kind, d.citizen_id, NULL, d.monday + 7, d.n - k.weeks + 1, d.n, NULL
    FROM (
        SELECT DISTINCT ON (d.contract_id, d.citizen_id, w.weeks) d.*, w.weeks
        FROM done d
        JOIN rules r ON r.contract_id = d.contract_id
        CROSS JOIN LATERAL (
            SELECT CASE WHEN r.retention_mode = %(continuous)s THEN d.in_run ELSE d.n END
        ) AS w(weeks)
        WHERE w.weeks = ANY(%(retention_weeks)s)
        ORDER BY d.contract_id, d.citizen_id, w.weeks, d.monday
    ) d
    JOIN unnest(%(retention_weeks)s::int[], %(retention_kinds)s::text[]) AS k(weeks, kind)
      ON k.weeks = d.weeks
    UNION ALL
    SELECT r.contract_id, %(ebitda_growth)s, NULL, co.id, make_date(later.year, 12, 31),
           NULL, NULL,
           jsonb_build_object(
               'financials', jsonb_build_array(entry.id, later.id),
               'years', jsonb_build_array(entry.year, later.year),
               'dates', jsonb_build_array(make_date(entry.year, 12, 31),
                                          make_date(later.year, 12, 31)))
    FROM rules r
    JOIN accelerator_company co
      ON co.municipality_id = r.municipality_id AND co.enrolled_cluster_id = r.cluster_id
    JOIN accelerator_companyfinancial entry
      ON entry.company_id = co.id AND entry.year = co.entry_year
    JOIN accelerator_companyfinancial later
      ON later.company_id = co.id AND later.year = co.entry_year + 2
    WHERE co.role = %(accelerator)s AND later.ebitda > entry.ebitda
    UNION ALL
    SELECT contract_id, %(fixed)s, NULL, NULL, valid_from, NULL, NULL,
           jsonb_build_object('dates', '[]'::jsonb)
    FROM in_force
    WHERE number = 1 AND fixed_part > 0
), kept AS (
    SELECT f.* FROM found f
    WHERE f.achieved_on <= %(as_of)s AND EXISTS (
        SELECT 1 FROM in_force v
        WHERE v.contract_id = f.contract_id AND v.valid_from <= f.achieved_on
          AND (v.next_from IS NULL OR v.next_from > f.achieved_on)
          AND (v.valid_until IS NULL OR v.valid_until >= f.achieved_on))
), citizen_weeks AS (
    -- A citizen's qualifying weeks in order, week n at position n: their Mondays, in which a
    -- day's place is found by binary search (width_bucket), and their labels, of which a
    -- span's are a slice. (Hours are logged per Monday, as placements' weeks run.)
    SELECT contract_id, citizen_id, array_agg(monday ORDER BY n) AS mondays,
           array_agg(to_char(monday, 'IYYY-"W"IW') ORDER BY n) AS labels
    FROM numbered
    GROUP BY contract_id, citizen_id
), placement_spans AS (
    -- The qualifying weeks a placement runs in, n_from to n_to (none when n_from > n_to).
    SELECT p.contract_id, p.citizen_id, p.id AS placement_id, p.start, c.mondays,
           width_bucket(p.first_monday - 1, c.mondays) + 1 AS n_from,
           width_bucket(p.last_day, c.mondays) AS n_to
    FROM placements p
    JOIN citizen_weeks c ON c.contract_id = p.contract_id AND c.citizen_id = p.citizen_id
), step_spans AS (
    -- A step counts from the first of those weeks that ends on or after its day.
    SELECT p.contract_id, p.citizen_id, s.from_date, p.n_to,
           GREATEST(p.n_from, width_bucket(s.from_date - 7, p.mondays) + 1) AS n_from
    FROM placement_spans p
    JOIN steps s ON s.placement_id = p.placement_id
), logged_spans AS (
    SELECT h.contract_id, h.citizen_id, h.id, h.monday, h.n
    FROM (
        SELECT l.contract_id, l.citizen_id, l.id, l.monday, c.mondays,
               width_bucket(l.monday, c.mondays) AS n
        FROM logged l
        JOIN citizen_weeks c ON c.contract_id = l.contract_id AND c.citizen_id = l.citizen_id
    ) h
    WHERE h.n > 0 AND h.mondays[h.n] = h.monday
), kept_hours AS (
    SELECT k.contract_id, k.kind, k.citizen_id, array_agg(h.id ORDER BY h.id) AS hours,
           array_agg(h.monday) AS days
    FROM kept k
    JOIN logged_spans h
      ON h.contract_id = k.contract_id AND h.citizen_id = k.citizen_id
     AND h.n BETWEEN k.n_from AND k.n_to
    GROUP BY k.contract_id, k.kind, k.citizen_id
), kept_placements AS (
    SELECT k.contract_id, k.kind, k.citizen_id,
           array_agg(p.placement_id ORDER BY p.placement_id) AS placements,
           array_agg(p.start) AS days
    FROM kept k
    JOIN placement_spans p
      ON p.contract_id = k.contract_id AND p.citizen_id = k.citizen_id
     AND p.n_from <= p.n_to AND p.n_from <= k.n_to AND p.n_to >= k.n_from
    GROUP BY k.contract_id, k.kind, k.citizen_id
), kept_steps AS (
    SELECT k.contract_id, k.kind, k.citizen_id, array_agg(s.from_date) AS days
    FROM kept k
    JOIN step_spans s
      ON s.contract_id = k.contract_id AND s.citizen_id = k.citizen_id
     AND s.n_from <= s.n_to AND s.n_from <= k.n_to AND s.n_to >= k.n_from
    GROUP BY k.contract_id, k.kind, k.citizen_id
)
SELECT k.contract_id, k.kind,
       CASE WHEN k.citizen_id IS NOT NULL THEN 'citizen:' || k.citizen_id
            WHEN k.company_id IS NOT NULL THEN 'company:' || k.company_id
            ELSE 'contract:' || k.contract_id END AS subject,
       k.citizen_id, k.company_id, k.achieved_on,
       COALESCE(k.evidence, jsonb_build_object(
           'placements', COALESCE(kp.placements, '{}'),
           'hours', COALESCE(kh.hours, '{}'),
           'dates', ARRAY(SELECT DISTINCT d FROM unnest(kp.days || ks.days || kh.days) AS d
                          ORDER BY d),
           'weeks', c.labels[k.n_from::int:k.n_to::int]))
           AS evidence
FROM kept k
LEFT JOIN citizen_weeks c ON c.contract_id = k.contract_id AND c.citizen_id = k.citizen_id
LEFT JOIN kept_hours kh
  ON kh.contract_id = k.contract_id AND kh.kind = k.kind AND kh.citizen_id = k.citizen_id
LEFT JOIN kept_placements kp
  ON kp.contract_id = k.contract_id AND kp.kind = k.kind AND kp.citizen_id = k.citizen_id
LEFT JOIN kept_steps ks
  ON ks.contract_id = k.contract_id AND ks.kind = k.kind AND ks.citizen_id = k.citizen_id
"""


# The statement sorts and groups some 100,000s of citizen-weeks: in memory, not on disk. Its
# row estimates are poor (a contract's citizens are a join on municipality and cluster), and
# a nested loop chosen on an estimate of one row runs for minutes, a merge join on part of a
# key re-reads hundreds of thousands of rows: hash joins only. The settings last for the
# statement alone.
FINDING_SETTINGS = (
    "SET LOCAL work_mem = '64MB'; SET LOCAL enable_nestloop = off; SET LOCAL enable_mergejoin = off"
)
FINDING_RESET = (
    "SET LOCAL work_mem TO DEFAULT; SET LOCAL enable_nestloop TO DEFAULT; "
    "SET LOCAL enable_mergejoin TO DEFAULT"
)
# Where `stage_outcomes_found` leaves what it found, evidence and all, until the commit
# (services' statements that read it name it too).
FOUND_TABLE = "pbr_found"
FOUND_COLUMNS = "contract_id, kind, subject, citizen_id, company_id, achieved_on"


def _finding_params(contract_ids: list[int], as_of: date) -> dict:
    return {
        "contracts": contract_ids,
        "as_of": as_of,
        "paid": sorted(PAID_PLACEMENT_KINDS),
        "practice": [PlacementKind.PRAKTIK.value, PlacementKind.SNUSE_PRAKTIK.value],
        "paid_hours": HoursKind.PAID.value,
        "practice_hours": HoursKind.PRACTICE.value,
        "retention_weeks": list(RETENTION_KINDS),
        "retention_kinds": [kind.value for kind in RETENTION_KINDS.values()],
        "continuous": RetentionMode.CONTINUOUS.value,
        "job_started": OutcomeKind.JOB_STARTED.value,
        "ebitda_growth": OutcomeKind.EBITDA_GROWTH.value,
        "fixed": OutcomeKind.FIXED.value,
        "accelerator": CompanyRole.ACCELERATOR.value,
    }


def _found(contract_ids: Iterable[int], as_of: date, *, into: str = ""):
    """Run the finding over the contracts: its rows, or (`into` a temporary table) the rows
    of that table without the evidence; and an empty answer by contract to fill in."""
    ids = sorted(set(contract_ids))
    found: dict[int, dict[tuple[str, str], Found]] = {pk: {} for pk in ids}
    if not ids:
        return found, []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(FINDING_SETTINGS)
        if into:
            cursor.execute(f"DROP TABLE IF EXISTS {into}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {into} ON COMMIT DROP AS {FINDING_SQL}",
                _finding_params(ids, as_of),
            )
            cursor.execute(f"SELECT {FOUND_COLUMNS} FROM {into}")  # noqa: S608 - constants
        else:
            cursor.execute(FINDING_SQL, _finding_params(ids, as_of))
        rows = cursor.fetchall()
        cursor.execute(FINDING_RESET)
    return found, rows


def outcomes_found_by_contract(
    contract_ids: Iterable[int], as_of: date
) -> dict[int, dict[tuple[str, str], Found]]:
    """What the recorded data show on `as_of`, per contract and (kind, subject), under each
    contract's rules of that day: one query for any number of contracts and citizens."""
    found, rows = _found(contract_ids, as_of)
    for contract_id, kind, subject, citizen_id, company_id, achieved_on, evidence in rows:
        found[contract_id][kind, subject] = Found(
            kind,
            subject,
            achieved_on,
            json.loads(evidence) if isinstance(evidence, str) else evidence,
            citizen_id=citizen_id,
            company_id=company_id,
        )
    return found


def stage_outcomes_found(
    contract_ids: Iterable[int], as_of: date
) -> dict[int, dict[tuple[str, str], Found]]:
    """`outcomes_found_by_contract` for a write in the current transaction: the outcomes, with
    their evidence, go to the temporary table FOUND_TABLE (dropped at the commit), for the
    write to copy from without the evidence travelling out and back; returned without it."""
    if not connection.in_atomic_block:
        raise RuntimeError("The outcomes are staged for a write in the same transaction.")
    found, rows = _found(contract_ids, as_of, into=FOUND_TABLE)
    for contract_id, kind, subject, citizen_id, company_id, achieved_on in rows:
        found[contract_id][kind, subject] = Found(
            kind, subject, achieved_on, None, citizen_id=citizen_id, company_id=company_id
        )
    return found


def outcomes_found(contract: Contract, as_of: date) -> dict[tuple[str, str], Found]:
    """What the recorded data show on `as_of` under the contract's rules of that day."""
    return outcomes_found_by_contract([contract.pk], as_of)[contract.pk]
