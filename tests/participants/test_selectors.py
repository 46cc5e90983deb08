from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from participants.hours import selectors as hours_selectors
from participants.hours import services as hours_services
from participants.hours.services import HoursRow
from participants.models import Phase
from participants.track import selectors as track_selectors
from participants.track import services as track_services
from tests.factories.participants import (
    CaseNoteFactory,
    CitizenFactory,
    ExitFormFactory,
    PauseFactory,
    PlacementFactory,
    VisitationFactory,
)

from .helpers import citizen_in, freeze_today

pytestmark = pytest.mark.django_db


def test_the_citizen_list_is_annotated_and_scoped(personas):
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    on_track = citizen_in(personas.own, personas.cluster, phase1_start=today - timedelta(days=90))
    hours_services.hours_save_week(
        actor=personas.actor, week=today, rows=[HoursRow(on_track.pk, "training", "7,5")]
    )
    waiting = CitizenFactory(
        municipality=personas.own.municipality, cluster=personas.cluster, phase1_start=None
    )
    VisitationFactory(citizen=waiting, status="proposed", proposed_on=today - timedelta(days=30))
    left = citizen_in(personas.own, personas.cluster, phase1_start=today - timedelta(days=200))
    ExitFormFactory(citizen=left, exit_date=today - timedelta(days=40), early=True)
    citizen_in(personas.foreign, personas.cluster)

    shown = track_selectors.CITIZEN_LIST_EXTRAS
    rows = {c.pk: c for c in track_selectors.citizen_list(user=personas.caseworker, show=shown)}
    assert set(rows) == {on_track.pk, waiting.pk, left.pk}
    assert rows[on_track.pk].phase == Phase.TRAINING
    assert rows[on_track.pk].hours_this_week == Decimal("7.50")
    assert rows[on_track.pk].is_active
    assert rows[waiting.pk].phase == Phase.VISITED
    assert rows[waiting.pk].days_waited == timedelta(days=30)
    assert rows[waiting.pk].visitation_overdue
    assert not rows[left.pk].is_active
    assert rows[left.pk].revisitation_overdue
    assert monday <= today


def test_the_citizen_list_takes_one_query_however_many_citizens(personas):
    for _ in range(3):
        citizen_in(personas.own, personas.cluster)
    with CaptureQueriesContext(connection) as few:
        list(track_selectors.citizen_list(user=personas.caseworker))
    for _ in range(15):
        citizen_in(personas.own, personas.cluster)
    with CaptureQueriesContext(connection) as many:
        rows = list(track_selectors.citizen_list(user=personas.caseworker))
        [(c.municipality.name, c.employment_actor.name, c.cluster.number) for c in rows]
    assert len(few.captured_queries) == len(many.captured_queries) == 1


def test_the_week_grid_lists_the_actors_citizens_on_track_that_week(personas):
    week = date(2024, 3, 4)
    a = citizen_in(personas.own, personas.cluster, phase1_start=date(2024, 1, 8))
    citizen_in(personas.own, personas.cluster, phase1_start=date(2024, 4, 1))  # not yet
    gone = citizen_in(personas.own, personas.cluster, phase1_start=date(2024, 1, 8))
    ExitFormFactory(citizen=gone, exit_date=date(2024, 2, 1))
    citizen_in(personas.foreign, personas.cluster, phase1_start=date(2024, 1, 8))
    hours_services.hours_save_week(
        actor=personas.actor,
        week=week,
        rows=[HoursRow(a.pk, "practice", "12"), HoursRow(a.pk, "paid", "6")],
    )
    with CaptureQueriesContext(connection) as ctx:
        grid = hours_selectors.actor_week_grid(user=personas.actor, week=week + timedelta(days=2))
    assert len(ctx.captured_queries) == 2
    assert grid.label == "2024-W10"
    assert [row.citizen.pk for row in grid.rows] == [a.pk]
    assert grid.rows[0].total == Decimal("18")
    assert grid.rows[0].editable
    assert grid.totals == {"practice": Decimal("12"), "paid": Decimal("6")}


