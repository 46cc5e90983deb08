"""Reads of hours: the actor's week grid, the citizen's months, the citizens missing a week."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from participants import names
from participants.common import iso_week_label, week_monday
from participants.track.models import Citizen, ExitForm, Pause
from participants.track.selectors import citizen_list

from .models import HoursEntry, HoursKind, HoursMonth
from .services import hours_week_errors


@dataclass
class WeekGridRow:
    citizen: Citizen
    hours: dict[str, Decimal] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # why hours cannot be logged this week

    @property
    def total(self) -> Decimal:
        return sum(self.hours.values(), Decimal("0"))

    @property
    def editable(self) -> bool:
        return not self.errors


@dataclass
class WeekGrid:
    week_start: date
    kinds: list[tuple[str, str]]
    rows: list[WeekGridRow]
    page: Page | None = None  # the page of citizens shown, when the grid is paged

    @property
    def label(self) -> str:
        return iso_week_label(self.week_start)

    @property
    def totals(self) -> dict[str, Decimal]:
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for row in self.rows:
            for kind, hours in row.hours.items():
                sums[kind] += hours
        return dict(sums)


# What the grid shows of a citizen (the name or pseudonym, the masked CPR number) and what
# says whether hours may be logged: the contact data is neither read nor decrypted.
GRID_FIELDS = ("first_name", "last_name", "birth_date", "phase1_start")


def actor_week_grid(
    *, user: Any, week: date, page: int | str | None = None, per_page: int | None = None
) -> WeekGrid:
    """The hours grid of one ISO week for the citizens the user may log hours for (2 queries),
    or one page of them in name order when `per_page` is given (3 queries)."""
    monday = week_monday(week)
    sunday = monday + timedelta(days=6)
    in_week = _in_week(user, monday)
    shown = None
    if per_page is None:
        citizens = names.in_name_order(list(_with_exit(in_week, sunday)))
    else:
        shown = Paginator(_WeekPages(in_week, sunday), per_page).get_page(page)
        citizens = list(shown.object_list)
    by_citizen: dict[int, dict[str, Decimal]] = defaultdict(dict)
    entries = HoursEntry.objects.filter(
        citizen__in=[c.pk for c in citizens], week_start=monday
    ).values_list("citizen_id", "kind", "hours")
    for citizen_id, kind, hours in entries:
        by_citizen[citizen_id][kind] = hours
    today = timezone.localdate()
    rows = [
        WeekGridRow(
            citizen=c,
            hours=by_citizen.get(c.pk, {}),
            errors=hours_week_errors(
                week=monday,
                phase1_start=c.phase1_start,
                last_exit=None if c.reentered else c.exit_date,
                today=today,
            ),
        )
        for c in citizens
    ]
    return WeekGrid(week_start=monday, kinds=list(HoursKind.choices), rows=rows, page=shown)


def actor_week_page(*, user: Any, week: date, page: int | str | None, per_page: int) -> Page:
    """The page of the actor's week grid (actor_week_grid) as the ids of its citizens, in
    name order, in one query: what a save of the page needs to know of it."""
    return Paginator(names.NameOrdered(_in_week(user, week_monday(week))).ids(), per_page).get_page(
        page
    )


def _in_week(user: Any, monday: date) -> QuerySet[Citizen]:
    """The citizens the user may log hours for who are on track in the week from `monday`:
    started by its Sunday, not gone before its Monday. A citizen on track in a week may get
    hours in it once it has begun (track.rules.Track.hours_errors, which a save checks)."""
    sunday = monday + timedelta(days=6)
    return (
        Citizen.objects.for_user(user, write=True)
        .filter(phase1_start__lte=sunday)
        # Not gone before the week: an anti-join, however many citizens the actor has.
        .exclude(
            Exists(
                ExitForm.objects.last_as_of(sunday).filter(
                    citizen=OuterRef("pk"), exit_date__lt=monday
                )
            )
        )
    )


def _with_exit(citizens: QuerySet[Citizen], sunday: date) -> QuerySet[Citizen]:
    """The citizens with the exit that counts in the week (exit_date, reentered), and only
    the fields of their own the grid shows."""
    return (
        citizens.with_last_exit(sunday, select=False)
        .annotate(exit_date=F("exit_date"), reentered=F("reentered"))
        .only(*GRID_FIELDS)
    )


class _WeekPages(names.NameOrdered):
    """The week's citizens in name order, a page's rows read by their ids alone: the ids were
    read through the user's access in the same request, so the page's query need not ask
    the access and the week's filters again (compiling them was most of its time)."""

    def __init__(self, in_week: QuerySet[Citizen], sunday: date):
        super().__init__(in_week)
        self.rows = _with_exit(Citizen.objects.all(), sunday)

    def __getitem__(self, index: Any) -> Any:
        wanted = self.ids()[index] if isinstance(index, slice) else [self.ids()[index]]
        rows = self.rows.in_bulk(wanted)
        found = [rows[pk] for pk in wanted if pk in rows]
        return found if isinstance(index, slice) else found[0]


