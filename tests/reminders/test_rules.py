"""Each rule around its deadline: the day before its reminder goes out, the day it does, and
after the work is done."""

from datetime import date, timedelta
from decimal import Decimal

from accelerator.models import MilestoneKind
from participants.models import ExitStatus, VisitationStatus
from reminders.models import RuleKind
from reminders.rules import due_for
from reporting.models import JobStatus, ReportFormat, ReportJob, ReportKind
from siv.roles import Role
from tests.factories.accelerator import CompanyFactory, MilestoneFactory
from tests.factories.participants import (
    CitizenFactory,
    ExitFormFactory,
    FollowUpFactory,
    HoursEntryFactory,
    PauseFactory,
    PlacementFactory,
    ScreeningFactory,
    VisitationFactory,
)
from tests.factories.partnerships import UserFactory

from .conftest import on


def due(user, day: date, kind: RuleKind) -> list[tuple[str, date]]:
    """The (subject label, due date) of the user's reminders of one rule on a day."""
    with on(day):
        return [(d.label, d.due_on) for rule, d in due_for(user, day) if rule.kind == kind]


def test_a_proposed_visitation_is_reminded_a_week_before_its_four_weeks(personas):
    citizen = CitizenFactory(
        municipality=personas.own.municipality,
        employment_actor=personas.own.actor_org,
        phase1_start=None,
    )
    proposal = VisitationFactory(
        citizen=citizen, proposed_on=date(2026, 3, 2), status=VisitationStatus.PROPOSED
    )
    deadline = date(2026, 3, 30)
    for user in (personas.caseworker, personas.actor):
        assert due(user, date(2026, 3, 22), RuleKind.VISITATION) == []
        assert due(user, date(2026, 3, 23), RuleKind.VISITATION) == [(citizen.pseudonym, deadline)]
        assert due(user, date(2026, 4, 6), RuleKind.VISITATION) == [(citizen.pseudonym, deadline)]
    # Neither the foreign caseworker nor the foreign actor hears of it.
    assert due(personas.foreign[Role.CASEWORKER], date(2026, 3, 23), RuleKind.VISITATION) == []
    assert (
        due(personas.foreign[Role.EMPLOYMENT_ACTOR], date(2026, 3, 23), RuleKind.VISITATION) == []
    )
    proposal.status = VisitationStatus.ACCEPTED
    proposal.save()
    assert due(personas.actor, date(2026, 3, 23), RuleKind.VISITATION) == []


def test_a_colleagues_citizen_is_not_the_caseworkers_reminder(personas):
    colleague = UserFactory(
        role=Role.CASEWORKER,
        municipality=personas.own.municipality,
        organisation=personas.own.jobcentre,
    )
    citizen = CitizenFactory(
        municipality=personas.own.municipality, phase1_start=None, caseworker=colleague
    )
    VisitationFactory(
        citizen=citizen, proposed_on=date(2026, 3, 2), status=VisitationStatus.PROPOSED
    )
    assert due(personas.caseworker, date(2026, 3, 23), RuleKind.VISITATION) == []
    assert due(colleague, date(2026, 3, 23), RuleKind.VISITATION) == [
        (citizen.pseudonym, date(2026, 3, 30))
    ]


def test_an_early_exit_is_reminded_until_its_place_is_visited_again(in_track, personas):
    citizen = in_track(visited=date(2026, 1, 5), phase1=date(2026, 1, 12))
    exit_form = ExitFormFactory(
        citizen=citizen, exit_date=date(2026, 3, 2), early=True, status=ExitStatus.UNEMPLOYED
    )
    caseworker = personas.caseworker
    assert due(caseworker, date(2026, 3, 22), RuleKind.REVISITATION) == []
    assert due(caseworker, date(2026, 3, 23), RuleKind.REVISITATION) == [
        (citizen.pseudonym, date(2026, 3, 30))
    ]
    assert due(personas.actor, date(2026, 3, 23), RuleKind.REVISITATION) == []
    # A rejected proposal leaves the place open; an accepted one closes it.
    newcomer = CitizenFactory(municipality=personas.own.municipality, phase1_start=None)
    VisitationFactory(
        citizen=newcomer,
        proposed_on=date(2026, 3, 20),
        status=VisitationStatus.REJECTED,
        rejection_reason="Passer ikke til pladsen",
        replaces_exit=exit_form,
    )
    assert len(due(caseworker, date(2026, 4, 2), RuleKind.REVISITATION)) == 1
    other = CitizenFactory(municipality=personas.own.municipality, phase1_start=None)
    VisitationFactory(
        citizen=other,
        proposed_on=date(2026, 3, 25),
        status=VisitationStatus.ACCEPTED,
        replaces_exit=exit_form,
    )
    assert due(caseworker, date(2026, 4, 2), RuleKind.REVISITATION) == []