def test_the_revisitation_overview_shows_open_slots_and_overdue_exits(personas):
    today = timezone.localdate()
    for _ in range(3):
        citizen_in(personas.own, personas.cluster, phase1_start=today - timedelta(days=30))
    leaver = citizen_in(personas.own, personas.cluster, phase1_start=today - timedelta(days=90))
    overdue = ExitFormFactory(citizen=leaver, exit_date=today - timedelta(days=29), early=True)
    with CaptureQueriesContext(connection) as ctx:
        rows = track_selectors.revisitation_overview(user=personas.caseworker)
    # The memberships, the slots' figures (looked up, and counted in two: this test's own
    # writes are not committed, so nothing is kept), the exits shown and their proposals.
    assert len(ctx.captured_queries) == 6
    (row,) = rows
    assert (row.slots, row.places, row.active, row.open_places) == (12, 96, 3, 93)
    assert row.overdue_exits == [overdue]
    assert (row.waiting, row.overdue, row.more) == (1, 1, 0)
    assert track_selectors.revisitation_overview(user=personas.developer) == []
    assert len(track_selectors.revisitation_overview(user=personas.controller)) == 2


def test_the_revisitation_overview_shows_each_slots_most_urgent_exits_in_constant_queries(
    personas,
):
    today = timezone.localdate()

    def early_exits(n, days_ago):
        for i in range(n):
            leaver = citizen_in(personas.own, personas.cluster, phase1_start=today - timedelta(90))
            ExitFormFactory(citizen=leaver, exit_date=today - timedelta(days_ago + i), early=True)

    early_exits(2, 1)
    with CaptureQueriesContext(connection) as few:
        track_selectors.revisitation_overview(user=personas.controller, per_slot=3)
    early_exits(5, 40)  # older, so more urgent: past their four weeks
    with CaptureQueriesContext(connection) as many:
        rows = track_selectors.revisitation_overview(user=personas.controller, per_slot=3)
    assert len(many.captured_queries) == len(few.captured_queries) == 6
    (own,) = [r for r in rows if r.membership.municipality_id == personas.own.municipality.pk]
    assert (own.waiting, own.overdue, len(own.waiting_exits), own.more) == (7, 5, 3, 4)
    assert [e.exit_date for e in own.waiting_exits] == [
        today - timedelta(days=d) for d in (44, 43, 42)
    ]
    (alone,) = track_selectors.revisitation_overview(
        user=personas.controller, municipality_id=personas.own.municipality.pk, per_slot=None
    )
    assert (len(alone.waiting_exits), alone.more) == (7, 0)


def test_an_open_place_shows_its_clock_and_each_proposals_search_and_decision_time(
    personas, monkeypatch
):
    freeze_today(monkeypatch, date(2026, 11, 30))
    leaver = citizen_in(personas.own, personas.cluster, phase1_start=date(2026, 3, 2))
    early = ExitFormFactory(citizen=leaver, exit_date=date(2026, 10, 1), early=True)
    rejected = track_services.visitation_propose(
        citizen=CitizenFactory(municipality=personas.own.municipality, phase1_start=None),
        by=personas.caseworker,
        proposed_on=date(2026, 10, 11),
        replaces_exit=early,
    )
    track_services.visitation_reject(
        visitation=rejected, by=personas.actor, reason="Ingen plads", reviewed_on=date(2026, 10, 14)
    )
    waiting = track_services.visitation_propose(
        citizen=CitizenFactory(municipality=personas.own.municipality, phase1_start=None),
        by=personas.caseworker,
        proposed_on=date(2026, 11, 20),
        replaces_exit=early,
    )

    with CaptureQueriesContext(connection) as ctx:
        (place,) = track_selectors.revisitations_due(user=personas.caseworker)
        figures = [(v.pk, v.search_days, v.decision_days) for v in place.proposals]
    assert len(ctx.captured_queries) == 2
    assert place == early
    assert (place.days_open, place.revisitation_deadline) == (60, date(2026, 10, 29))
    assert place.place_overdue and place.proposal_pending
    # Search time: exit → proposal; decision time: proposal → decision, or waited so far.
    assert figures == [(rejected.pk, 10, 3), (waiting.pk, 50, 10)]
    left = track_selectors.citizen_list(
        user=personas.caseworker, show=["revisitation_from", "revisitation_overdue"]
    ).get(pk=leaver.pk)
    assert left.revisitation_from == date(2026, 10, 1) and left.revisitation_overdue

    track_services.visitation_accept(visitation=waiting, by=personas.actor)
    assert not track_selectors.revisitations_due(user=personas.caseworker).exists()
    (row,) = track_selectors.revisitation_overview(user=personas.caseworker)
    assert (row.waiting, row.overdue, row.waiting_exits) == (0, 0, [])
    left = track_selectors.citizen_list(
        user=personas.caseworker, show=["revisitation_from", "revisitation_overdue"]
    ).get(pk=leaver.pk)
    assert left.revisitation_from is None and not left.revisitation_overdue


