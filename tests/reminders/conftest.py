from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.factories.participants import CitizenFactory, VisitationFactory

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def on(day: date):
    """Freeze the clock at noon, Copenhagen time, on a day."""
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 12, tzinfo=COPENHAGEN), tick=False
    )


@pytest.fixture
def in_track(personas):
    """A citizen of the own world (Køge, the Stevns actor) in the track: visited on the
    day given and, unless phase1 is None, in phase 1 from its day."""

    def make(*, visited: date, phase1: date | None = None, **fields):
        citizen = CitizenFactory(
            municipality=personas.own.municipality,
            employment_actor=personas.own.actor_org,
            cluster=personas.cluster,
            phase1_start=phase1,
            **fields,
        )
        VisitationFactory(citizen=citizen, proposed_on=visited)
        return citizen

    return make