def test_screening_is_reminded_a_week_into_the_track_until_it_is_registered(in_track, personas):
    citizen = in_track(visited=date(2026, 2, 23), phase1=date(2026, 3, 2))
    actor = personas.actor
    assert due(actor, date(2026, 3, 8), RuleKind.SCREENING) == []
    assert due(actor, date(2026, 3, 9), RuleKind.SCREENING) == [
        (citizen.pseudonym, date(2026, 3, 16))
    ]
    assert due(actor, date(2026, 3, 20), RuleKind.SCREENING) == [
        (citizen.pseudonym, date(2026, 3, 16))
    ]
    ScreeningFactory(citizen=citizen, screened_on=date(2026, 3, 10))
    assert due(actor, date(2026, 3, 20), RuleKind.SCREENING) == []


def _weeks(citizen, hours: list[int], first_monday: date) -> None:
    for n, h in enumerate(hours):
        if h:
            HoursEntryFactory(
                citizen=citizen, week_start=first_monday + timedelta(weeks=n), hours=Decimal(h)
            )


def test_phase1_under_ten_hours_averages_the_last_four_full_weeks(in_track, personas):
    # Wednesday 11 March 2026: the four full weeks are those from 9 February to 2 March.
    today = date(2026, 3, 11)
    low = in_track(visited=date(2026, 1, 26), phase1=date(2026, 2, 2))
    enough = in_track(visited=date(2026, 1, 26), phase1=date(2026, 2, 2))
    _weeks(low, [12, 10, 8, 9], date(2026, 2, 9))  # 39 / 4 = 9.75
    _weeks(enough, [12, 10, 8, 10], date(2026, 2, 9))  # 40 / 4 = 10
    # Hours of the week under way and of the week before the four do not count.
    _weeks(low, [40], date(2026, 3, 9))
    _weeks(low, [40], date(2026, 2, 2))
    for user in (personas.actor, personas.caseworker):
        assert due(user, today, RuleKind.PHASE1_HOURS) == [(low.pseudonym, date(2026, 3, 9))]
    # A week later the window is 16 February–9 March: `low` logged 40 hours in the last of
    # them (67 / 4), `enough` none (28 / 4), and gets a reminder due on that Monday.
    assert due(personas.actor, date(2026, 3, 18), RuleKind.PHASE1_HOURS) == [
        (enough.pseudonym, date(2026, 3, 16))
    ]


def test_a_week_on_pause_is_left_out_of_the_average(in_track, personas):
    today = date(2026, 3, 11)
    paused = in_track(visited=date(2026, 1, 26), phase1=date(2026, 2, 2))
    _weeks(paused, [10, 0, 10, 10], date(2026, 2, 9))
    assert due(personas.actor, today, RuleKind.PHASE1_HOURS) == [
        (paused.pseudonym, date(2026, 3, 9))
    ]
    PauseFactory(citizen=paused, start=date(2026, 2, 16), end=date(2026, 2, 20))
    assert due(personas.actor, today, RuleKind.PHASE1_HOURS) == []


def test_phase1_hours_wait_for_four_full_weeks_in_phase_1(in_track, personas):
    # Phase 1 from 16 February: on 11 March only three full weeks have passed.
    in_track(visited=date(2026, 2, 9), phase1=date(2026, 2, 16))
    assert due(personas.actor, date(2026, 3, 11), RuleKind.PHASE1_HOURS) == []


def test_missing_hours_of_last_week_are_reminded_on_monday(in_track, personas):
    citizen = in_track(visited=date(2026, 1, 26), phase1=date(2026, 2, 2))
    logged = in_track(visited=date(2026, 1, 26), phase1=date(2026, 2, 2))
    HoursEntryFactory(citizen=logged, week_start=date(2026, 3, 2), hours=Decimal(10))
    assert due(personas.actor, date(2026, 3, 9), RuleKind.HOURS_MISSING) == [
        (citizen.pseudonym, date(2026, 3, 9))
    ]
    HoursEntryFactory(citizen=citizen, week_start=date(2026, 3, 2), hours=Decimal(2))
    assert due(personas.actor, date(2026, 3, 9), RuleKind.HOURS_MISSING) == []
    assert due(personas.caseworker, date(2026, 3, 9), RuleKind.HOURS_MISSING) == []