def test_the_revisitation_overview_counts_a_place_with_only_rejected_proposals_as_open(personas):
    today = timezone.localdate()
    leaver = citizen_in(personas.own, personas.cluster, phase1_start=today - timedelta(days=90))
    early = ExitFormFactory(citizen=leaver, exit_date=today - timedelta(days=30), early=True)
    VisitationFactory(
        citizen=CitizenFactory(municipality=personas.own.municipality, phase1_start=None),
        status="rejected",
        rejection_reason="Passer ikke",
        proposed_on=today - timedelta(days=20),
        replaces_exit=early,
    )
    (row,) = track_selectors.revisitation_overview(user=personas.caseworker)
    assert row.waiting_exits == [early] and row.overdue_exits == [early]
    (proposal,) = row.waiting_exits[0].proposals
    assert (proposal.search_days, proposal.rejection_reason) == (10, "Passer ikke")
    assert not row.waiting_exits[0].proposal_pending


def test_the_timeline_holds_every_event_and_hides_sensitive_notes_from_the_lead(personas):
    citizen = citizen_in(personas.own, personas.cluster)
    track_services.track_start_phase(citizen=citizen, by=None, phase=2, start=date(2024, 7, 8))
    PauseFactory(citizen=citizen)
    PlacementFactory(citizen=citizen, end=date(2024, 12, 1))
    ExitFormFactory(citizen=citizen, exit_date=date(2024, 12, 20))
    CaseNoteFactory(citizen=citizen, sensitive=True)
    kinds = {
        e.kind for e in track_selectors.citizen_timeline(citizen=citizen, user=personas.caseworker)
    }
    assert kinds == {"phase", "visitation", "pause", "placement", "exit", "note"}
    lead_kinds = {
        e.kind for e in track_selectors.citizen_timeline(citizen=citizen, user=personas.lead)
    }
    assert "note" not in lead_kinds
    events = track_selectors.citizen_timeline(citizen=citizen, user=personas.caseworker)
    assert events == sorted(events, key=lambda e: e.day, reverse=True)


def test_the_citizen_list_refuses_to_show_what_it_does_not_know(personas):
    with pytest.raises(ValueError, match="cpr"):
        track_selectors.citizen_list(user=personas.caseworker, show=["cpr"])


def test_the_week_grid_keeps_a_citizen_leaving_in_the_week_or_back_after_leaving(personas):
    week = date(2024, 3, 4)
    start = date(2024, 1, 8)
    leaving = citizen_in(personas.own, personas.cluster, phase1_start=start)
    ExitFormFactory(citizen=leaving, exit_date=date(2024, 2, 1))
    ExitFormFactory(citizen=leaving, exit_date=date(2024, 3, 6))  # the last: in the week
    back = citizen_in(personas.own, personas.cluster, phase1_start=start)
    ExitFormFactory(citizen=back, exit_date=date(2024, 2, 1))
    VisitationFactory(citizen=back, status="accepted", proposed_on=date(2024, 2, 20))
    gone = citizen_in(personas.own, personas.cluster, phase1_start=start)
    ExitFormFactory(citizen=gone, exit_date=date(2024, 2, 1))
    VisitationFactory(citizen=gone, status="accepted", proposed_on=date(2024, 3, 11))  # later
    leaves_later = citizen_in(personas.own, personas.cluster, phase1_start=start)
    ExitFormFactory(citizen=leaves_later, exit_date=date(2024, 3, 20))

    grid = hours_selectors.actor_week_grid(user=personas.actor, week=week, per_page=10)

    rows = {row.citizen.pk: row for row in grid.rows}
    assert set(rows) == {leaving.pk, back.pk, leaves_later.pk}
    assert grid.page.paginator.count == 3
    assert rows[back.pk].editable and rows[leaves_later.pk].editable
