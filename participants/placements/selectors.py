"""What happened in a company, set against its job commitments: counts only, never citizens.

The accelerator records a company's commitments (JobCommitment: openings, hours a week, due
date) and knows nothing of citizens; placements and hires are citizens' data and live here.
This module counts them per company, in the database and with a fixed number of queries, and
compares each commitment with the hires that fulfil it. It returns numbers only: no names,
no CPR numbers, no placement rows. The company page shows it through the accelerator's
company-section extension point (registered in participants/apps.py).

Rules:
- A placement is counted once per citizen: a citizen with two placements of a kind in the
  company counts once for that kind (and once in the totals).
- "Total" counts placements started on or before the day; "current" those active on it
  (started, and not ended before it).
- A hire is a paid placement (løntilskud, fleksjob, småjob, ordinær ansættelse).
- A commitment is met by hires in the company that started on or before its due date with at
  least its hours a week on that date (the hour plan's step in force then, else the
  placement's hours). Each commitment is judged on its own: one hire can meet two.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accelerator import charts
from accelerator.models import Company, JobCommitment
from participants.track.models import Citizen

from .models import PAID_PLACEMENT_KINDS, Placement, PlacementKind, PlacementStep


def placements_for_page(citizen: Citizen, as_of: date | None = None) -> list[Placement]:
    """The citizen's placements (two queries), each with `hour_steps` (in date order),
    `hours_now` and `checkpoints`: the 13/26/52-week retention checkpoints of a paid placement
    with a status for the screen."""
    today = as_of or timezone.localdate()
    placements = list(
        Placement.objects.filter(citizen=citizen)
        .select_related("company")
        .order_by("-start", "-pk")
    )
    steps = _steps_by_placement(citizen)
    for placement in placements:
        day = min(today, placement.end or today)
        placement.hour_steps = steps.get(placement.pk, [])
        placement.hours_now = placement.hours_per_week
        for step in placement.hour_steps:
            if step.from_date <= day:
                placement.hours_now = step.hours_per_week
        placement.checkpoints = [
            {**row, "status": _checkpoint_status(row)}
            for row in placement.retention_checkpoints(today)
        ]
    return placements


def _steps_by_placement(citizen: Citizen) -> dict[int, list[PlacementStep]]:
    """Every hour step of the citizen's placements, by placement, in date order (one query,
    made also when there are none: the page's queries do not depend on the records)."""
    steps: dict[int, list[PlacementStep]] = defaultdict(list)
    for step in PlacementStep.objects.filter(placement__citizen=citizen).order_by("from_date"):
        steps[step.placement_id].append(step)
    return steps


def _checkpoint_status(row: dict) -> str:
    """confirmed, due (reached, awaiting confirmation), lost (ended before), or pending."""
    if row["confirmed_on"]:
        return "confirmed"
    if row["lost"]:
        return "lost"
    return "due" if row["reached"] else "pending"


class CommitmentStatus:
    FULFILLED = "fulfilled"
    PARTLY = "partly"
    NOT_MET = "not_met"


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    paid: bool
    total: int
    current: int


@dataclass(frozen=True)
class CompanyCounts:
    """Distinct citizens placed in one company, per kind and overall."""

    company_id: int
    kinds: list[KindCount]
    placed_total: int
    placed_current: int
    hires_total: int
    hires_current: int


def _company_ids(companies: QuerySet[Company] | Iterable[int] | Company) -> Any:
    if isinstance(companies, Company):
        return [companies.pk]
    if isinstance(companies, QuerySet):
        return companies.values("pk")
    return list(companies)


