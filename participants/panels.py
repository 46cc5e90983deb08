"""Context for the participants panels on the start page."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from siv import audit
from siv.roles import Role

from .common import iso_week_label, week_monday
from .hours import selectors as hours_selectors
from .hours.selectors import PHASE1_WEEKLY_HOURS
from .track import quality
from .track import selectors as track_selectors
from .track.models import Citizen, VisitationStatus

PANEL_ROWS = 5


QUALITY_ROWS = 10


def _citizens_shown(request, visibility, *citizen_ids: list[int]) -> None:
    """A panel naming citizens is a list of personal data shown: one log row per panel."""
    if visibility.personal:
        ids = list(dict.fromkeys(pk for group in citizen_ids for pk in group))
        audit.record_list_view(actor=request.user, model=Citizen, ids=ids, purpose="startside")


def actor_panel(request) -> dict:
    user = request.user
    last_week = week_monday(timezone.localdate()) - timedelta(days=7)
    missing = hours_selectors.citizens_missing_hours(user=user, week=last_week)
    proposals = track_selectors.visitations_for(user=user, status=VisitationStatus.PROPOSED)
    context = {
        "last_week": last_week,
        "last_week_label": iso_week_label(last_week),
        "missing_count": missing.count(),
        "missing": list(missing[:PANEL_ROWS]),
        "proposal_count": proposals.count(),
        "proposals": list(proposals[:PANEL_ROWS]),
        "follow_ups": track_selectors.follow_ups_due(user=user)[:PANEL_ROWS],
        "visibility": track_selectors.visibility_for(user),
    }
    _citizens_shown(
        request,
        context["visibility"],
        [c.pk for c in context["missing"]],
        [v.citizen_id for v in context["proposals"]],
        [row["exit"].citizen_id for row in context["follow_ups"]],
    )
    return context


def caseworker_panel(request) -> dict:
    user = request.user
    overdue = track_selectors.overdue_visitations(user=user)
    revisitations = list(track_selectors.revisitations_due(user=user)[:PANEL_ROWS])
    context = {
        "overdue": list(overdue[:PANEL_ROWS]),
        "overdue_count": overdue.count(),
        "revisitations": revisitations,
        "citizen_places": track_selectors.own_citizen_places(user=user),
        "follow_ups": track_selectors.follow_ups_due(user=user)[:PANEL_ROWS],
        "visibility": track_selectors.visibility_for(user),
    }
    _citizens_shown(
        request,
        context["visibility"],
        [c.pk for c in context["overdue"]],
        [exit_form.citizen_id for exit_form in revisitations],
        [row["exit"].citizen_id for row in context["follow_ups"]],
    )
    return context


def data_quality_panel(request) -> dict:
    """The findings of the data-quality screen that this user can fix: an actor's citizens,
    a caseworker's own citizens and the municipality's citizens without a caseworker."""
    user = request.user
    citizens = Citizen.objects.for_user(user)
    if user.role == Role.CASEWORKER:
        citizens = citizens.filter(Q(caseworker=user) | Q(caseworker__isnull=True))
    today = timezone.localdate()
    visibility = track_selectors.visibility_for(user)
    shown = quality.shown_rows(
        quality.findings(citizens, today)[:QUALITY_ROWS], show_name=visibility.show_name
    )
    _citizens_shown(request, visibility, [f.citizen_id for f, _label in shown])
    return {
        "shown": shown,
        "count": sum(quality.counts_by_rule(citizens, today).values()),
    }


def worklists_panel(request) -> dict:
    """The citizens waiting for the actor's or the caseworker's work: not screened, and in
    phase 1 under 10 hours a week; the first few of each with the number of all, and a link
    to the citizen list filtered to the whole worklist."""
    user = request.user
    citizens = Citizen.objects.for_user(user)
    unscreened = track_selectors.not_screened(citizens)
    low_hours = hours_selectors.phase1_low_hours(citizens)
    context = {
        "unscreened": list(unscreened[:PANEL_ROWS]),
        "unscreened_count": unscreened.count(),
        "low_hours": list(low_hours[:PANEL_ROWS]),
        "low_hours_count": low_hours.count(),
        "weekly_hours": PHASE1_WEEKLY_HOURS,
        "visibility": track_selectors.visibility_for(user),
    }
    _citizens_shown(
        request,
        context["visibility"],
        [c.pk for c in context["unscreened"]],
        [c.pk for c in context["low_hours"]],
    )
    return context
