"""Reads for the reporting screens and exports: scoped, aggregated in the database.

The programme indicators themselves come from reporting.indicators.compute(); everything
here is the rest of what a report shows (funnel, hours statement, camps, company status).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.db.models import (
    Count,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from accelerator.models import Camp, Company, CompanyStatus
from participants.models import (
    Benefit,
    Citizen,
    HoursGroup,
    HoursGroupMonth,
    HoursKind,
)
from participants.track.quality import counts_by_rule
from participants.track.rules import Rule
from partnerships.models import Cluster, Region
from siv import figures
from siv.permissions import has_perm, require_perm
from siv.registry import ReportedPeriod

from . import esf, indicators
from .models import (
    HEADINGS,
    CoFinancingRate,
    IndicatorTarget,
    JobStatus,
    ProjectSettings,
    ReadinessAcknowledgement,
    ReportArtifact,
    ReportJob,
    ReportKind,
    ReportNarrative,
    SubProject,
    period_label,
    project_start,
)

MONEY = Decimal("0.01")


@dataclass(frozen=True)
class ReportParams:
    """Where and when a report counts. Plain values, so they go into a job's JSON."""

    region: str = ""
    cluster: int | None = None
    municipality: str = ""
    start: date | None = None
    end: date | None = None
    # One regional sub-project (its id; the region above is its region), and the level an
    # indicator export is broken down by (indicators.LEVELS; empty: every level).
    sub_project: int | None = None
    by: str = ""

    @property
    def scope(self) -> indicators.Scope:
        return indicators.Scope(
            region=self.region, cluster=self.cluster, municipality=self.municipality
        )

    @property
    def period_end(self) -> date:
        return self.end or timezone.localdate()

    def to_json(self) -> dict:
        data = asdict(self)
        data["start"] = self.start.isoformat() if self.start else None
        data["end"] = self.end.isoformat() if self.end else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> ReportParams:
        return cls(
            region=data.get("region") or "",
            cluster=data.get("cluster"),
            municipality=data.get("municipality") or "",
            start=date.fromisoformat(data["start"]) if data.get("start") else None,
            end=date.fromisoformat(data["end"]) if data.get("end") else None,
            sub_project=data.get("sub_project"),
            by=data.get("by") or "",
        )

    def describe(self) -> str:
        region = self.region
        if self.sub_project:
            region = (
                SubProject.objects.filter(pk=self.sub_project)
                .values_list("name", flat=True)
                .first()
                or region
            )
        parts = [region, f"Klynge {self.cluster}" if self.cluster else "", self.municipality]
        return ", ".join(p for p in parts if p) or "Hele programmet"

    def period(self) -> str:
        """The period counted, as a subtitle shows it (models.period_label)."""
        return period_label(self.start or project_start(self.sub_project), self.period_end)


def half_year_start(day: date) -> date:
    """The first day of the half-year a day falls in (1 January or 1 July): the ESF reports
    are made per half-year."""
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def params_for_user(user, params: ReportParams) -> ReportParams:
    """A municipal lead sees their own municipality only, whatever was asked for."""
    require_perm(user, "reports.view")
    if not has_perm(user, "reports.programme"):
        municipality = user.municipality.name if user.municipality_id else "\u2205"
        return ReportParams(municipality=municipality, start=params.start, end=params.end)
    return params


def _region_names() -> list[str]:
    return list(Region.objects.order_by("name").values_list("name", flat=True))


def _cluster_numbers() -> list[int]:
    return list(Cluster.objects.order_by("number").values_list("number", flat=True))


# --- Indicators -------------------------------------------------------------------------------


def indicator_breakdown(params: ReportParams) -> dict:
    """The indicators in total and, for the whole programme, per region and per cluster, with
    the funnel of the scope, as the indicator screen shows them: kept until a write changes
    what they count (siv.figures).
    """
    return figures.cached(
        "reporting.indicator_breakdown", params.to_json(), lambda: _indicator_breakdown(params)
    )


