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
    Case,
    Count,
    DateField,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships.models import ClusterMembership
from siv.roles import CPR_ROLES, SENSITIVE_NOTE_ROLES, Role

from . import cpr as cpr_lib
from .models import (
    ASSESSMENT_DIMENSIONS,
    REVISITATION_DEADLINE_DAYS,
    VISITATION_DEADLINE_DAYS,
    CaseNote,
    Citizen,
    ExitForm,
    FollowUp,
    FollowUpKind,
    HoursEntry,
    HoursKind,
    Phase,
    Placement,
    PlacementStep,
    Visitation,
    VisitationStatus,
    week_monday,
)

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
    role = getattr(user, "role", "")
    return Visibility(
        # The fund's controller sees pseudonyms only.
        show_name=role != Role.CONTROLLER,
        show_masked_cpr=role in CPR_ROLES or role == Role.ADMIN,
        can_reveal_cpr=role in CPR_ROLES,
        sensitive_notes=role in SENSITIVE_NOTE_ROLES,
    )


# --- Citizen list --------------------------------------------------------------------------


def _last_exit_date():
    return Subquery(
        ExitForm.objects.filter(citizen=OuterRef("pk"))
        .order_by("-exit_date", "-pk")
        .values("exit_date")[:1],
        output_field=DateField(),
    )


def _re_entered_after(field: str):
    return Exists(
        Visitation.objects.filter(
            citizen=OuterRef("pk"),
            status=VisitationStatus.ACCEPTED,
            proposed_on__gt=OuterRef(field),
        )
    )


def citizens_annotated(*, user: Any, as_of: date | None = None) -> QuerySet[Citizen]:
    """The user's citizens with phase, active flag, last exit and overdue visitation."""
    today = as_of or timezone.localdate()
    overdue = Visitation.objects.filter(
        citizen=OuterRef("pk"),
        status=VisitationStatus.PROPOSED,
        proposed_on__lt=today - timedelta(days=VISITATION_DEADLINE_DAYS),
    )
    return (
        Citizen.objects.for_user(user)
        .select_related("municipality", "cluster", "employment_actor")
        .annotate(
            last_exit_date=_last_exit_date(),
            phase_now=Case(
                When(phase3_start__lte=today, then=Value(Phase.EMPLOYMENT)),
                When(phase2_start__lte=today, then=Value(Phase.PLACEMENT)),
                When(phase1_start__lte=today, then=Value(Phase.TRAINING)),
                default=Value(Phase.VISITED),
                output_field=IntegerField(),
            ),
            visitation_overdue=Exists(overdue),
        )
        .annotate(re_entered=_re_entered_after("last_exit_date"))
        .annotate(
            is_active=Case(
                When(last_exit_date__isnull=True, then=Value(True)),
                When(re_entered=True, then=Value(True)),
                default=Value(False),
            )
        )
    )


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
    try:
        cpr_lib.parse((text or "").strip())
    except Exception:  # noqa: BLE001
        return False
    return True


# --- Citizen page (timeline) ---------------------------------------------------------------


@dataclass
class TimelineEvent:
    day: date
    kind: str
    title: str
    obj: Any = None
    extra: dict | None = None


def citizen_page(*, user: Any, pk: int) -> Citizen:
    """The citizen with everything the page shows prefetched (a fixed number of queries)."""
    from siv.access import get_for_user_or_404

    notes = CaseNote.objects.for_user(user).select_related("written_by")
    return get_for_user_or_404(
        Citizen.objects.select_related(
            "municipality", "cluster", "employment_actor", "partnership", "caseworker"
        ).prefetch_related(
            Prefetch("visitations", queryset=Visitation.objects.order_by("proposed_on", "pk")),
            "screenings",
            "pauses",
            "assessments",
            Prefetch(
                "placements",
                queryset=Placement.objects.select_related("company").prefetch_related(
                    Prefetch("steps", queryset=PlacementStep.objects.order_by("from_date"))
                ),
            ),
            "courses",
            Prefetch("exits", queryset=ExitForm.objects.prefetch_related("follow_ups")),
            Prefetch("notes", queryset=notes, to_attr="visible_notes"),
        ),
        user,
        pk=pk,
    )


