"""Reads behind the participants screens: scoped, annotated, a fixed number of queries.

Roles are looked at here (what a role may see of a citizen), never in views or templates.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from siv.access import get_for_user_or_404
from siv.permissions import has_perm

from . import cpr as cpr_lib
from . import selectors
from .models import (
    ASSESSMENT_DIMENSIONS,
    Citizen,
    ExitForm,
    FollowUp,
    FollowUpKind,
    HoursKind,
    HoursMonth,
    Phase,
    Placement,
    PlacementStep,
    Visitation,
    VisitationStatus,
    week_monday,
)
from .services import CITIZEN_EDIT_FIELDS

# --- What a role sees of a citizen ---------------------------------------------------------


@dataclass(frozen=True)
class Visibility:
    show_name: bool
    show_masked_cpr: bool
    can_reveal_cpr: bool
    sensitive_notes: bool

    def label(self, citizen: Citizen) -> str:
        return citizen.full_name if self.show_name else citizen.pseudonym


def visibility_for(user: Any) -> Visibility:
    return Visibility(
        show_name=has_perm(user, "citizens.name"),
        show_masked_cpr=has_perm(user, "citizens.cpr_masked"),
        can_reveal_cpr=has_perm(user, "citizens.cpr_reveal"),
        sensitive_notes=has_perm(user, "citizens.sensitive_notes"),
    )


# Who a citizen is assigned to is the municipality's decision: an employment actor edits the
# citizen's data but cannot hand the citizen to another actor or caseworker.
ASSIGNMENT_FIELDS = ("employment_actor", "caseworker")


def citizen_edit_fields(user: Any) -> tuple[str, ...]:
    """The citizen fields a role may change on the edit screen (never the CPR number)."""
    if has_perm(user, "citizens.assign"):
        return CITIZEN_EDIT_FIELDS
    return tuple(f for f in CITIZEN_EDIT_FIELDS if f not in ASSIGNMENT_FIELDS)


# --- Citizen list search ---


def citizen_search(queryset: QuerySet[Citizen], *, text: str, visibility: Visibility):
    """Search by CPR (keyed hash, never a LIKE), by name, or by pseudonym."""
    text = text.strip()
    try:
        parsed = cpr_lib.parse(text)
    except Exception:  # noqa: BLE001 - anything that is not a CPR number is a name
        parsed = None
    if parsed is not None:
        if not visibility.show_masked_cpr:
            return queryset.none()
        return queryset.filter(cpr_hash=cpr_lib.keyed_hash(parsed.digits))
    if text.upper().startswith("D-") and text[2:].isdigit():
        return queryset.filter(pk=int(text[2:]))
    if not visibility.show_name:
        return queryset.none()
    query = Q()
    for word in text.split():
        query &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return queryset.filter(query)


def looks_like_cpr(text: str) -> bool:
    """A CPR number, or the start of one: never to be written to the search log."""
    text = (text or "").strip()
    if sum(ch.isdigit() for ch in text) >= 6 and not text.upper().startswith("D-"):
        return True
    try:
        cpr_lib.parse(text)
    except Exception:  # noqa: BLE001
        return False
    return True


# --- Citizen page (timeline) ---------------------------------------------------------------


def citizen_page(*, user: Any, pk: int) -> Citizen:
    """The citizen with what the summary and the chart need prefetched."""
    return get_for_user_or_404(
        Citizen.objects.select_related(
            "municipality", "cluster", "employment_actor", "partnership", "caseworker"
        ).prefetch_related(
            Prefetch("visitations", queryset=Visitation.objects.order_by("proposed_on", "pk")),
            "pauses",
            "assessments",
            "exits",
        ),
        user,
        pk=pk,
    )


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


def track_summary(citizen: Citizen, as_of: date | None = None) -> dict:
    """Counted weeks, planned ends (moved by pauses), days waited, re-visitation deadline."""
    today = as_of or timezone.localdate()
    visitations = list(citizen.visitations.all())
    last_exit = citizen.last_exit()
    phases = []
    for phase in (Phase.TRAINING, Phase.PLACEMENT, Phase.EMPLOYMENT):
        start = getattr(citizen, f"phase{int(phase)}_start")
        phases.append(
            {
                "phase": phase,
                "start": start,
                "weeks": citizen.counted_weeks(int(phase), today) if start else None,
                "planned_end": citizen.planned_end(int(phase)) if phase < 3 else None,
            }
        )
    return {
        "phase": citizen.current_phase(today),
        "phases": phases,
        "visitation": visitations[-1] if visitations else None,
        "last_exit": last_exit,
        "revisitation_deadline": last_exit.revisitation_deadline if last_exit else None,
        "is_active": last_exit is None
        or any(
            v.status == VisitationStatus.ACCEPTED and v.proposed_on > last_exit.exit_date
            for v in visitations
        ),
    }


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


# --- Progression chart (server-side SVG) ---------------------------------------------------

CHART_W, CHART_H, CHART_PAD = 560, 220, 40
CHART_COLOURS = ("#0b4f6c", "#f2a541", "#2a9d8f", "#9b2226", "#6c757d")


def assessment_chart(assessments: list) -> dict | None:
    """Polylines for each dimension (score 1–5 over time); None below one assessment."""
    if not assessments:
        return None
    days = [a.assessed_on for a in assessments]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    inner_w, inner_h = CHART_W - 2 * CHART_PAD, CHART_H - 2 * CHART_PAD

    # Coordinates are strings: a localised template would write "12,5" into the SVG.
    def x(day: date) -> str:
        if first == last:
            return f"{CHART_PAD + inner_w / 2:.1f}"
        return f"{CHART_PAD + inner_w * (day - first).days / span:.1f}"

    def y(score: int) -> str:
        return f"{CHART_PAD + inner_h * (5 - score) / 4:.1f}"

    series = []
    for (name, label), colour in zip(ASSESSMENT_DIMENSIONS, CHART_COLOURS, strict=True):
        points = [(x(a.assessed_on), y(getattr(a, name))) for a in assessments]
        series.append(
            {
                "label": label,
                "colour": colour,
                "points": " ".join(f"{px},{py}" for px, py in points),
                "dots": points,
            }
        )
    return {
        "width": CHART_W,
        "height": CHART_H,
        "series": series,
        "grid": [{"score": s, "y": y(s)} for s in range(1, 6)],
        "x_left": str(CHART_PAD),
        "x_label": str(CHART_PAD - 8),
        "x_right": str(CHART_W - CHART_PAD),
        "first": first,
        "last": last,
        "rows": [
            {"day": a.assessed_on, "scores": [getattr(a, n) for n, _l in ASSESSMENT_DIMENSIONS]}
            for a in assessments
        ],
        "dimensions": [label for _n, label in ASSESSMENT_DIMENSIONS],
    }


# --- Visitations and re-visitation ---------------------------------------------------------


def visitations_for(*, user: Any, status: str = "") -> QuerySet[Visitation]:
    qs = (
        Visitation.objects.for_user(user)
        .select_related("citizen__municipality", "citizen__employment_actor", "partnership")
        .order_by("status", "proposed_on", "pk")
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def overdue_visitations(*, user: Any) -> QuerySet[Citizen]:
    """Citizens whose visitation has waited more than 4 weeks for a decision."""
    return (
        selectors.citizen_list(user=user, show=["days_waited"])
        .filter(visitation_overdue=True)
        .order_by("pending_since", "pk")
    )


def revisitations_due(*, user: Any) -> QuerySet[Citizen]:
    """Citizens who left early and whose slot still waits for a re-visitation."""
    return (
        selectors.citizen_list(user=user, show=["revisitation_from"])
        .filter(revisitation_from__isnull=False)
        .order_by("revisitation_from", "pk")
    )


def follow_ups_due(*, user: Any, as_of: date | None = None) -> list[dict]:
    """Exits whose 6-month or 2-year follow-up is due (within 14 days) and not registered."""
    today = as_of or timezone.localdate()
    horizon = today + timedelta(days=14)
    due = []
    for kind, offset in (
        (FollowUpKind.SIX_MONTHS, relativedelta(months=6)),
        (FollowUpKind.TWO_YEARS, relativedelta(years=2)),
    ):
        done = FollowUp.objects.filter(exit=OuterRef("pk"), kind=kind)
        rows = (
            ExitForm.objects.for_user(user)
            .filter(exit_date__lte=horizon - offset)
            .exclude(Exists(done))
            .select_related("citizen")
            .order_by("exit_date")[:20]
        )
        due.extend({"exit": e, "kind": kind, "due": e.exit_date + offset} for e in rows)
    return sorted(due, key=lambda row: row["due"])


# --- Start-page panels --------------------------------------------------------------------


def citizens_missing_hours(*, user: Any, week: date) -> QuerySet[Citizen]:
    """Active citizens on track in the week without any hours logged for it."""
    sunday = week_monday(week) + timedelta(days=6)
    return (
        selectors.citizen_list(user=user, as_of=sunday)
        .filter(is_active=True, phase1_start__lte=sunday, hours_this_week=0)
        .order_by("last_name", "first_name", "pk")
    )


def timeline_for_page(
    *, citizen: Citizen, user: Any, months: list[dict], placements: list[Placement]
) -> list[dict]:
    """The timeline of participants.selectors with hours per month and placement steps, from
    the months and the placements (placements_for_page) the page has already read."""
    events = [
        {"day": e.day, "kind": e.kind, "title": e.title, "obj": e.obj}
        for e in selectors.citizen_timeline(citizen=citizen, user=user, placements=placements)
    ]
    events.extend(
        {"day": m["month"], "kind": "hours", "title": _("Timer i måneden"), "obj": m}
        for m in months
    )
    for event in events:
        if event["kind"] == "placement":
            event["steps"] = event["obj"].hour_steps
    return sorted(events, key=lambda e: e["day"], reverse=True)