def _indicator_breakdown(params: ReportParams) -> dict:
    """indicator_breakdown(), counted.

    The whole, the regions, the clusters and the funnel are counted in one pass
    (indicators.breakdown): a constant number of queries, whatever the number of citizens,
    regions or clusters.
    """
    period = {"start": params.start, "end": params.end}
    if params.region or params.cluster or params.municipality:
        counted = indicators.breakdown(scope=params.scope, **period)
        columns = [("I alt", counted.whole)]
        partner = [counted.partner_employed]
    else:
        clusters = _cluster_numbers()
        regions = _region_names()
        counted = indicators.breakdown(regions=regions, clusters=clusters, **period)
        columns = [("I alt", counted.whole)]
        columns += [(name, counted.by_region[name]) for name in regions]
        columns += [(f"Klynge {number}", counted.by_cluster[number]) for number in clusters]
        partner = [counted.partner_employed]
        partner += [counted.partner_employed_by_region[name] for name in regions]
        partner += [counted.partner_employed_by_cluster[number] for number in clusters]
    table = []
    for i, row in enumerate(columns[0][1]):
        table.append(
            {
                "code": row.code,
                "label": row.label,
                "target": row.target,
                "values": [rows[i].value for _name, rows in columns],
            }
        )
        if row.code == "P03":
            # A line of its own below P03, not one of the stable codes of the exports.
            table.append(
                {
                    "code": "",
                    "label": _("heraf hos partnervirksomheder"),
                    "target": None,
                    "values": partner,
                    "part_of": "P03",
                }
            )
    return {
        "headers": [name for name, _rows in columns],
        "rows": table,
        "funnel": funnel_steps(counted.funnel),
    }


def breakdown_levels(params: ReportParams) -> list[str]:
    """The levels an indicator export is broken down by: the one asked for, else each level
    the scope leaves open (a region's export is split by cluster and municipality; a
    municipality's not at all)."""
    if params.by:
        return [params.by]
    if params.municipality:
        return []
    fixed = {"region": bool(params.region), "cluster": params.cluster is not None}
    return [level for level in indicators.LEVELS if not fixed.get(level)]


def indicator_levels(params: ReportParams) -> indicators.Levels:
    """The indicators of the scope and of every unit of the levels it is broken down by."""
    return indicators.by_levels(
        breakdown_levels(params), scope=params.scope, start=params.start, end=params.end
    )


def unit_label(level: str, unit) -> str:
    """A unit of a level as the screens and exports name it: "Klynge 1", a region's or a
    municipality's name."""
    return f"Klynge {unit}" if level == "cluster" else str(unit)


def targets_for(*, region=None, cluster=None, municipality=None) -> dict[str, int]:
    return dict(
        IndicatorTarget.objects.filter(
            region=region, cluster=cluster, municipality=municipality
        ).values_list("code", "value")
    )


# --- Funnel, status, camps, companies ---------------------------------------------------------


FUNNEL_LABELS = {
    "P01": "Visiteret",
    "phase1": "Fase 1",
    "phase2": "Fase 2",
    "employed": "I beskæftigelse",
}


def funnel_steps(counts: dict[str, int]) -> list[dict]:
    """A breakdown's funnel as the charts show it: visited → phase 1 → phase 2 → employed,
    over distinct citizens."""
    return [{"label": label, "value": counts[step]} for step, label in FUNNEL_LABELS.items()]


def indicators_with_funnel(params: ReportParams) -> tuple[list, list[dict]]:
    """The indicator table of the scope and its funnel, counted in one pass; kept until a
    write changes what they count (siv.figures)."""

    def count() -> tuple[list, list[dict]]:
        counted = indicators.breakdown(scope=params.scope, start=params.start, end=params.end)
        return counted.whole, funnel_steps(counted.funnel)

    return figures.cached("reporting.indicators_with_funnel", params.to_json(), count)


def esf_rows(params: ReportParams) -> list[esf.EsfRow]:
    """The ESF table of the scope and period (esf.compute()); kept until a write changes
    what it counts (siv.figures)."""
    return figures.cached(
        "reporting.esf_rows",
        params.to_json(),
        lambda: esf.compute(scope=params.scope, start=params.start, end=params.end),
    )