def hours_by_month(citizen: Citizen) -> list[dict]:
    """Hours per month and kind, summed in the database: one row per month."""
    rows = (
        HoursEntry.objects.filter(citizen=citizen)
        .annotate(month=TruncMonth("week_start"))
        .values("month", "kind")
        .annotate(total=Sum("hours"))
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


def timeline(citizen: Citizen, hours_months: list[dict]) -> list[TimelineEvent]:
    """Every event of the track in date order (from prefetched rows only)."""
    events: list[TimelineEvent] = []
    add = events.append
    for v in citizen.visitations.all():
        add(TimelineEvent(v.proposed_on, "visitation", _("Visitation foreslået"), v))
        if v.reviewed_at:
            title = (
                _("Visitation godkendt")
                if v.status == VisitationStatus.ACCEPTED
                else _("Visitation afvist")
            )
            add(TimelineEvent(timezone.localdate(v.reviewed_at), "review", title, v))
        if v.match_meeting_date:
            add(TimelineEvent(v.match_meeting_date, "match", _("Matchmøde"), v))
    for s in citizen.screenings.all():
        add(TimelineEvent(s.screened_on, "screening", _("Screening"), s))
    for phase, start in (
        (Phase.TRAINING, citizen.phase1_start),
        (Phase.PLACEMENT, citizen.phase2_start),
        (Phase.EMPLOYMENT, citizen.phase3_start),
    ):
        if start:
            add(TimelineEvent(start, "phase", _("Start: %(phase)s") % {"phase": phase.label}))
    for p in citizen.pauses.all():
        add(TimelineEvent(p.start, "pause", _("Pause: %(r)s") % {"r": p.get_reason_display()}, p))
    for a in citizen.assessments.all():
        add(TimelineEvent(a.assessed_on, "assessment", _("Progressionsvurdering"), a))
    for m in hours_months:
        add(TimelineEvent(m["month"], "hours", _("Timer i måneden"), None, m))
    for pl in citizen.placements.all():
        add(TimelineEvent(pl.start, "placement", pl.get_kind_display(), pl))
    for c in citizen.courses.all():
        add(TimelineEvent(c.start, "course", _("Kompetenceløft: %(t)s") % {"t": c.title}, c))
    for n in citizen.visible_notes:
        add(TimelineEvent(timezone.localdate(n.written_at), "note", _("Notat"), n))
    for e in citizen.exits.all():
        add(TimelineEvent(e.exit_date, "exit", _("Ophør (slutskema)"), e))
        for f in e.follow_ups.all():
            add(TimelineEvent(f.followed_up_on, "followup", f.get_kind_display(), f))
    order = {"visitation": 0, "review": 1, "match": 2, "phase": 3}
    events.sort(key=lambda e: (e.day, order.get(e.kind, 9)))
    return events


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

    def x(day: date) -> float:
        if first == last:
            return CHART_PAD + inner_w / 2
        return round(CHART_PAD + inner_w * (day - first).days / span, 1)

    def y(score: int) -> float:
        return round(CHART_PAD + inner_h * (5 - score) / 4, 1)

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
        "x_left": CHART_PAD,
        "x_right": CHART_W - CHART_PAD,
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


def overdue_visitations(*, user: Any, as_of: date | None = None) -> QuerySet[Visitation]:
    """Proposals that have waited more than 4 weeks for a decision."""
    today = as_of or timezone.localdate()
    return visitations_for(user=user, status=VisitationStatus.PROPOSED).filter(
        proposed_on__lt=today - timedelta(days=VISITATION_DEADLINE_DAYS)
    )


def revisitation_overview(*, user: Any, as_of: date | None = None) -> dict:
    """Open slots per municipality and early exits with their 4-week deadline."""
    today = as_of or timezone.localdate()
    citizens = citizens_annotated(user=user, as_of=today)
    municipality_ids = citizens.values("municipality_id")
    memberships = ClusterMembership.objects.select_related("municipality", "cluster")
    if user.role in (Role.CASEWORKER, Role.MUNICIPAL_LEAD):
        memberships = memberships.filter(municipality_id=user.municipality_id)
    elif user.role not in (Role.CONTROLLER, Role.ADMIN):
        memberships = memberships.filter(municipality_id__in=municipality_ids)
    active = citizens.filter(is_active=True)
    active_counts = {
        (row["municipality_id"], row["cluster_id"]): row["n"]
        for row in active.order_by()
        .values("municipality_id", "cluster_id")
        .annotate(n=Count("pk", distinct=True))
    }
    slots = []
    for m in memberships.order_by("municipality__name", "cluster__number"):
        used = active_counts.get((m.municipality_id, m.cluster_id), 0)
        slots.append({"membership": m, "active": used, "open": max(0, m.slots - used)})
    early = (
        ExitForm.objects.for_user(user)
        .filter(early=True, revisitation__isnull=True)
        .select_related("citizen__municipality")
        .order_by("exit_date", "pk")
    )
    exits = []
    for exit_form in early:
        deadline = exit_form.revisitation_deadline
        exits.append(
            {
                "exit": exit_form,
                "deadline": deadline,
                "days_left": (deadline - today).days,
                "overdue": deadline < today,
            }
        )
    return {"slots": slots, "exits": exits}


def revisitations_due(*, user: Any, as_of: date | None = None) -> QuerySet[ExitForm]:
    today = as_of or timezone.localdate()
    return (
        ExitForm.objects.for_user(user)
        .filter(early=True, revisitation__isnull=True)
        .filter(exit_date__gte=today - timedelta(days=REVISITATION_DEADLINE_DAYS + 90))
        .select_related("citizen")
        .order_by("exit_date")
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


# --- Week grid -----------------------------------------------------------------------------


def week_grid(*, user: Any, week: date) -> list[dict]:
    """The actor's citizens on track in the week, each with the week's hours by kind."""
    monday = week_monday(week)
    sunday = monday + timedelta(days=6)
    citizens = (
        citizens_annotated(user=user, as_of=sunday)
        .filter(phase1_start__lte=sunday)
        .filter(Q(last_exit_date__isnull=True) | Q(last_exit_date__gte=monday) | Q(re_entered=True))
        .order_by("last_name", "first_name", "pk")
    )
    citizens = list(citizens)
    hours: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for entry in HoursEntry.objects.filter(
        citizen_id__in=[c.pk for c in citizens], week_start=monday
    ).values("citizen_id", "kind", "hours"):
        hours[entry["citizen_id"]][entry["kind"]] = entry["hours"]
    return [{"citizen": c, "hours": hours.get(c.pk, {})} for c in citizens]


def citizens_missing_hours(*, user: Any, week: date) -> QuerySet[Citizen]:
    monday = week_monday(week)
    sunday = monday + timedelta(days=6)
    logged = HoursEntry.objects.filter(citizen=OuterRef("pk"), week_start=monday)
    return (
        citizens_annotated(user=user, as_of=sunday)
        .filter(phase1_start__lte=sunday, is_active=True)
        .exclude(Exists(logged))
        .order_by("last_name", "first_name", "pk")
    )
