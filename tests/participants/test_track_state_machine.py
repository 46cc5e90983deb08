"""Any sequence of actions on a citizen's track, as the screens, the API and uploads make them
through the services, leaves a record that satisfies every date rule, and every refused
action writes nothing (no row, no audit entry)."""

import os
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from participants.common import week_monday
from participants.hours.services import HoursRow, hours_save_week
from participants.models import (
    ExitStatus,
    FollowUp,
    HoursEntry,
    PauseReason,
    PlacementKind,
    VisitationStatus,
)
from participants.placements import services as placements
from participants.placements.models import PAID_PLACEMENT_KINDS
from participants.track import services
from participants.track.rules import Track
from siv.models import AuditEntry
from tests.factories.participants import CompanyFactory, fake_cpr

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 18)
NOW = datetime(2025, 6, 18, 12, tzinfo=ZoneInfo("Europe/Copenhagen"))
# Dates are drawn as steps from the track's clock (the last date a write used), mostly
# forward as users register what happens, sometimes back or past today: most actions find a
# date the track can have, some do not.
days = st.integers(min_value=-15, max_value=40)
lengths = st.one_of(st.none(), st.integers(min_value=0, max_value=200))
SERIAL = count(1)


class TrackMachine(RuleBasedStateMachine):
    def __init__(self, personas, company):
        super().__init__()
        self.caseworker, self.actor = personas.caseworker, personas.actor
        self.company = company
        self.citizen = services.citizen_create(
            by=self.caseworker,
            cpr=fake_cpr(next(SERIAL), date(1979, 3, 4)),
            first_name="Test",
            last_name="Borger",
            gender="F",
            target_group="resource_course",
            benefit="kontanthjaelp",
            municipality=personas.own.municipality,
            cluster=personas.cluster,
            employment_actor=personas.own.actor_org,
        )
        self.clock = TODAY - timedelta(days=200)

    def day(self, step: int) -> date:
        return self.clock + timedelta(days=step)

    # --- What is stored --------------------------------------------------------------------

    def fingerprint(self) -> tuple:
        c = self.citizen
        fresh = type(c).objects.get(pk=c.pk)
        return (
            AuditEntry.objects.count(),
            fresh.version,
            list(c.visitations.values_list("pk", "status")),
            list(c.pauses.values_list("pk", "start", "end")),
            list(c.placements.values_list("pk", "start", "end")),
            list(c.courses.values_list("pk", "start", "end")),
            list(c.exits.values_list("pk", "exit_date")),
            list(FollowUp.objects.filter(exit__citizen=c).values_list("pk", "followed_up_on")),
            list(c.hours.values_list("week_start", "kind", "hours")),
        )

    def attempt(self, day: date, write) -> None:
        """Run a write; refused, it must leave everything as it was. A write that went
        through moves the clock to its date."""
        before = self.fingerprint()
        try:
            write()
        except ValidationError:
            assert self.fingerprint() == before, "a refused action wrote something"
        else:
            self.clock = max(self.clock, day)

    # --- Actions ---------------------------------------------------------------------------

    @initialize(step=days, accept=st.sampled_from([True, True, True, False, None]))
    def visited(self, step, accept):
        """Most tracks start from a proposal that was accepted (a few are rejected, or wait)."""
        self.propose(step)
        if accept is not None:
            self.review(accept, 3)

    @rule(step=days)
    def propose(self, step):
        day = self.day(step)
        self.attempt(
            day,
            lambda: services.visitation_propose(
                citizen=self.citizen, by=self.caseworker, proposed_on=day
            ),
        )

    @rule(accept=st.booleans(), after=st.integers(min_value=0, max_value=20))
    def review(self, accept, after):
        pending = self.citizen.visitations.filter(status=VisitationStatus.PROPOSED).first()
        if pending is None:
            return
        day = min(pending.proposed_on + timedelta(days=after), TODAY)
        if accept:
            write = lambda: services.visitation_accept(  # noqa: E731
                visitation=pending, by=self.actor, reviewed_on=day
            )
        else:
            write = lambda: services.visitation_reject(  # noqa: E731
                visitation=pending, by=self.actor, reason="Ikke nu", reviewed_on=day
            )
        self.attempt(pending.proposed_on, write)

    @rule(phase=st.sampled_from([1, 2, 3]), step=days, next_one=st.booleans())
    def start_phase(self, phase, step, next_one):
        if next_one:  # the phase after the current one, as users mostly do
            c = type(self.citizen).objects.get(pk=self.citizen.pk)
            phase = 1 if c.phase1_start is None else 2 if c.phase2_start is None else 3
        day = self.day(step)
        self.attempt(
            day,
            lambda: services.track_start_phase(
                citizen=self.citizen, by=self.actor, phase=phase, start=day
            ),
        )

    @rule(step=days, length=lengths)
    def pause(self, step, length):
        start = self.day(step)
        end = None if length is None else start + timedelta(days=length)
        self.attempt(
            start,
            lambda: services.pause_add(
                citizen=self.citizen,
                by=self.actor,
                start=start,
                end=end,
                reason=PauseReason.ILLNESS,
            ),
        )

    @rule(step=days)
    def end_pause(self, step):
        pause = self.citizen.pauses.filter(end__isnull=True).first()
        day = self.day(step)
        if pause is not None:
            self.attempt(day, lambda: services.pause_end(pause=pause, by=self.actor, end=day))

    @rule(kind=st.sampled_from(PlacementKind.values), step=days, length=lengths)
    def placement(self, kind, step, length):
        start = self.day(step)
        end = None if length is None else start + timedelta(days=length)
        self.attempt(
            start,
            lambda: placements.placement_create(
                citizen=self.citizen,
                by=self.actor,
                kind=kind,
                company=self.company,
                start=start,
                end=end,
                hours_per_week=Decimal(10),
            ),
        )

    @rule(step=days, length=lengths)
    def course(self, step, length):
        start = self.day(step)
        end = None if length is None else start + timedelta(days=length)
        self.attempt(
            start,
            lambda: services.course_register(
                citizen=self.citizen, by=self.actor, kind="amu", title="Truck", start=start, end=end
            ),
        )

    @rule(step=days, status=st.sampled_from([ExitStatus.UNEMPLOYED, ExitStatus.EDUCATION]))
    def exit(self, step, status):
        day = self.day(step)
        self.attempt(
            day,
            lambda: services.exit_register(
                citizen=self.citizen, by=self.actor, exit_date=day, status=status
            ),
        )

    @rule(kind=st.sampled_from(["6m", "2y"]), step=days)
    def follow_up(self, kind, step):
        last = self.citizen.last_exit()
        day = self.day(step)
        if last is not None:
            self.attempt(
                day,
                lambda: services.followup_register(
                    exit=last,
                    by=self.caseworker,
                    kind=kind,
                    followed_up_on=day,
                    status=ExitStatus.UNEMPLOYED,
                ),
            )

    @rule(step=days, hours=st.sampled_from(["0", "7,5", "12"]))
    def hours(self, step, hours):
        day = self.day(step)
        row = HoursRow(citizen_id=self.citizen.pk, kind="training", hours=hours)
        self.attempt(day, lambda: hours_save_week(actor=self.actor, week=day, rows=[row]))

    # --- The rules every stored track satisfies ------------------------------------------

    @invariant()
    def the_stored_track_is_possible(self):
        c = type(self.citizen).objects.get(pk=self.citizen.pk)
        accepted = sorted(
            c.visitations.filter(status=VisitationStatus.ACCEPTED).values_list(
                "proposed_on", flat=True
            )
        )
        starts = [s for s in (c.phase1_start, c.phase2_start, c.phase3_start) if s]
        if starts:
            assert accepted and accepted[0] <= starts[0], "phase 1 before the visitation"
            assert starts == sorted(starts), "phases out of order"
            assert starts[-1] <= TODAY
        exits = sorted(c.exits.values_list("exit_date", flat=True))
        for left in exits:
            assert left <= TODAY
            assert left >= (c.phase1_start or accepted[0]), "an exit before the start"
        track = Track.of(c, TODAY)
        for week in c.hours.filter(hours__gt=0).values_list("week_start", flat=True):
            assert week <= week_monday(TODAY)
            assert track.hours_errors(week) == [], week
        spans = [
            *c.pauses.values_list("start", "end"),
            *c.courses.values_list("start", "end"),
            *c.placements.exclude(kind__in=PAID_PLACEMENT_KINDS).values_list("start", "end"),
        ]
        for start, end in spans:
            assert c.phase1_start and start >= c.phase1_start
            later_exits = [d for d in exits if d >= start]
            if later_exits:
                assert end is not None and end <= later_exits[0], "a record past the exit"
        for follow_up, left in FollowUp.objects.filter(exit__citizen=c).values_list(
            "followed_up_on", "exit__exit_date"
        ):
            assert left < follow_up <= TODAY
        assert not HoursEntry.objects.filter(citizen=c, week_start__gt=TODAY).exists()


def test_any_sequence_of_actions_leaves_a_possible_track(personas):
    company = CompanyFactory(municipality=personas.own.municipality)
    with time_machine.travel(NOW, tick=False):
        run_state_machine_as_test(
            lambda: TrackMachine(personas, company),
            settings=settings(
                # A fixed sample in the suite (SIV_TRACK_EXAMPLES=500 explores further).
                max_examples=int(os.environ.get("SIV_TRACK_EXAMPLES", "40")),
                derandomize="SIV_TRACK_EXAMPLES" not in os.environ,
                stateful_step_count=25,
                deadline=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            ),
        )