def indicators_and_clusters(params: ReportParams) -> tuple[list, list[dict], list[dict], int]:
    """The indicator table, each cluster's figures (a report's status per cluster), the
    funnel and the figure below P03 (indicators.PARTNER_EMPLOYED), counted in one pass."""
    clusters = _cluster_numbers()
    if params.cluster:
        clusters = [number for number in clusters if number == params.cluster]
    counted = indicators.breakdown(
        scope=params.scope, start=params.start, end=params.end, clusters=clusters
    )
    by_cluster = [
        {
            "cluster": number,
            **{row.code: row.value for row in counted.by_cluster[number]},
            indicators.PARTNER_EMPLOYED: counted.partner_employed_by_cluster[number],
        }
        for number in clusters
    ]
    return counted.whole, by_cluster, funnel_steps(counted.funnel), counted.partner_employed


def camps_held(params: ReportParams):
    camps = Camp.objects.held(until=params.period_end).filter(params.scope.camps())
    if params.start:
        camps = camps.filter(date__gte=params.start)
    return camps.select_related("cluster").order_by("date", "pk").distinct()


def company_status(params: ReportParams) -> list[dict]:
    return list(
        Company.objects.enrolled()
        .filter(params.scope.companies())
        .values("enrolled_cluster__number")
        .annotate(
            active=Count("pk", filter=Q(status=CompanyStatus.ACTIVE)),
            dropped_out=Count("pk", filter=Q(status=CompanyStatus.DROPPED_OUT)),
        )
        .order_by("enrolled_cluster__number")
    )


# --- Hours statement --------------------------------------------------------------------------


@dataclass
class HoursStatement:
    rows: list[dict] = field(default_factory=list)
    by_month: list[dict] = field(default_factory=list)
    total_hours: Decimal = Decimal("0")
    eligible_hours: Decimal = Decimal("0")
    amount: Decimal = Decimal("0")


# The hours per citizen, month and kind come from two parts that never share a month: the
# months the period covers whole from the monthly roll-up (participants.HoursMonth) and,
# for the groups, its groups (participants.HoursGroup) or their sums per month and
# municipality (participants.HoursGroupMonth); the weeks of a month it cuts from the weekly
# rows. Each row carries the citizen's month total across kinds: the cap is per citizen and
# month, and each kind keeps its share of a month over the cap of the rate dated for it (a
# month with no dated rate has no eligible hours). The share above the cap is taken off for
# the few citizen-months over it (over_cap, read apart through the index on the month
# totals, so that the million rows are summed, not valued one by one).
# The rate is one per month, so sums are valued once per group, not once per row.
_CUT = """
cut AS (
    SELECT citizen_id, month, kind, hours,
           SUM(hours) OVER (PARTITION BY citizen_id, month) AS month_total
    FROM (
        SELECT h.citizen_id, CAST(date_trunc('month', h.week_start) AS date) AS month, h.kind,
               SUM(h.hours) AS hours
        FROM participants_hoursentry h
        WHERE ({weeks}) AND {week_citizens}
        GROUP BY 1, 2, 3
    ) weeks
), whole AS NOT MATERIALIZED (
    SELECT k.citizen_id, k.month, k.kind, k.hours, k.month_total
    FROM participants_hoursmonth k
    WHERE k.month >= %s AND k.month < %s AND {month_citizens}
), whole_groups AS NOT MATERIALIZED (
    SELECT g.month, g.municipality_id, g.benefit, g.kind, SUM(g.hours) AS hours,
           SUM(g.citizens) AS citizens
    FROM participants_hoursgroup g
    WHERE g.month >= %s AND g.month < %s AND {groups}
    GROUP BY g.month, g.municipality_id, g.benefit, g.kind
    HAVING SUM(g.citizens) > 0
), dated AS (
    SELECT valid_from, LEAD(valid_from) OVER (ORDER BY valid_from) AS until,
           monthly_cap_hours AS cap, hourly_rate AS rate
    FROM reporting_cofinancingrate
), over_cap AS NOT MATERIALIZED (
    SELECT k.month, k.citizen_id, k.kind, k.hours - k.hours * d.cap / k.month_total AS over
    FROM whole k
    JOIN dated d ON d.valid_from <= k.month AND (d.until IS NULL OR k.month < d.until)
    WHERE k.month_total > d.cap
      AND k.month_total > %s
), cut_groups AS NOT MATERIALIZED (
    SELECT k.month, c.municipality_id, c.benefit, k.kind, SUM(k.hours) AS hours,
           COUNT(*) AS citizens,
           SUM(CASE WHEN k.month_total <= d.cap THEN k.hours
                    ELSE k.hours * d.cap / k.month_total END) AS capped
    FROM cut k
    JOIN participants_citizen c ON c.id = k.citizen_id
    LEFT JOIN dated d ON d.valid_from <= k.month AND (d.until IS NULL OR k.month < d.until)
    GROUP BY k.month, c.municipality_id, c.benefit, k.kind
)"""

