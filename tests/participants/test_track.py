from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from participants.models import PHASE_DAYS, PauseReason, Phase
from participants.track import services
from tests.factories.participants import ExitFormFactory, PauseFactory

from .helpers import citizen_in

pytestmark = pytest.mark.django_db
START = date(2024, 1, 8)


@pytest.fixture
def citizen(personas):
    return citizen_in(personas.own, personas.cluster, phase1_start=START)


def test_phase1_is_complete_after_182_days_not_after_181(citizen):
    assert citizen.counted_days(1, START + timedelta(days=181)) == 181
    assert not citizen.phase1_complete(START + timedelta(days=181))
    assert citizen.phase1_complete(START + timedelta(days=182))


def test_an_exit_after_181_days_leaves_phase1_incomplete(citizen):
    ExitFormFactory(citizen=citizen, exit_date=START + timedelta(days=181), status="unemployed")
    assert not citizen.phase1_complete(date(2030, 1, 1))
    ExitFormFactory(citizen=citizen, exit_date=START + timedelta(days=182), status="unemployed")
    assert citizen.phase1_complete(date(2030, 1, 1))


def test_pause_days_do_not_count(citizen):
    PauseFactory(citizen=citizen, start=START + timedelta(days=10), end=START + timedelta(days=23))
    day = START + timedelta(days=182)
    assert citizen.counted_days(1, day) == 182 - 14
    assert not citizen.phase1_complete(day)
    assert citizen.phase1_complete(day + timedelta(days=14))


def test_the_planned_end_moves_with_pauses(citizen):
    assert citizen.planned_end(1) == START + timedelta(days=PHASE_DAYS)
    PauseFactory(citizen=citizen, start=START + timedelta(days=10), end=START + timedelta(days=23))
    assert citizen.planned_end(1) == START + timedelta(days=PHASE_DAYS + 14)


def test_reaching_phase2_completes_phase1_however_early(citizen):
    services.track_start_phase(citizen=citizen, by=None, phase=2, start=START + timedelta(days=60))
    assert citizen.phase1_complete(START + timedelta(days=61))
    assert citizen.current_phase(START + timedelta(days=61)) == Phase.PLACEMENT
    assert citizen.counted_days(1, START + timedelta(days=100)) == 60
    assert citizen.counted_weeks(2, START + timedelta(days=74)) == 2


def test_phase2_cannot_start_before_phase1(citizen):
    with pytest.raises(ValidationError):
        services.track_start_phase(citizen=citizen, by=None, phase=2, start=START - timedelta(1))


def test_the_track_starts_only_after_an_accepted_visitation(personas):
    citizen = citizen_in(personas.own, personas.cluster, phase1_start=None)
    citizen.visitations.update(status="proposed")
    with pytest.raises(ValidationError):
        services.track_start_phase(citizen=citizen, by=None, phase=1, start=START)


def test_pauses_cannot_overlap_and_end_after_start(citizen, personas):
    services.pause_add(
        citizen=citizen, by=personas.actor, start=START, end=START + timedelta(5), reason="illness"
    )
    with pytest.raises(ValidationError, match="overlapper"):
        services.pause_add(
            citizen=citizen, by=personas.actor, start=START + timedelta(5), reason="lockdown"
        )
    with pytest.raises(ValidationError):
        services.pause_add(
            citizen=citizen,
            by=personas.actor,
            start=START + timedelta(20),
            end=START + timedelta(10),
            reason=PauseReason.OTHER,
        )


def test_an_open_pause_is_counted_until_it_ends(citizen, personas):
    pause = services.pause_add(
        citizen=citizen, by=personas.actor, start=START + timedelta(7), reason="illness"
    )
    assert citizen.counted_days(1, START + timedelta(days=20)) == 7
    services.pause_end(pause=pause, by=personas.actor, end=START + timedelta(days=13))
    assert citizen.counted_days(1, START + timedelta(days=20)) == 20 - 7


def test_tracks_read_as_values_are_the_tracks_of_the_citizens(personas):
    """The bulk reading of tracks (an hours upload's checks) says what Track.of says:
    re-entries, pauses, exits with and without a follow-up, a citizen with nothing yet."""
    from participants.models import Citizen, VisitationStatus
    from participants.track.rules import Track, track_prefetch, tracks_of
    from tests.factories.participants import FollowUpFactory, VisitationFactory

    plain = citizen_in(personas.own, personas.cluster, phase1_start=START)
    paused = citizen_in(personas.own, personas.cluster, phase1_start=START)
    PauseFactory(citizen=paused, start=START + timedelta(days=10), end=None)
    again = citizen_in(personas.own, personas.cluster, phase1_start=START)
    ExitFormFactory(citizen=again, exit_date=START + timedelta(days=40), status="unemployed")
    VisitationFactory(
        citizen=again, status=VisitationStatus.ACCEPTED, proposed_on=START + timedelta(days=90)
    )
    VisitationFactory(
        citizen=again,
        status=VisitationStatus.REJECTED,
        proposed_on=START + timedelta(days=60),
        rejection_reason="Ikke aktuel",
    )
    left = ExitFormFactory(citizen=again, exit_date=START + timedelta(days=200))
    FollowUpFactory(exit=left)
    exited = citizen_in(personas.own, personas.cluster, phase1_start=START)
    ExitFormFactory(citizen=exited, exit_date=START + timedelta(days=30))
    waiting = citizen_in(personas.own, personas.cluster, phase1_start=None)
    ids = [c.pk for c in (plain, paused, again, exited, waiting)]
    today = START + timedelta(days=400)

    citizens = Citizen.objects.filter(pk__in=ids).prefetch_related(*track_prefetch())
    expected = {c.pk: Track.of(c, today=today) for c in citizens}
    bulk = tracks_of(Citizen.objects.filter(pk__in=ids), today=today)

    assert bulk == expected
    assert bulk[again.pk].followed_up and len(bulk[again.pk].stints) == 2
    assert bulk[paused.pk].pauses and not bulk[exited.pk].followed_up
