"""The data-quality queries (participants/track/quality.py): each rule finds a stored row
that breaks it and not the row just inside it. The rows are inserted directly with the
factories, as rows stored before the rules were; the services would refuse them."""

from datetime import date, timedelta

import pytest
from django.db import connection

from participants.models import (
    Citizen,
    PlacementKind,
    VisitationStatus,
)
from participants.track.quality import Finding, counts_by_rule, findings
from participants.track.rules import Rule
from tests.factories.participants import (
    CitizenFactory,
    CompetenceCourseFactory,
    ExitFormFactory,
    FollowUpFactory,
    HoursEntryFactory,
    PauseFactory,
    PlacementFactory,
    VisitationFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date(2024, 6, 12)  # a Wednesday
P1 = date(2024, 1, 10)  # a Wednesday: its week starts Monday 8 January


def citizen(**fields) -> Citizen:
    """A citizen whose track obeys every rule: visited, then phase 1 from P1."""
    person = CitizenFactory(phase1_start=P1, **fields)
    VisitationFactory(citizen=person, proposed_on=P1 - timedelta(days=7))
    return person


def found(rule: str, citizens=None) -> set[tuple[str, int]]:
    rows = findings(citizens or Citizen.objects.all(), TODAY, [rule])
    return {(row["record"], row["record_ref"]) for row in rows}


def test_a_clean_track_has_no_findings():
    person = citizen()
    HoursEntryFactory(citizen=person, week_start=date(2024, 1, 8))
    PlacementFactory(citizen=person, start=P1, end=date(2024, 3, 1))
    assert list(findings(Citizen.objects.all(), TODAY)) == []
    assert set(counts_by_rule(Citizen.objects.all(), TODAY).values()) == {0}


def test_phase1_without_an_accepted_visitation():
    bare = CitizenFactory(phase1_start=P1)
    proposed = CitizenFactory(phase1_start=P1)
    VisitationFactory(citizen=proposed, status=VisitationStatus.PROPOSED)
    visited = citizen()
    not_started = CitizenFactory(phase1_start=None)
    assert found(Rule.PHASE1_WITHOUT_VISITATION) == {("phase1", bare.pk), ("phase1", proposed.pk)}
    assert visited.pk and not_started.pk


def test_phase1_before_the_first_accepted_visitation():
    early = CitizenFactory(phase1_start=P1)
    VisitationFactory(citizen=early, proposed_on=P1 + timedelta(days=1))
    same_day = CitizenFactory(phase1_start=P1)
    VisitationFactory(citizen=same_day, proposed_on=P1)
    # A later re-visitation does not move the first.
    reentered = citizen()
    VisitationFactory(citizen=reentered, proposed_on=P1 + timedelta(days=90))
    rows = list(findings(Citizen.objects.all(), TODAY, [Rule.PHASE1_BEFORE_VISITATION]))
    assert [(r["citizen_ref"], r["day"], r["limit"]) for r in rows] == [
        (early.pk, P1, P1 + timedelta(days=1))
    ]


def _drop_phase_order_checks():
    """The phase-order CHECKs guard new rows; the rows they report were stored before them."""
    with connection.cursor() as cursor:
        for name in (
            "citizen_phase2_not_before_phase1",
            "citizen_phase3_not_before_phase1",
            "citizen_phase3_not_before_phase2",
        ):
            cursor.execute(f"ALTER TABLE participants_citizen DROP CONSTRAINT {name}")


def test_phases_out_of_order():
    _drop_phase_order_checks()
    day = timedelta(days=1)
    phase2_early = citizen(phase2_start=P1 - day)
    phase3_before_2 = citizen(phase2_start=P1 + 10 * day, phase3_start=P1 + 9 * day)
    phase3_before_1 = citizen(phase3_start=P1 - day)
    same_days = citizen(phase2_start=P1, phase3_start=P1)
    rows = findings(Citizen.objects.all(), TODAY, [Rule.PHASE_ORDER])
    assert {(r["citizen_ref"], r["record"], r["day"], r["limit"]) for r in rows} == {
        (phase2_early.pk, "phase2", P1 - day, P1),
        (phase3_before_2.pk, "phase3", P1 + 9 * day, P1 + 10 * day),
        (phase3_before_1.pk, "phase3", P1 - day, P1),
    }
    assert same_days.pk


def test_phase_starts_and_exits_after_today():
    tomorrow = TODAY + timedelta(days=1)
    future = citizen(phase2_start=tomorrow)
    today = citizen(phase2_start=TODAY)
    late_exit = ExitFormFactory(citizen=citizen(), exit_date=tomorrow)
    ExitFormFactory(citizen=citizen(), exit_date=TODAY)
    assert found(Rule.DATE_IN_FUTURE) == {("phase2", future.pk), ("exit", late_exit.pk)}
    assert today.pk


def test_an_exit_before_the_track_began():
    before = ExitFormFactory(citizen=citizen(), exit_date=P1 - timedelta(days=1))
    ExitFormFactory(citizen=citizen(), exit_date=P1)
    # Without phase 1 the track began with the accepted visitation.
    visited_only = CitizenFactory(phase1_start=None)
    VisitationFactory(citizen=visited_only, proposed_on=date(2024, 3, 1))
    ExitFormFactory(citizen=visited_only, exit_date=date(2024, 3, 1))
    never_visited = ExitFormFactory(citizen=CitizenFactory(phase1_start=None))
    assert found(Rule.EXIT_BEFORE_START) == {("exit", before.pk), ("exit", never_visited.pk)}


def test_hours_before_the_week_of_phase1_and_after_the_exit_in_force():
    person = citizen()
    too_early = HoursEntryFactory(citizen=person, week_start=date(2024, 1, 1))
    HoursEntryFactory(citizen=person, week_start=date(2024, 1, 8))  # phase 1's week
    ExitFormFactory(citizen=person, exit_date=date(2024, 3, 13))  # a Wednesday
    HoursEntryFactory(citizen=person, week_start=date(2024, 3, 11))  # the exit's week
    after_exit = HoursEntryFactory(citizen=person, week_start=date(2024, 3, 25))
    # Visited again on Wednesday 3 April: that week is inside the new stay.
    VisitationFactory(citizen=person, proposed_on=date(2024, 4, 3))
    HoursEntryFactory(citizen=person, week_start=date(2024, 4, 1))
    HoursEntryFactory(citizen=person, week_start=date(2024, 5, 6))
    # A zero is not hours.
    HoursEntryFactory(citizen=person, week_start=date(2024, 3, 18), hours=0)
    never_started = HoursEntryFactory(citizen=CitizenFactory(phase1_start=None))
    assert found(Rule.HOURS_OUTSIDE_TRACK) == {
        ("hours", too_early.pk),
        ("hours", after_exit.pk),
        ("hours", never_started.pk),
    }


def test_hours_for_a_week_that_has_not_begun():
    person = citizen()
    HoursEntryFactory(citizen=person, week_start=date(2024, 6, 10))  # this week
    ahead = HoursEntryFactory(citizen=person, week_start=date(2024, 6, 17))
    assert found(Rule.HOURS_IN_FUTURE) == {("hours", ahead.pk)}


def test_hours_in_a_week_paused_monday_to_friday():
    person = citizen()
    PauseFactory(citizen=person, start=date(2024, 2, 5), end=date(2024, 2, 9))
    paused = HoursEntryFactory(citizen=person, week_start=date(2024, 2, 5))
    PauseFactory(citizen=person, start=date(2024, 2, 12), end=date(2024, 2, 15))  # not Friday
    HoursEntryFactory(citizen=person, week_start=date(2024, 2, 12))
    PauseFactory(citizen=person, start=date(2024, 4, 2), end=None)  # open, from a Tuesday
    HoursEntryFactory(citizen=person, week_start=date(2024, 4, 1))
    still_paused = HoursEntryFactory(citizen=person, week_start=date(2024, 4, 8))
    assert found(Rule.HOURS_IN_PAUSE) == {("hours", paused.pk), ("hours", still_paused.pk)}


def test_practice_placements_pauses_and_courses_outside_the_track():
    person = citizen()
    exit_day = date(2024, 5, 31)
    ExitFormFactory(citizen=person, exit_date=exit_day)
    early = PlacementFactory(citizen=person, start=P1 - timedelta(days=1), end=P1)
    PlacementFactory(citizen=person, start=P1, end=exit_day)
    past = PlacementFactory(citizen=person, start=P1, end=exit_day + timedelta(days=1))
    open_course = CompetenceCourseFactory(citizen=person, start=date(2024, 3, 1), end=None)
    open_pause = PauseFactory(citizen=person, start=date(2024, 4, 1), end=None)
    CompetenceCourseFactory(citizen=person, start=date(2024, 3, 1), end=exit_day)
    # The paid job the citizen leaves into runs on, and may begin after the exit.
    PlacementFactory(citizen=person, kind=PlacementKind.LOENTILSKUD, start=P1, end=None)
    PlacementFactory(citizen=person, kind=PlacementKind.ORDINAER, start=date(2024, 6, 3))
    paid_early = PlacementFactory(
        citizen=person, kind=PlacementKind.FLEKSJOB, start=P1 - timedelta(days=1)
    )
    assert found(Rule.RECORD_OUTSIDE_TRACK) == {
        ("placement", early.pk),
        ("placement", past.pk),
        ("course", open_course.pk),
        ("pause", open_pause.pk),
        ("placement", paid_early.pk),
    }


def test_a_practice_placement_between_an_exit_and_the_reentry():
    person = citizen()
    ExitFormFactory(citizen=person, exit_date=date(2024, 3, 1))
    VisitationFactory(citizen=person, proposed_on=date(2024, 4, 2))
    gap = PlacementFactory(citizen=person, start=date(2024, 4, 1), end=date(2024, 4, 20))
    PlacementFactory(citizen=person, start=date(2024, 4, 2), end=date(2024, 4, 20))
    assert found(Rule.RECORD_OUTSIDE_TRACK) == {("placement", gap.pk)}


def test_follow_ups_on_or_before_their_exit():
    exit_form = ExitFormFactory(citizen=citizen(), exit_date=date(2024, 3, 1))
    same_day = FollowUpFactory(exit=exit_form, kind="6m", followed_up_on=date(2024, 3, 1))
    FollowUpFactory(exit=exit_form, kind="2y", followed_up_on=date(2024, 3, 2))
    rows = list(findings(Citizen.objects.all(), TODAY, [Rule.FOLLOWUP_BEFORE_EXIT]))
    assert [(r["record_ref"], r["citizen_ref"], r["limit"]) for r in rows] == [
        (same_day.pk, exit_form.citizen_id, date(2024, 3, 1))
    ]


def test_findings_of_every_rule_are_counted_and_scoped_by_the_citizens_given(personas):
    own = citizen(municipality=personas.own.municipality)
    foreign = citizen(municipality=personas.foreign.municipality)
    for person in (own, foreign):
        HoursEntryFactory(citizen=person, week_start=date(2024, 6, 17))
        ExitFormFactory(citizen=person, exit_date=P1 - timedelta(days=1))
    everyone = counts_by_rule(Citizen.objects.all(), TODAY)
    assert everyone[Rule.HOURS_IN_FUTURE] == 2
    assert everyone[Rule.EXIT_BEFORE_START] == 2
    assert everyone[Rule.HOURS_OUTSIDE_TRACK] == 2  # hours after the (early) exit
    assert set(everyone) == set(Rule.values)
    lead = Citizen.objects.for_user(personas.lead)
    scoped = [Finding.from_row(row) for row in findings(lead, TODAY)]
    assert {f.citizen_id for f in scoped} == {own.pk}
    assert sum(counts_by_rule(lead, TODAY).values()) == len(scoped) == 3
    assert counts_by_rule(lead, TODAY, [Rule.HOURS_IN_FUTURE]) == {Rule.HOURS_IN_FUTURE: 1}


def test_no_citizens_no_findings():
    ExitFormFactory(citizen=citizen(), exit_date=TODAY + timedelta(days=1))
    assert list(findings(Citizen.objects.none(), TODAY)) == []
    assert set(counts_by_rule(Citizen.objects.none(), TODAY).values()) == {0}