# The statement's groups, (month, municipality, benefit, kind, hours, eligible, amount,
# citizens), where citizens counts the citizen-months of the group's kind. The whole months'
# groups are summed by the database as the hours are written (participants.HoursGroup, a
# group's rows of changes summed here), less their share above the cap; the cut months' few
# rows are valued as they are. The two never share a month.
# The query answers %s groups after the first %s in the statement's order (part 0; the
# database keeps the page's rows while it reads, it does not sort them all) and each
# month's sums and number of groups, from all of them (part 1).
_GROUPS = """
WITH {cut}, over AS (
    SELECT o.month, c.municipality_id, c.benefit, o.kind, SUM(o.over) AS over
    FROM over_cap o
    JOIN participants_citizen c ON c.id = o.citizen_id
    GROUP BY o.month, c.municipality_id, c.benefit, o.kind
), parts AS (
    SELECT w.month, w.municipality_id, w.benefit, w.kind, w.hours, w.citizens,
           w.hours - COALESCE(o.over, 0) AS capped
    FROM whole_groups w
    LEFT JOIN over o ON o.month = w.month AND o.municipality_id = w.municipality_id
         AND o.benefit = w.benefit AND o.kind = w.kind
    UNION ALL
    SELECT month, municipality_id, benefit, kind, hours, citizens, capped FROM cut_groups
), grouped AS (
    SELECT p.month, mu.name AS municipality, p.benefit, p.kind, p.hours,
           CASE WHEN d.rate IS NULL THEN 0 ELSE p.capped END AS eligible,
           CASE WHEN d.rate IS NULL THEN 0 ELSE p.capped * d.rate END AS amount,
           p.citizens
    FROM parts p
    JOIN partnerships_municipality mu ON mu.id = p.municipality_id
    LEFT JOIN dated d ON d.valid_from <= p.month AND (d.until IS NULL OR p.month < d.until)
), page AS (
    SELECT * FROM grouped ORDER BY month, municipality, benefit, kind LIMIT %s OFFSET %s
)
SELECT 0 AS part, month, municipality, benefit, kind, hours, eligible, amount, citizens
FROM page
UNION ALL
SELECT 1, month, NULL, NULL, NULL, SUM(hours), SUM(eligible), SUM(amount), COUNT(*)
FROM grouped GROUP BY month
ORDER BY 1, 2, 3, 4, 5
"""

