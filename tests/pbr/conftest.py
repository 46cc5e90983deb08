from datetime import date, timedelta
from decimal import Decimal

import pytest

from participants.models import HoursKind, PlacementKind
from tests.factories.participants import (
    CitizenFactory,
    HoursEntryFactory,
    PlacementFactory,
)
from tests.factories.partnerships import ClusterFactory, municipality

# A Monday, so weeks line up with ISO weeks.
JOB_START = date(2024, 3, 4)
TODAY = date(2025, 6, 2)


@pytest.fixture
def koege(db):
    return municipality("Køge")


@pytest.fixture
def cluster(db):
    return ClusterFactory(number=1)


@pytest.fixture
def citizen(koege, cluster):
    return CitizenFactory(municipality=koege, cluster=cluster)


def paid_placement(citizen, *, start=JOB_START, end=None, hours="20", kind=None):
    return PlacementFactory(
        citizen=citizen,
        kind=kind or PlacementKind.LOENTILSKUD,
        start=start,
        end=end,
        hours_per_week=Decimal(hours),
    )


def paid_hours(citizen, weeks: int, *, start=JOB_START, hours="20", kind=HoursKind.PAID):
    return [
        HoursEntryFactory(
            citizen=citizen,
            week_start=start + timedelta(weeks=n),
            kind=kind,
            hours=Decimal(hours),
        )
        for n in range(weeks)
    ]