def placement_counts(
    companies: QuerySet[Company] | Iterable[int], *, on: datetime.date | None = None
) -> dict[int, CompanyCounts]:
    """Per company (already scoped by the caller): distinct citizens per kind, in one query."""
    day = on or timezone.localdate()
    started = Q(placements__start__lte=day)
    active = started & (Q(placements__end__isnull=True) | Q(placements__end__gte=day))
    paid = Q(placements__kind__in=PAID_PLACEMENT_KINDS)

    def citizens(condition: Q) -> Count:
        return Count("placements__citizen", filter=condition, distinct=True)

    annotations = {"placed_total": citizens(started), "placed_current": citizens(active)}
    annotations |= {
        "hires_total": citizens(started & paid),
        "hires_current": citizens(active & paid),
    }
    for kind in PlacementKind:
        of_kind = Q(placements__kind=kind)
        annotations[f"{kind}_total"] = citizens(started & of_kind)
        annotations[f"{kind}_current"] = citizens(active & of_kind)
    rows = (
        Company.objects.filter(pk__in=_company_ids(companies))
        .order_by()
        .annotate(**annotations)
        .values("pk", *annotations)
    )
    return {
        row["pk"]: CompanyCounts(
            company_id=row["pk"],
            kinds=[
                KindCount(
                    kind=kind.value,
                    label=kind.label,
                    paid=kind in PAID_PLACEMENT_KINDS,
                    total=row[f"{kind}_total"],
                    current=row[f"{kind}_current"],
                )
                for kind in PlacementKind
            ],
            placed_total=row["placed_total"],
            placed_current=row["placed_current"],
            hires_total=row["hires_total"],
            hires_current=row["hires_current"],
        )
        for row in rows
    }


def company_counts(company: Company, *, on: datetime.date | None = None) -> CompanyCounts:
    return placement_counts([company.pk], on=on)[company.pk]


def _hires_by_due_date() -> Subquery:
    """Distinct citizens hired in the commitment's company by its due date, with its hours."""
    hours_then = Coalesce(
        Subquery(
            PlacementStep.objects.filter(
                placement=OuterRef("pk"), from_date__lte=OuterRef(OuterRef("due_on"))
            )
            .order_by("-from_date")
            .values("hours_per_week")[:1]
        ),
        F("hours_per_week"),
    )
    hires = (
        Placement.objects.filter(
            company=OuterRef("company"),
            kind__in=PAID_PLACEMENT_KINDS,
            start__lte=OuterRef("due_on"),
        )
        .alias(hours_then=hours_then)
        .filter(hours_then__gte=OuterRef("hours_per_week"))
        .order_by()
        .values("company")
        .annotate(n=Count("citizen", distinct=True))
        .values("n")
    )
    return Subquery(hires, output_field=IntegerField())


def commitment_outcomes(
    companies: QuerySet[Company] | Iterable[int] | Company, *, on: datetime.date | None = None
) -> QuerySet[JobCommitment]:
    """The companies' commitments with `hires_by_due`, `status` and `overdue`, in one query."""
    day = on or timezone.localdate()
    return (
        JobCommitment.objects.filter(company__in=_company_ids(companies))
        .annotate(hires_by_due=Coalesce(_hires_by_due_date(), 0))
        .annotate(
            status=Case(
                When(hires_by_due__gte=F("openings"), then=Value(CommitmentStatus.FULFILLED)),
                When(hires_by_due__gt=0, then=Value(CommitmentStatus.PARTLY)),
                default=Value(CommitmentStatus.NOT_MET),
                output_field=CharField(),
            ),
            overdue=Case(
                When(due_on__lt=day, hires_by_due__lt=F("openings"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("company_id", "due_on", "pk")
    )


def outcome_chart(company: Company, commitments: list[JobCommitment]) -> charts.Chart:
    return charts.bar_chart(
        title=_("Tilsagn og ansættelser for %(company)s") % {"company": company.name},
        description=_(
            "Tilsagte job og ansættelser med mindst de tilsagte timer pr. uge, startet senest "
            "ved fristen, for hvert tilsagn. Tallene står også i tabellen."
        ),
        categories=[c.due_on.strftime("%d.%m.%Y") for c in commitments],
        series=[
            (_("Tilsagte job"), [c.openings for c in commitments]),
            (_("Ansættelser senest ved fristen"), [c.hires_by_due for c in commitments]),
        ],
    )