# Each month's (month, hours, eligible, amount, number of groups), the same sums as the
# groups' part 1 above without grouping the whole months' groups: their hours and number
# come from the sums per month and municipality the fold keeps (HoursGroupMonth), except
# for a month of a municipality with rows of changes not yet folded, whose groups are summed
# here; their share above the cap is summed per month (a sum of the groups' eligible hours
# is the sum of their hours less the sum of their shares above the cap). A few thousand
# rows at national scale, for a statement of every month.
_MONTHS = """
WITH {cut}, changed AS (
    SELECT DISTINCT g.month, g.municipality_id FROM participants_hoursgroup g
    WHERE NOT g.folded AND g.month >= %s AND g.month < %s AND {groups}
), summed AS (
    SELECT s.month, s.groups, s.hours
    FROM participants_hoursgroupmonth s
    WHERE s.month >= %s AND s.month < %s AND {summed}
      AND NOT EXISTS (SELECT FROM changed c
                      WHERE c.month = s.month AND c.municipality_id = s.municipality_id)
    UNION ALL
    SELECT g.month, 1, SUM(g.hours)
    FROM participants_hoursgroup g
    JOIN changed c ON c.month = g.month AND c.municipality_id = g.municipality_id
    WHERE {groups}
    GROUP BY g.month, g.municipality_id, g.benefit, g.kind
    HAVING SUM(g.citizens) > 0
), over AS (
    SELECT month, SUM(over) AS over FROM over_cap GROUP BY month
), months AS (
    SELECT s.month, SUM(s.hours) AS hours, SUM(s.hours) - COALESCE(MIN(o.over), 0) AS capped,
           SUM(s.groups) AS groups
    FROM summed s LEFT JOIN over o ON o.month = s.month
    GROUP BY s.month
    UNION ALL
    SELECT month, SUM(hours), SUM(capped), COUNT(*) FROM cut_groups GROUP BY month
)
SELECT m.month, m.hours,
       CASE WHEN d.rate IS NULL THEN 0 ELSE m.capped END,
       CASE WHEN d.rate IS NULL THEN 0 ELSE m.capped * d.rate END,
       m.groups
FROM months m
LEFT JOIN dated d ON d.valid_from <= m.month AND (d.until IS NULL OR m.month < d.until)
ORDER BY m.month
"""


def _whole_months(start: date, end: date) -> tuple[date, date]:
    """The first day of the first month inside [start, end], and of the month after the last
    (the same day twice when no month lies wholly inside)."""
    first = start if start.day == 1 else start.replace(day=1) + relativedelta(months=1)
    after_last = (end + timedelta(days=1)).replace(day=1)
    return first, max(first, after_last)


def _hours_statement_rows(params: ReportParams, sql: str, extra: tuple = ()) -> list[tuple]:
    """The rows of one of the statement's queries (_GROUPS with `extra` (limit, offset), or
    _MONTHS) for the params' period and scope."""
    scope = params.scope.citizens()
    month_citizens, week_citizens, scope_params = "TRUE", "TRUE", []
    groups, group_params, summed, summed_params = "TRUE", [], "TRUE", []
    if scope:  # the whole programme needs no filter on the millions of hour rows
        subquery, scope_params = Citizen.objects.filter(scope).values("pk").query.sql_with_params()
        month_citizens = f"k.citizen_id IN ({subquery})"
        week_citizens = f"h.citizen_id IN ({subquery})"
        # A group has the municipality and cluster the scope names its citizens by.
        subquery, group_params = (
            HoursGroup.objects.filter(scope).values("pk").query.sql_with_params()
        )
        groups = f"g.id IN ({subquery})"
        if params.scope.cluster is None:  # the sums per municipality have no cluster
            subquery, summed_params = (
                HoursGroupMonth.objects.filter(scope).values("pk").query.sql_with_params()
            )
            summed = f"s.id IN ({subquery})"
    start, end = params.start or date(1, 1, 1), params.period_end
    whole_from, whole_until = _whole_months(start, end)
    # The weeks before the first whole month (up to the period's own end, when shorter) and
    # after the last one; a part with no days is left out (the planner would guess rows).
    cut_weeks = [
        (since, until)
        for since, until in (
            (start, min(whole_from, end + timedelta(days=1))),
            (whole_until, end + timedelta(days=1)),
        )
        if since < until
    ]
    weeks = " OR ".join(["(h.week_start >= %s AND h.week_start < %s)"] * len(cut_weeks))
    cut = _CUT.format(
        weeks=weeks or "FALSE",
        month_citizens=month_citizens,
        week_citizens=week_citizens,
        groups=groups,
    )
    query = sql.format(cut=cut, groups=groups, summed=summed)
    # The lowest cap as a value, not a subquery, so that the planner reads the few month
    # totals above it through their index (no rate: no month is over a cap).
    lowest_cap = CoFinancingRate.objects.aggregate(cap=Min("monthly_cap_hours"))["cap"]
    if sql is _MONTHS:  # the parameters of its own parts
        extra = (
            *(whole_from, whole_until, *group_params),
            *(whole_from, whole_until, *summed_params),
            *group_params,
        )
    with transaction.atomic(), connection.cursor() as cursor:
        # A million citizen-months at national scale: group in memory, not on disk.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(
            query,
            [
                *(day for weeks in cut_weeks for day in weeks),
                *scope_params,
                *(whole_from, whole_until, *scope_params),
                *(whole_from, whole_until, *group_params),
                lowest_cap,
                *extra,
            ],
        )
        return cursor.fetchall()