def test_follow_ups_are_reminded_two_weeks_before_six_months_and_two_years(in_track, personas):
    citizen = in_track(visited=date(2024, 1, 1), phase1=date(2024, 1, 8))
    exit_form = ExitFormFactory(
        citizen=citizen, exit_date=date(2025, 9, 15), status=ExitStatus.EMPLOYED_ORDINARY
    )
    for user in (personas.caseworker, personas.actor):
        assert due(user, date(2026, 2, 28), RuleKind.FOLLOW_UP_6M) == []
        assert due(user, date(2026, 3, 1), RuleKind.FOLLOW_UP_6M) == [
            (citizen.pseudonym, date(2026, 3, 15))
        ]
    FollowUpFactory(exit=exit_form, kind="6m", followed_up_on=date(2026, 3, 16))
    assert due(personas.actor, date(2026, 3, 20), RuleKind.FOLLOW_UP_6M) == []
    assert due(personas.actor, date(2027, 8, 31), RuleKind.FOLLOW_UP_2Y) == []
    assert due(personas.actor, date(2027, 9, 1), RuleKind.FOLLOW_UP_2Y) == [
        (citizen.pseudonym, date(2027, 9, 15))
    ]


def test_a_placement_ending_is_reminded_two_weeks_ahead(in_track, personas):
    citizen = in_track(visited=date(2026, 1, 5), phase1=date(2026, 1, 12))
    PlacementFactory(citizen=citizen, start=date(2026, 2, 2), end=date(2026, 4, 30))
    actor = personas.actor
    assert due(actor, date(2026, 4, 15), RuleKind.PLACEMENT_END) == []
    assert due(actor, date(2026, 4, 16), RuleKind.PLACEMENT_END) == [
        (citizen.pseudonym, date(2026, 4, 30))
    ]
    assert due(actor, date(2026, 4, 30), RuleKind.PLACEMENT_END) == [
        (citizen.pseudonym, date(2026, 4, 30))
    ]
    assert due(actor, date(2026, 5, 1), RuleKind.PLACEMENT_END) == []


def test_a_milestone_is_reminded_to_the_companys_business_developer(personas):
    company = CompanyFactory(name="Grøn Vask ApS", business_developer=personas.developer)
    milestone = MilestoneFactory(
        company=company, kind=MilestoneKind.TASKS_IDENTIFIED, due_on=date(2026, 6, 1)
    )
    developer = personas.developer
    label = f"Grøn Vask ApS: {milestone.get_kind_display()}"
    assert due(developer, date(2026, 5, 17), RuleKind.MILESTONE) == []
    assert due(developer, date(2026, 5, 18), RuleKind.MILESTONE) == [(label, date(2026, 6, 1))]
    assert due(developer, date(2026, 6, 10), RuleKind.MILESTONE) == [(label, date(2026, 6, 1))]
    assert (
        due(personas.foreign[Role.BUSINESS_DEVELOPER], date(2026, 5, 18), RuleKind.MILESTONE) == []
    )
    milestone.done_on = date(2026, 5, 20)
    milestone.save()
    assert due(developer, date(2026, 6, 10), RuleKind.MILESTONE) == []


def _progress_statement(start: date, end: date) -> None:
    ReportJob.objects.create(
        kind=ReportKind.PROGRESS,
        format=ReportFormat.PDF,
        status=JobStatus.DONE,
        params={"start": start.isoformat(), "end": end.isoformat()},
    )


def test_the_half_yearly_progress_statement_is_reminded_until_it_is_made(personas):
    controller = personas.controller
    _progress_statement(date(2025, 7, 1), date(2025, 12, 31))
    assert due(controller, date(2026, 6, 30), RuleKind.HALF_YEAR_REPORT) == []
    assert due(controller, date(2026, 7, 1), RuleKind.HALF_YEAR_REPORT) == [
        ("Projektredegørelse 01.01.2026–30.06.2026", date(2026, 7, 31))
    ]
    assert due(personas.caseworker, date(2026, 7, 1), RuleKind.HALF_YEAR_REPORT) == []
    _progress_statement(date(2026, 1, 1), date(2026, 6, 30))
    assert due(controller, date(2026, 7, 1), RuleKind.HALF_YEAR_REPORT) == []


def test_a_deadline_passed_over_a_quarter_ago_is_no_longer_reminded(in_track, personas):
    citizen = in_track(visited=date(2024, 1, 1), phase1=date(2024, 1, 8))
    ExitFormFactory(
        citizen=citizen, exit_date=date(2025, 9, 15), status=ExitStatus.EMPLOYED_ORDINARY
    )
    six_months = date(2026, 3, 15)
    # Still reminded on the 90th day after the follow-up was due, not on the 91st.
    assert due(personas.actor, six_months + timedelta(days=90), RuleKind.FOLLOW_UP_6M) == [
        (citizen.pseudonym, six_months)
    ]
    assert due(personas.actor, six_months + timedelta(days=91), RuleKind.FOLLOW_UP_6M) == []
    company = CompanyFactory(name="Grøn Vask ApS", business_developer=personas.developer)
    MilestoneFactory(company=company, kind=MilestoneKind.TASKS_IDENTIFIED, due_on=date(2026, 5, 1))
    assert due(personas.developer, date(2026, 7, 30), RuleKind.MILESTONE) != []
    assert due(personas.developer, date(2026, 7, 31), RuleKind.MILESTONE) == []
