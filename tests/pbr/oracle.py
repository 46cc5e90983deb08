"""The outcome finding as it was written first: citizen by citizen, week by week, in Python.

Kept here only as the oracle the set-based finding (pbr.selectors.outcomes_found) is held
against: the same outcomes, on the same days, with the same evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Prefetch

from accelerator.models import Company, CompanyFinancial
from participants.models import (
    PAID_PLACEMENT_KINDS,
    Citizen,
    HoursEntry,
    HoursKind,
    Placement,
    PlacementKind,
    iso_week_label,
    week_monday,
)
from pbr.models import RETENTION_KINDS, Contract, ContractVersion, OutcomeKind
from pbr.selectors import Found

ZERO = Decimal("0.00")


@dataclass
class Week:
    hours: Decimal = ZERO
    logged: Decimal = ZERO
    placements: set = field(default_factory=set)
    hours_entries: set = field(default_factory=set)
    dates: set = field(default_factory=set)

    @property
    def total(self) -> Decimal:
        return max(self.hours, self.logged)


def _citizen_weeks(citizen: Citizen, as_of: date) -> dict[date, Week]:
    weeks: dict[date, Week] = {}
    for placement in citizen.pbr_placements:
        last = min(placement.end or as_of, as_of)
        monday = week_monday(placement.start)
        while monday <= last:
            week = weeks.setdefault(monday, Week())
            week.hours += placement.hours_on(max(monday, placement.start))
            week.placements.add(placement.pk)
            week.dates.add(placement.start)
            for step in placement.steps.all():
                if step.from_date <= monday + timedelta(days=6):
                    week.dates.add(step.from_date)
            monday += timedelta(weeks=1)
    for entry in citizen.pbr_hours:
        if entry.week_start > as_of:
            continue
        week = weeks.setdefault(entry.week_start, Week())
        week.logged += entry.hours
        week.hours_entries.add(entry.pk)
        week.dates.add(entry.week_start)
    return weeks


def _evidence(weeks: Iterable[tuple[date, Week]]) -> dict:
    placements, hours, dates, mondays = set(), set(), set(), []
    for monday, week in weeks:
        placements |= week.placements
        hours |= week.hours_entries
        dates |= week.dates
        mondays.append(monday)
    return {
        "placements": sorted(placements),
        "hours": sorted(hours),
        "dates": sorted(d.isoformat() for d in dates),
        "weeks": [iso_week_label(m) for m in mondays],
    }


def _citizen_outcomes(citizen: Citizen, version: ContractVersion, as_of: date) -> Iterable[Found]:
    weeks = _citizen_weeks(citizen, as_of)
    qualifying = sorted(m for m, w in weeks.items() if w.total >= version.min_hours_per_week)
    if not qualifying:
        return
    subject = f"citizen:{citizen.pk}"
    first = qualifying[0]
    starts = [p.start for p in citizen.pbr_placements if p.pk in weeks[first].placements]
    started_on = max(first, min(starts)) if starts else first
    yield Found(
        OutcomeKind.JOB_STARTED,
        subject,
        started_on,
        _evidence([(first, weeks[first])]),
        citizen_id=citizen.pk,
    )
    done = [m for m in qualifying if m + timedelta(days=6) <= as_of]
    for count, kind in RETENTION_KINDS.items():
        span = _retained_span(done, count, continuous=version.retention_mode == "continuous")
        if span:
            yield Found(
                kind,
                subject,
                span[-1] + timedelta(days=7),
                _evidence((m, weeks[m]) for m in span),
                citizen_id=citizen.pk,
            )


def _retained_span(mondays: list[date], count: int, *, continuous: bool) -> list[date] | None:
    if len(mondays) < count:
        return None
    if not continuous:
        return mondays[:count]
    run: list[date] = []
    for monday in mondays:
        run = run + [monday] if run and monday - run[-1] == timedelta(weeks=1) else [monday]
        if len(run) == count:
            return run
    return None


def _company_outcomes(contract: Contract) -> Iterable[Found]:
    companies = Company.objects.enrolled().filter(
        municipality_id=contract.municipality_id,
        enrolled_cluster_id=contract.cluster_id,
        entry_year__isnull=False,
    )
    financials = CompanyFinancial.objects.filter(company__in=companies).select_related("company")
    by_company: dict[int, dict[int, CompanyFinancial]] = {}
    for row in financials:
        by_company.setdefault(row.company_id, {})[row.year] = row
    for company in companies:
        years = by_company.get(company.pk, {})
        entry, later = years.get(company.entry_year), years.get(company.entry_year + 2)
        if entry is None or later is None or entry.ebitda is None or later.ebitda is None:
            continue
        if later.ebitda > entry.ebitda:
            yield Found(
                OutcomeKind.EBITDA_GROWTH,
                f"company:{company.pk}",
                date(later.year, 12, 31),
                {
                    "financials": [entry.pk, later.pk],
                    "years": [entry.year, later.year],
                    "dates": [
                        date(entry.year, 12, 31).isoformat(),
                        date(later.year, 12, 31).isoformat(),
                    ],
                },
                company_id=company.pk,
            )


def outcomes_found(contract: Contract, as_of: date) -> dict[tuple[str, str], Found]:
    version = contract.version_on(as_of) or (
        contract.versions.filter(valid_from__lte=as_of).order_by("-valid_from").first()
    )
    if version is None:
        return {}
    placement_kinds = set(PAID_PLACEMENT_KINDS)
    hour_kinds = {HoursKind.PAID}
    if version.count_practice:
        placement_kinds |= {PlacementKind.PRAKTIK, PlacementKind.SNUSE_PRAKTIK}
        hour_kinds.add(HoursKind.PRACTICE)
    citizens = (
        Citizen.objects.filter(municipality_id=contract.municipality_id, cluster=contract.cluster)
        .only("pk")
        .prefetch_related(
            Prefetch(
                "placements",
                queryset=Placement.objects.filter(
                    kind__in=placement_kinds, start__lte=as_of
                ).prefetch_related("steps"),
                to_attr="pbr_placements",
            ),
            Prefetch(
                "hours",
                queryset=HoursEntry.objects.filter(kind__in=hour_kinds),
                to_attr="pbr_hours",
            ),
        )
    )
    found: list[Found] = []
    for citizen in citizens:
        found.extend(_citizen_outcomes(citizen, version, as_of))
    found.extend(_company_outcomes(contract))
    first = contract.versions.order_by("valid_from").first()
    if first and first.fixed_part > 0:
        found.append(
            Found(OutcomeKind.FIXED, f"contract:{contract.pk}", first.valid_from, {"dates": []})
        )
    return {
        (f.kind, f.subject): f
        for f in found
        if f.achieved_on <= as_of and contract.version_on(f.achieved_on) is not None
    }
