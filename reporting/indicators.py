"""THE indicator computation (DOMAIN.md "Programme indicators").

The command, the screen, the exports and the API all call `compute()`. It counts distinct
citizens in the database, in a constant number of queries (one for citizens, one for
companies, one for camps, one for targets), whatever the number of citizens. The queries are
set-based (joins and anti-joins, no lookup per citizen), so their cost grows with the rows
and stays close to a hand-written aggregate (`make bench` compares the two).

Period rules: P01 counts citizens whose accepted visitation is dated up to the period end
(from its start, if given). Every status is the status as of the period end: an exit dated
after it counts as still active. Without a period, the end is today.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import (
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least
from django.utils import timezone

from accelerator.models import Camp, Company, CompanyRole, CompanyStatus
from participants.models import (
    EMPLOYED_STATUSES,
    PHASE_DAYS,
    Citizen,
    ExitForm,
    ExitStatus,
    FollowUp,
    FollowUpKind,
    NotAvailableReason,
    Pause,
)
from partnerships.models import ClusterMembership

from .models import IndicatorCode, IndicatorTarget

ONE_DAY = timedelta(days=1)

# Of P03: the citizens who left into a job at one of the programme's partner (accelerator)
# companies. Shown below P03 on the screens; not one of the stable codes of the exports.
PARTNER_EMPLOYED = "P03_partner"


@dataclass(frozen=True)
class Scope:
    """Where to count: at most one of region/cluster/municipality is usual (all may be set)."""

    region: str = ""
    cluster: int | None = None
    municipality: str = ""

    def citizens(self) -> Q:
        q = Q()
        if self.region:
            q &= Q(municipality__region__name=self.region)
        if self.cluster is not None:
            q &= Q(cluster__number=self.cluster)
        if self.municipality:
            q &= Q(municipality__name=self.municipality)
        return q

    def companies(self) -> Q:
        q = Q()
        if self.region:
            q &= Q(municipality__region__name=self.region)
        if self.cluster is not None:
            q &= Q(enrolled_cluster__number=self.cluster)
        if self.municipality:
            q &= Q(municipality__name=self.municipality)
        return q

    def camps(self) -> Q:
        q = Q()
        if self.region:
            q &= Q(cluster__memberships__municipality__region__name=self.region)
        if self.cluster is not None:
            q &= Q(cluster__number=self.cluster)
        if self.municipality:
            q &= Q(cluster__memberships__municipality__name=self.municipality)
        return q

    def targets(self) -> Q:
        """The targets set for the most specific scope given (or the programme total)."""
        if self.municipality:
            return Q(municipality__name=self.municipality)
        if self.cluster is not None:
            return Q(cluster__number=self.cluster)
        if self.region:
            return Q(region__name=self.region)
        return Q(region__isnull=True, cluster__isnull=True, municipality__isnull=True)


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    label: str
    value: int
    target: int | None


@dataclass(frozen=True)
class Grouping:
    """Figures split by region or cluster in one pass: each table's path to the group's key."""

    citizen: str
    company: str
    camp: str
    target: str


BY_REGION = Grouping(
    citizen="municipality__region__name",
    company="municipality__region__name",
    camp="cluster__memberships__municipality__region__name",
    target="region__name",
)
BY_CLUSTER = Grouping(
    citizen="cluster__number",
    company="enrolled_cluster__number",
    camp="cluster__number",
    target="cluster__number",
)
BY_MUNICIPALITY = Grouping(
    citizen="municipality__name",
    company="municipality__name",
    camp="cluster__memberships__municipality__name",
    target="municipality__name",
)
# The levels an indicator table is broken down by, coarsest first, each with the path from
# a cluster membership (a municipality taking part) to its unit.
LEVELS: dict[str, tuple[Grouping, str]] = {
    "region": (BY_REGION, "municipality__region__name"),
    "cluster": (BY_CLUSTER, "cluster__number"),
    "municipality": (BY_MUNICIPALITY, "municipality__name"),
}


Key = str | tuple[str, ...] | None


def _counts(queryset, key: Key, **aggregates) -> dict:
    """aggregate() over the whole queryset (under the key None), or one result per group: per
    value of one path, or per combination of values of several (a tuple of paths)."""
    if key is None:
        return {None: queryset.aggregate(**aggregates)}
    if isinstance(key, tuple):
        rows = queryset.order_by().values(*key).annotate(**aggregates)
        return {tuple(row.pop(path) for path in key): row for row in rows}
    return {row.pop(key): row for row in queryset.order_by().values(key).annotate(**aggregates)}


def _fold(part: dict, position: int | None) -> dict:
    """Figures counted per (region, cluster) pair summed per region (position 0), per cluster
    (1) or for the whole (None)."""
    folded: dict = {}
    for pair, figures in part.items():
        group = folded.setdefault(None if position is None else pair[position], {})
        for code, n in figures.items():
            group[code] = group.get(code, 0) + n
    return folded


def _days(expression) -> ExpressionWrapper:
    return ExpressionWrapper(expression, output_field=DurationField())


def citizen_counts(
    scope: Scope,
    start: date | None,
    end: date,
    key: Key = None,
    *,
    funnel: bool = False,
    partner: bool = True,
) -> dict[object, dict[str, int]]:
    """P01–P08 in one query over the visited citizens, each joined to the exit that counts as
    of the end (Citizen.with_exit_as_of: at most one, null while the citizen is active); per
    value of `key` (a path from the citizen), or for the whole scope under None.

    P02–P06a and P08 count the citizens with such an exit, and P07 is the rest of P01.
    PARTNER_EMPLOYED counts those of P03 whose exit names a partner company as employer
    (left out with partner=False: the join to the employer is then not made).
    """
    gone = "gone"
    visited = (
        Citizen.objects.filter(scope.citizens())
        .visited(start=start, end=end)
        .with_exit_as_of(end, gone)
    )
    exit_date = F(f"{gone}__exit_date")
    status = f"{gone}__status"
    phase1_days = _days(exit_date - F("phase1_start"))
    full_phase1 = Value(timedelta(days=PHASE_DAYS))
    # Pause days are summed only where they can decide: for a citizen who has left, whose
    # phase 1 is long enough without them (the database stops at the first false condition).
    phase1_complete = Q(phase2_start__lte=exit_date) | Q(
        **{f"{gone}__pk__isnull": False},
        phase1_start__isnull=False,
        phase1_days__gte=full_phase1,
        phase1_days_net__gte=full_phase1,
    )
    early_success = Q(**{f"{status}__in": [*EMPLOYED_STATUSES, ExitStatus.EDUCATION]})
    # The exits followed up as employed after two years: one set, looked up by hash (not
    # one subquery per exit row).
    employed_2y = FollowUp.objects.filter(
        kind=FollowUpKind.TWO_YEARS,
        followed_up_on__lte=end,
        status__in=EMPLOYED_STATUSES,
    )
    citizens = visited.annotate(
        phase1_days=phase1_days,
        phase1_days_net=_days(
            F("phase1_days")
            - Coalesce(Subquery(_pause_days_in_phase1(f"{gone}__exit_date")), Value(timedelta(0)))
        ),
    )
    left = f"{gone}__pk"
    figures = {
        "P01": Count("pk"),
        **(_funnel_figures(end) if funnel else {}),
        "left": Count(left),
        "P02": Count(left, filter=early_success | phase1_complete),
        "P03": Count(left, filter=Q(**{f"{status}__in": EMPLOYED_STATUSES})),
        "P04": Count(left, filter=Q(**{status: ExitStatus.EDUCATION})),
        "P05": Count(left, filter=Q(**{status: ExitStatus.UNEMPLOYED})),
        "P06": Count(left, filter=Q(**{status: ExitStatus.NOT_AVAILABLE})),
        "P06a": Count(
            left,
            filter=Q(
                **{
                    status: ExitStatus.NOT_AVAILABLE,
                    f"{gone}__not_available_reason": NotAvailableReason.DECEASED,
                }
            ),
        ),
        "P08": Count(left, filter=Q(**{f"{left}__in": employed_2y.values("exit_id")})),
    }
    if partner:
        figures[PARTNER_EMPLOYED] = Count(
            left,
            filter=Q(
                **{
                    f"{status}__in": EMPLOYED_STATUSES,
                    f"{gone}__employer_company__role": CompanyRole.ACCELERATOR,
                }
            ),
        )
    result = {}
    for group, counts in _counts(citizens, key, **figures).items():
        counts["P07"] = counts["P01"] - counts.pop("left")
        result[group] = counts
    return result


# The report's funnel over the citizens P01 counts: visited → phase 1 → phase 2 → employed.
FUNNEL_STEPS = ("P01", "phase1", "phase2", "employed")


def _funnel_figures(end: date) -> dict:
    # The citizens who left for a job: one set, looked up by hash (not a subquery per row).
    employed_exit = ExitForm.objects.filter(exit_date__lte=end, status__in=EMPLOYED_STATUSES)
    return {
        "phase1": Count("pk", filter=Q(phase1_start__lte=end)),
        "phase2": Count("pk", filter=Q(phase2_start__lte=end)),
        "employed": Count(
            "pk",
            filter=Q(phase3_start__lte=end) | Q(pk__in=employed_exit.values("citizen_id")),
        ),
    }


def _pause_days_in_phase1(exit_path: str):
    """Sum of the pause days inside [phase 1 start, exit) of the outer citizen, whose exit's
    date is at `exit_path`."""
    p1 = OuterRef("phase1_start")
    exit_date = OuterRef(exit_path)
    pause_end_excl = Cast(
        ExpressionWrapper(F("end") + Value(ONE_DAY), output_field=DateField()),
        output_field=DateField(),
    )
    overlap = _days(
        Least(Coalesce(pause_end_excl, exit_date), exit_date) - Greatest(F("start"), p1)
    )
    return (
        Pause.objects.filter(citizen=OuterRef("pk"), start__lt=exit_date)
        .filter(Q(end__isnull=True) | Q(end__gte=p1))
        .order_by()
        .values("citizen")
        .annotate(total=Sum(overlap))
        .values("total")
    )


def company_counts(
    scope: Scope, start: date | None, end: date, key: Key = None
) -> dict[object, dict[str, int]]:
    companies = (
        Company.objects.enrolled()
        .filter(scope.companies())
        .filter(Q(entry_year__isnull=True) | Q(entry_year__lte=end.year))
        .with_growth()
    )
    return _counts(
        companies,
        key,
        C01=Count("pk"),
        C02=Count("pk", filter=Q(has_growth=True, entry_year__lte=end.year - 2)),
        C03=Count("pk", filter=Q(status=CompanyStatus.DROPPED_OUT, dropped_out_on__lte=end)),
    )


def camp_counts(
    scope: Scope, start: date | None, end: date, key: str | None = None
) -> dict[object, dict[str, int]]:
    camps = Camp.objects.held(until=end).filter(scope.camps())
    if start is not None:
        camps = camps.filter(date__gte=start)
    # A camp is counted once per group, however many of the group's municipalities it joins.
    return _counts(camps, key, C04=Count("pk", distinct=True))


def _rows(values: dict[str, int], targets: dict[str, int]) -> list[IndicatorRow]:
    return [
        IndicatorRow(
            code=c.value,
            label=str(c.label),
            value=values.get(c.value, 0),
            target=targets.get(c.value),
        )
        for c in IndicatorCode
    ]


def compute(
    *,
    scope: Scope | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[IndicatorRow]:
    """The indicator table, one row per code in DOMAIN.md order."""
    scope = scope or Scope()
    end = end or timezone.localdate()
    values = {
        **citizen_counts(scope, start, end, partner=False)[None],
        **company_counts(scope, start, end)[None],
        **camp_counts(scope, start, end)[None],
    }
    targets = dict(IndicatorTarget.objects.filter(scope.targets()).values_list("code", "value"))
    return _rows(values, targets)


def partner_employed(
    *, scope: Scope | None = None, start: date | None = None, end: date | None = None
) -> int:
    """PARTNER_EMPLOYED for a scope and period: the citizens of P03 who left into a job at a
    partner company."""
    scope = scope or Scope()
    end = end or timezone.localdate()
    return citizen_counts(scope, start, end)[None][PARTNER_EMPLOYED]


def _grouped_parts(grouping: Grouping, scope: Scope, start, end) -> list[dict]:
    return [
        citizen_counts(scope, start, end, grouping.citizen),
        company_counts(scope, start, end, grouping.company),
        camp_counts(scope, start, end, grouping.camp),
    ]


def _rows_by_key(grouping: Grouping, keys: list, parts: list[dict]) -> dict:
    targets: dict[object, dict[str, int]] = {}
    for key, code, value in IndicatorTarget.objects.filter(
        **{f"{grouping.target}__in": keys}
    ).values_list(grouping.target, "code", "value"):
        targets.setdefault(key, {})[code] = value
    return {
        key: _rows(
            {code: n for part in parts for code, n in part.get(key, {}).items()},
            targets.get(key, {}),
        )
        for key in keys
    }


def compute_by(
    grouping: Grouping,
    keys: list,
    *,
    scope: Scope | None = None,
    start: date | None = None,
    end: date | None = None,
) -> dict[object, list[IndicatorRow]]:
    """The indicator table for each key (region name or cluster number), counted in one pass
    per table rather than once per key: the same figures compute() gives for each one."""
    scope = scope or Scope()
    end = end or timezone.localdate()
    return _rows_by_key(grouping, keys, _grouped_parts(grouping, scope, start, end))


@dataclass(frozen=True)
class Breakdown:
    """The indicator table of a scope, the tables of the regions and clusters asked for, and
    the funnel of the scope (FUNNEL_STEPS: how many citizens reached each step)."""

    whole: list[IndicatorRow]
    by_region: dict[object, list[IndicatorRow]]
    by_cluster: dict[object, list[IndicatorRow]]
    funnel: dict[str, int]
    # PARTNER_EMPLOYED (of P03) for the whole, per region and per cluster.
    partner_employed: int = 0
    partner_employed_by_region: dict[object, int] = field(default_factory=dict)
    partner_employed_by_cluster: dict[object, int] = field(default_factory=dict)


def breakdown(
    *,
    scope: Scope | None = None,
    start: date | None = None,
    end: date | None = None,
    regions: list | None = None,
    clusters: list | None = None,
) -> Breakdown:
    """compute(), compute_by(BY_REGION, regions) and compute_by(BY_CLUSTER, clusters) and the
    funnel, from one pass over the citizens and one over the companies.

    A citizen or a company has one municipality (so one region) and at most one cluster, so
    each is counted once in its (region, cluster) group and the groups are summed each way
    asked for. A camp belongs to one cluster but may join municipalities of several regions
    (it counts once in each), so camps are counted for the whole and per grouping.
    """
    scope = scope or Scope()
    end = end or timezone.localdate()
    groupings = [
        grouping
        for grouping, keys in ((BY_REGION, regions), (BY_CLUSTER, clusters))
        if keys is not None
    ]

    def key(path: str) -> Key:
        return tuple(getattr(g, path) for g in groupings) or None

    people = citizen_counts(scope, start, end, key("citizen"), funnel=True)
    firms = company_counts(scope, start, end, key("company"))
    whole = {
        **_fold(people, None).get(None, {}),
        **_fold(firms, None).get(None, {}),
        **camp_counts(scope, start, end)[None],
    }
    split = {}
    partner_split = {}
    for position, grouping in enumerate(groupings):
        by_group = _fold(people, position)
        parts = [
            by_group,
            _fold(firms, position),
            camp_counts(scope, start, end, grouping.camp),
        ]
        keys = regions if grouping is BY_REGION else clusters
        split[grouping] = _rows_by_key(grouping, keys, parts)
        partner_split[grouping] = {k: by_group.get(k, {}).get(PARTNER_EMPLOYED, 0) for k in keys}
    targets = dict(IndicatorTarget.objects.filter(scope.targets()).values_list("code", "value"))
    return Breakdown(
        whole=_rows(whole, targets),
        by_region=split.get(BY_REGION, {}),
        by_cluster=split.get(BY_CLUSTER, {}),
        funnel={step: whole.get(step, 0) for step in FUNNEL_STEPS},
        partner_employed=whole.get(PARTNER_EMPLOYED, 0),
        partner_employed_by_region=partner_split.get(BY_REGION, {}),
        partner_employed_by_cluster=partner_split.get(BY_CLUSTER, {}),
    )


@dataclass(frozen=True)
class Levels:
    """The indicator table of a scope and, per level asked for (LEVELS), the table of each
    unit of that level: the units taking part (cluster memberships) and any other unit that
    has citizens or companies in the scope, in name or number order."""

    whole: list[IndicatorRow]
    by_level: dict[str, dict[object, list[IndicatorRow]]]


def _sorted_units(keys) -> list:
    return sorted(key for key in keys if key is not None)


def by_levels(
    levels: list[str],
    *,
    scope: Scope | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Levels:
    """The whole and each level's units, in a constant number of queries whatever the number
    of units: one pass over the citizens and one over the companies, grouped by every level
    at once and summed per level; per level, one over the camps and one over the targets;
    and one over the memberships for the units taking part.

    A citizen has one municipality (so one region) and one cluster, so each P-code of the
    units of a level adds up to the whole. A company counts in its own units; a camp counts
    once in every unit it joins (C-codes are counted per unit and need not add up).
    """
    scope = scope or Scope()
    end = end or timezone.localdate()
    groupings = [LEVELS[level][0] for level in levels]
    people = citizen_counts(scope, start, end, tuple(g.citizen for g in groupings) or None)
    firms = company_counts(scope, start, end, tuple(g.company for g in groupings) or None)
    whole = {
        **_fold(people, None).get(None, {}),
        **_fold(firms, None).get(None, {}),
        **camp_counts(scope, start, end)[None],
    }
    taking_part = []
    if levels:
        # A membership, like a citizen, has a municipality and a cluster: the same filter.
        taking_part = ClusterMembership.objects.filter(scope.citizens()).values_list(
            *(LEVELS[level][1] for level in levels)
        )
    by_level = {}
    for position, level in enumerate(levels):
        grouping = groupings[position]
        per_unit = [
            _fold(people, position),
            _fold(firms, position),
            camp_counts(scope, start, end, grouping.camp),
        ]
        units = _sorted_units(
            {row[position] for row in taking_part} | set(per_unit[0]) | set(per_unit[1])
        )
        by_level[level] = _rows_by_key(grouping, units, per_unit)
    targets = dict(IndicatorTarget.objects.filter(scope.targets()).values_list("code", "value"))
    return Levels(whole=_rows(whole, targets), by_level=by_level)
