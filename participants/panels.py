"""Context for the participants panels on the start page."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from . import selectors_screens as screens
from .models import REVISITATION_DEADLINE_DAYS, VisitationStatus, iso_week_label, week_monday

PANEL_ROWS = 5


def actor_panel(request) -> dict:
    user = request.user
    last_week = week_monday(timezone.localdate()) - timedelta(days=7)
    missing = screens.citizens_missing_hours(user=user, week=last_week)
    proposals = screens.visitations_for(user=user, status=VisitationStatus.PROPOSED)
    return {
        "last_week": last_week,
        "last_week_label": iso_week_label(last_week),
        "missing_count": missing.count(),
        "missing": list(missing[:PANEL_ROWS]),
        "proposal_count": proposals.count(),
        "proposals": list(proposals[:PANEL_ROWS]),
        "follow_ups": screens.follow_ups_due(user=user)[:PANEL_ROWS],
        "visibility": screens.visibility_for(user),
    }


def caseworker_panel(request) -> dict:
    user = request.user
    overdue = screens.overdue_visitations(user=user)
    revisitations = [
        {"citizen": c, "deadline": c.revisitation_from + timedelta(days=REVISITATION_DEADLINE_DAYS)}
        for c in screens.revisitations_due(user=user)[:PANEL_ROWS]
    ]
    return {
        "overdue": list(overdue[:PANEL_ROWS]),
        "overdue_count": overdue.count(),
        "revisitations": revisitations,
        "follow_ups": screens.follow_ups_due(user=user)[:PANEL_ROWS],
        "visibility": screens.visibility_for(user),
    }
