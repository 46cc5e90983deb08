from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accelerator.models import CompanyRole
from participants.models import (
    ExitStatus,
    FollowUpKind,
    NotAvailableReason,
    Placement,
    PlacementKind,
)
from participants.placements import services as placements_services
from participants.track import services as track_services
from tests.factories.participants import CompanyFactory, HoursEntryFactory

from .helpers import citizen_in

pytestmark = pytest.mark.django_db
START = date(2024, 3, 4)


@pytest.fixture
def citizen(personas):
    return citizen_in(personas.own, personas.cluster)


def make_placement(citizen, kind=PlacementKind.LOENTILSKUD, **extra):
    return placements_services.placement_create(
        citizen=citizen,
        by=None,
        kind=kind,
        company=CompanyFactory(cvr="35740015"),
        start=START,
        hours_per_week=Decimal("4"),
        steps=[
            (START + timedelta(weeks=4), Decimal("8")),
            (START + timedelta(weeks=8), Decimal("12")),
        ],
        **extra,
    )


def test_hours_in_a_placement_rise_by_dated_steps(citizen):
    placement = make_placement(citizen)
    assert placement.hours_on(START) == Decimal("4")
    assert placement.hours_on(START + timedelta(weeks=5)) == Decimal("8")
    assert placement.hours_on(START + timedelta(weeks=9)) == Decimal("12")


def test_paid_placements_have_retention_checkpoints_at_13_26_52_weeks(citizen):
    placement = make_placement(citizen, end=START + timedelta(weeks=30))
    rows = placement.retention_checkpoints(as_of=START + timedelta(weeks=60))
    assert [(r["weeks"], r["reached"], r["lost"]) for r in rows] == [
        (13, True, False),
        (26, True, False),
        (52, False, True),
    ]
    assert make_placement(citizen, kind=PlacementKind.PRAKTIK).retention_checkpoints() == []


def test_retention_is_confirmed_only_when_due(citizen):
    placement = make_placement(citizen)
    with pytest.raises(ValidationError):
        placements_services.placement_confirm_retention(
            placement=placement, by=None, weeks=13, confirmed_on=START + timedelta(weeks=12)
        )
    placements_services.placement_confirm_retention(
        placement=placement, by=None, weeks=13, confirmed_on=START + timedelta(weeks=13)
    )
    assert placement.retained_13_confirmed_on == START + timedelta(weeks=13)


def test_placements_of_a_dropped_out_company_move_to_a_support_company(citizen):
    placement = make_placement(citizen)
    support = CompanyFactory(cvr="35740058", role=CompanyRole.SUPPORT)
    on = START + timedelta(weeks=6)
    moved = placements_services.company_placements_move(
        from_company=placement.company, to_company=support, by=None, on=on
    )
    assert len(moved) == 1
    placement.refresh_from_db()
    assert placement.end == on - timedelta(days=1)
    new = moved[0]
    assert (new.company, new.start, new.moved_from) == (support, on, placement)
    assert new.hours_per_week == Decimal("8")
    assert [s.hours_per_week for s in new.steps.all()] == [Decimal("12")]
    assert Placement.objects.filter(citizen=citizen).count() == 2


def test_an_exit_to_not_available_needs_a_reason_deceased_is_one(citizen):
    with pytest.raises(ValidationError):
        track_services.exit_register(
            citizen=citizen, by=None, exit_date=START, status=ExitStatus.NOT_AVAILABLE
        )
    exit_form = track_services.exit_register(
        citizen=citizen,
        by=None,
        exit_date=START,
        status=ExitStatus.NOT_AVAILABLE,
        not_available_reason=NotAvailableReason.DECEASED,
    )
    assert exit_form.not_available_reason == "deceased"


def test_an_early_exit_sets_the_revisitation_deadline_4_weeks_later(citizen):
    exit_form = track_services.exit_register(
        citizen=citizen, by=None, exit_date=START, status=ExitStatus.UNEMPLOYED, early=True
    )
    assert exit_form.revisitation_deadline == START + timedelta(weeks=4)


def test_an_exit_before_hours_already_logged_is_refused(citizen):
    HoursEntryFactory(citizen=citizen, week_start=START + timedelta(weeks=1))
    with pytest.raises(ValidationError, match="timer efter"):
        track_services.exit_register(citizen=citizen, by=None, exit_date=START, status="unemployed")


def test_a_citizen_cannot_leave_twice_without_reentry(citizen):
    track_services.exit_register(citizen=citizen, by=None, exit_date=START, status="unemployed")
    with pytest.raises(ValidationError, match="allerede"):
        track_services.exit_register(
            citizen=citizen, by=None, exit_date=START + timedelta(1), status="education"
        )


def test_reentry_keeps_one_participant_and_the_last_exit_counts(citizen, personas):
    first = track_services.exit_register(
        citizen=citizen, by=None, exit_date=START, status="unemployed"
    )
    again = track_services.visitation_propose(
        citizen=citizen, by=personas.caseworker, proposed_on=START + timedelta(days=60)
    )
    track_services.visitation_accept(visitation=again, by=personas.actor)
    last = track_services.exit_register(
        citizen=citizen,
        by=None,
        exit_date=START + timedelta(days=200),
        status=ExitStatus.EMPLOYED_FLEX,
        employer_name="Kommunens vej og park",
    )
    assert citizen.last_exit() == last != first


def test_follow_ups_are_one_per_kind_and_not_before_the_exit(citizen):
    exit_form = track_services.exit_register(
        citizen=citizen, by=None, exit_date=START, status="unemployed"
    )
    with pytest.raises(ValidationError):
        track_services.followup_register(
            exit=exit_form,
            by=None,
            kind=FollowUpKind.SIX_MONTHS,
            followed_up_on=START - timedelta(1),
            status="unemployed",
        )
    due = exit_form.follow_up_due(FollowUpKind.SIX_MONTHS)
    track_services.followup_register(
        exit=exit_form, by=None, kind="6m", followed_up_on=due, status="unemployed"
    )
    again = track_services.followup_register(
        exit=exit_form, by=None, kind="6m", followed_up_on=due, status="employed_small_job"
    )
    assert exit_form.follow_ups.get() == again
    assert again.status == "employed_small_job"


def test_a_note_is_added_with_its_sensitivity(citizen, personas):
    note = track_services.note_add(
        citizen=citizen, by=personas.actor, text="Tandlæge", sensitive=True
    )
    assert note.sensitive and note.written_by == personas.actor
