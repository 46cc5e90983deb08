from datetime import date

import pytest
import time_machine

from tests.factories.economy import sub_project_with

TODAY = date(2022, 6, 15)


@pytest.fixture
def today():
    """A day inside the project period (01.01.2018 – 30.09.2022)."""
    with time_machine.travel(date(2022, 6, 15), tick=False):
        yield TODAY


@pytest.fixture
def sjaelland(personas):
    """Region Sjælland's sub-project: Jobcenter Køge (the own municipal lead's organisation),
    Jobcenter Næstved (the foreign lead's) and the Stevns actor are its partners."""
    return sub_project_with(
        personas.own.jobcentre, personas.foreign.jobcentre, personas.own.actor_org
    )


@pytest.fixture
def midtjylland(personas):
    """Another region's sub-project, with only the foreign jobcentre as partner."""
    return sub_project_with(personas.foreign.jobcentre, region="Region Midtjylland")