def _hours(value: Decimal) -> Decimal:
    """A sum of hours or of money, to whole hundredths."""
    return value.quantize(MONEY, ROUND_HALF_UP)


# Past the number of groups any statement has: the upper bound of "every group".
EVERY_GROUP = 2**62


def hours_statement(params: ReportParams, *, by_month_only: bool = False) -> HoursStatement:
    """Hours per month by kind, municipality and benefit type, valued at the dated rate.

    A week's hours belong to the month of its Monday. The monthly cap applies per citizen
    across all kinds: each kind keeps its share of the capped month (one citizen, one cap).
    With `by_month_only` the database sums the months alone (what a report's chart and table
    show), with the same figures and no rows per group.
    """
    if by_month_only:
        return _with_months(HoursStatement(), [row[:4] for row in _statement_months(params)])
    return _numbered_groups(params, 0, EVERY_GROUP)[0]


def _statement_months(params: ReportParams) -> list[tuple]:
    """Each month's (month, hours, eligible, amount, number of groups) of the statement, in
    the months' order."""
    if params.scope.cluster is not None:
        # The sums per month and municipality have no cluster: a cluster's groups, a part of
        # the programme's, are summed one by one.
        rows = _hours_statement_rows(params, _GROUPS, (0, 0))
        return [(row[1], *row[5:9]) for row in rows if row[0] == 1]
    return _hours_statement_rows(params, _MONTHS)


def _with_months(statement: HoursStatement, months) -> HoursStatement:
    """The statement's months and totals from each month's (month, hours, eligible, amount)
    exact sums: totals are rounded once, from the exact sums, so they never drift by an øre."""
    for month, hours, eligible, amount in months:
        hours, eligible, amount = _hours(hours), Decimal(eligible), Decimal(amount)
        statement.total_hours += hours
        statement.eligible_hours += eligible
        statement.amount += amount
        statement.by_month.append(
            {
                "month": month,
                "hours": hours,
                "amount": amount.quantize(MONEY, ROUND_HALF_UP),
            }
        )
    statement.eligible_hours = statement.eligible_hours.quantize(MONEY, ROUND_HALF_UP)
    statement.amount = statement.amount.quantize(MONEY, ROUND_HALF_UP)
    return statement


def _groups(rows: list[tuple]) -> list[dict]:
    """The groups of the statement (month, municipality, benefit type, kind) among a
    _GROUPS query's rows (part 0) as they are shown; each label is translated once, not
    once per group (an export has a hundred thousand)."""
    benefits = {code: str(label) for code, label in Benefit.choices}
    kinds = {code: str(label) for code, label in HoursKind.choices}
    return [
        {
            "month": month,
            "municipality": municipality,
            "benefit": benefits[benefit],
            "kind": kinds[kind],
            "kind_code": kind,
            "citizens": citizens,
            "hours": _hours(hours),
            "eligible": _hours(eligible),
            "amount": _hours(amount),
        }
        for part, month, municipality, benefit, kind, hours, eligible, amount, citizens in rows
        if part == 0
    ]


@dataclass
class HoursPage:
    """A page of the hours statement's groups, with the whole statement's months and totals
    (`statement.rows` holds the page's groups only) and the number of groups."""

    statement: HoursStatement
    count: int
    number: int