def hours_by_month(citizen: Citizen) -> list[dict]:
    """Hours per month and kind, from the monthly roll-up the database keeps: one row per
    month."""
    rows = (
        HoursMonth.objects.filter(citizen=citizen)
        .values("month", "kind", total=F("hours"))
        .order_by("month", "kind")
    )
    months: dict[date, dict] = {}
    for row in rows:
        month = months.setdefault(
            row["month"], {"month": row["month"], "kinds": {}, "total": Decimal(0)}
        )
        month["kinds"][row["kind"]] = row["total"]
        month["total"] += row["total"]
    return [
        {**m, "cells": [m["kinds"].get(k, Decimal(0)) for k in HoursKind.values]}
        for m in months.values()
    ]


def citizens_missing_hours(*, user: Any, week: date) -> names.NameOrdered:
    """Active citizens on track in the week without any hours logged for it, in name order."""
    sunday = week_monday(week) + timedelta(days=6)
    return names.NameOrdered(
        citizen_list(user=user, as_of=sunday).filter(
            is_active=True, phase1_start__lte=sunday, hours_this_week=0
        )
    )


# Phase 1 is about 10 hours a week (DOMAIN.md), judged on the last 4 full ISO weeks.
PHASE1_WEEKLY_HOURS = Decimal("10")
PHASE1_WEEKS_AVERAGED = 4


def phase1_low_hours(
    citizens: QuerySet[Citizen], *, as_of: date | None = None
) -> QuerySet[Citizen]:
    """Of `citizens`, those in phase 1 for the last 4 full ISO weeks (not in phase 2, not
    left) whose hours average under 10 a week over those weeks, the weeks on pause left out
    (a week is on pause when a pause covers its five workdays, as the hours grid counts it).
    `average_hours` is the average, `counted_weeks` the weeks it is taken over; a citizen
    on pause all four weeks is not listed. One query, the lowest average first."""
    today = as_of or timezone.localdate()
    this_monday = week_monday(today)
    mondays = [this_monday - timedelta(weeks=n) for n in range(PHASE1_WEEKS_AVERAGED, 0, -1)]
    decimal = DecimalField(max_digits=8, decimal_places=2)
    weeks = []
    hours = []
    for monday in mondays:
        paused = Exists(
            Pause.objects.filter(citizen=OuterRef("pk"), start__lte=monday).filter(
                Q(end__isnull=True) | Q(end__gte=monday + timedelta(days=4))
            )
        )
        week_hours = (
            HoursEntry.objects.filter(citizen=OuterRef("pk"), week_start=monday)
            .values("citizen")
            .annotate(total=Sum("hours"))
            .values("total")
        )
        weeks.append(Case(When(paused, then=Value(0)), default=Value(1)))
        hours.append(
            Case(
                When(paused, then=Value(Decimal("0"))),
                default=Coalesce(Subquery(week_hours), Value(Decimal("0")), output_field=decimal),
                output_field=decimal,
            )
        )
    return (
        citizens.filter(phase1_start__lte=mondays[0])
        .filter(Q(phase2_start__isnull=True) | Q(phase2_start__gt=today))
        .left_as_of(today, left=False)
        .annotate(
            counted_weeks=ExpressionWrapper(sum(weeks[1:], weeks[0]), output_field=IntegerField()),
            counted_hours=ExpressionWrapper(sum(hours[1:], hours[0]), output_field=decimal),
        )
        .filter(counted_weeks__gt=0, counted_hours__lt=F("counted_weeks") * PHASE1_WEEKLY_HOURS)
        .annotate(
            average_hours=ExpressionWrapper(
                F("counted_hours") / NullIf(F("counted_weeks"), Value(0)), output_field=decimal
            )
        )
        .order_by("average_hours", "pk")
    )