def hours_statement_page(params: ReportParams, number: int, per_page: int) -> HoursPage:
    """The statement's page `number` (the last page when the number is past it), its months
    and totals summed by the database: what the hours screen shows, whatever the period."""
    months = _statement_months(params)
    count = sum(row[4] for row in months)
    number = min(max(number, 1), max(1, -(-count // per_page)))
    rows = _page_groups(params, months, (number - 1) * per_page, per_page)
    statement = _with_months(HoursStatement(rows=rows), [row[:4] for row in months])
    return HoursPage(statement=statement, count=count, number=number)


def _page_groups(params: ReportParams, months: list[tuple], first: int, size: int) -> list[dict]:
    """The groups numbered first + 1 to first + size in the statement's order, read from the
    months that hold them alone (the months come first in the order, and each month's groups
    depend on the part of the period in that month only)."""
    held, before, offset = [], 0, 0
    for month, *_sums, groups in months:
        if before < first + size and before + groups > first:
            if not held:
                offset = first - before
            held.append(month)
        before += groups
    if not held:
        return []
    end_of_last = held[-1] + relativedelta(months=1) - timedelta(days=1)
    period = replace(
        params,
        start=max(params.start or held[0], held[0]),
        end=min(params.period_end, end_of_last),
    )
    rows = _hours_statement_rows(period, _GROUPS, (size, offset))
    return _groups(rows)


def _numbered_groups(params: ReportParams, first: int, last: int) -> tuple[HoursStatement, int]:
    """The statement holding the groups numbered first + 1 to last in its order, with the
    months and totals of all of them; and the number of groups."""
    rows = _hours_statement_rows(params, _GROUPS, (last - first, first))
    statement = HoursStatement(rows=_groups(rows))
    months = [(row[1], *row[5:8]) for row in rows if row[0] == 1]
    return _with_months(statement, months), sum(row[8] for row in rows if row[0] == 1)


# --- Narrative, settings, jobs ----------------------------------------------------------------


def project_settings() -> ProjectSettings | None:
    return ProjectSettings.objects.order_by("pk").first()


def report_identity(sub_project_id: int | None) -> SubProject | ProjectSettings | None:
    """Whose name, journal number and project period a report carries: the sub-project's
    own, else the programme's."""
    if sub_project_id is None:
        return project_settings()
    return SubProject.objects.filter(pk=sub_project_id).first()


def sub_projects():
    return SubProject.objects.select_related("region").prefetch_related("partners")


def narrative_texts(
    *, kind: str, start: date, end: date, sub_project: SubProject | int | None = None
) -> list[dict]:
    """The text under every heading for the programme or one sub-project: this period's,
    else the latest earlier period's (the starting point of a new period)."""
    headings = HEADINGS[ReportKind(kind)]
    texts = ReportNarrative.objects.filter(kind=kind, sub_project=sub_project)
    current = {n.heading: n.text for n in texts.filter(period_start=start, period_end=end)}
    earlier = {}
    for n in texts.filter(period_end__lt=end).order_by("period_end", "period_start"):
        earlier[n.heading] = n.text
    return [
        {
            "number": i,
            "title": title,
            "text": current.get(i, earlier.get(i, "")),
            "carried_over": i not in current and i in earlier,
        }
        for i, title in enumerate(headings, start=1)
    ]


def report_bytes_stored(user) -> int:
    """How much the report files the user ordered fill in the store."""
    stored = ReportArtifact.objects.filter(job__created_by=user).aggregate(total=Sum("size"))
    return stored["total"] or 0


def narrative_periods(*, kind: str, sub_project: SubProject | None) -> list[dict]:
    """The periods with saved texts of a report, the latest first."""
    return list(
        ReportNarrative.objects.filter(kind=kind, sub_project=sub_project)
        .values("period_start", "period_end")
        .distinct()
        .order_by("-period_end", "-period_start")
    )


@dataclass(frozen=True)
class Readiness:
    """What the readiness check finds before a report is ordered: the headings without a
    text, the open data-quality findings per rule (rule, label, number) in the report's
    scope, and the acknowledgement covering them, if any."""

    empty_sections: list[str]
    findings: list[tuple[str, str, int]]
    acknowledgement: ReadinessAcknowledgement | None

    @property
    def finding_counts(self) -> dict[str, int]:
        return {rule: n for rule, _label, n in self.findings}

    @property
    def open_findings(self) -> int:
        return sum(n for _rule, _label, n in self.findings)

    @property
    def acknowledged(self) -> bool:
        """No finding is open, or each rule has no more findings than were acknowledged."""
        if not self.open_findings:
            return True
        if self.acknowledgement is None:
            return False
        seen = self.acknowledgement.findings
        return all(n <= seen.get(rule, 0) for rule, n in self.finding_counts.items())


def readiness(
    *, user, kind: str, start: date, end: date, sub_project: SubProject | None, texts: dict
) -> Readiness:
    """The readiness check of a report for a period: empty sections among `texts` (heading
    number to text) and the data-quality findings of the citizens the report counts."""
    headings = HEADINGS[ReportKind(kind)]
    empty = [
        f"{number}. {title}"
        for number, title in enumerate(headings, start=1)
        if not (texts.get(number) or "").strip()
    ]
    citizens = Citizen.objects.for_user(user)
    if sub_project is not None:
        citizens = citizens.filter(municipality__region_id=sub_project.region_id)
    counts = counts_by_rule(citizens, timezone.localdate())
    findings = [(rule, Rule(rule).label, n) for rule, n in counts.items() if n]
    acknowledgement = (
        ReadinessAcknowledgement.objects.filter(
            kind=kind, sub_project=sub_project, period_start=start, period_end=end
        )
        .select_related("acknowledged_by")
        .first()
    )
    return Readiness(empty, findings, acknowledgement)


def jobs_for(user):
    """The user's jobs, each with the start of the project it counted in (the programme's,
    or its sub-project's), for the period it shows when it was ordered without a start."""
    sub_project = SubProject.objects.filter(pk=OuterRef("sub_project_id"))
    return (
        ReportJob.objects.for_user(user)
        .select_related("created_by", "artifact")
        .annotate(sub_project_id=Cast(KeyTextTransform("sub_project", "params"), IntegerField()))
        .annotate(
            programme_start=Subquery(
                ProjectSettings.objects.order_by("pk").values("project_start")[:1]
            ),
            sub_project_start=Subquery(sub_project.values("project_start")[:1]),
            sub_project_name=Subquery(sub_project.values("name")[:1]),
        )
    )


# --- Reports a correction touches -------------------------------------------------------------


def reported_periods(citizen, days) -> list[ReportedPeriod]:
    """The progress statements and final reports made (finished jobs) for a period containing
    one of the days, in a scope that counts the citizen: what a correction of a fact dated on
    those days changes after it was reported. A job without an end counted up to the day it
    was ordered; one without a start from the beginning. One per report and period, the first
    made."""
    region = citizen.municipality.region.name
    cluster = citizen.cluster.number if citizen.cluster_id else None
    municipality = citizen.municipality.name
    jobs = ReportJob.objects.filter(
        kind__in=(ReportKind.PROGRESS, ReportKind.FINAL), status=JobStatus.DONE
    ).order_by("created_at", "pk")
    found: dict[tuple, ReportedPeriod] = {}
    for job in jobs:
        params = ReportParams.from_json(job.params)
        in_scope = (
            params.region in ("", region)
            and (params.cluster is None or str(params.cluster) == str(cluster))
            and params.municipality in ("", municipality)
        )
        end = params.end or timezone.localdate(job.created_at)
        if not in_scope or not any(
            (params.start is None or params.start <= day) and day <= end for day in days
        ):
            continue
        key = (job.kind, params.start, end)
        found.setdefault(
            key,
            ReportedPeriod(str(ReportKind(job.kind).label), params.start, end, job.created_at),
        )
    return list(found.values())
