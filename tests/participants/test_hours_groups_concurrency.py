"""Two writers of different citizens' hours share the statement's groups without waiting
for each other, in whatever order they write them."""

from datetime import date

import psycopg
import pytest
from django.db import connection

from participants.hours.services import fold_hours_groups
from participants.models import HoursKind
from tests.factories.participants import CitizenFactory
from tests.participants.test_hours_groups import from_the_weeks, grouped

pytestmark = pytest.mark.django_db(transaction=True)

_INSERT = (
    "INSERT INTO participants_hoursentry"
    " (citizen_id, week_start, iso_year, iso_week, kind, hours, updated_at)"
    " VALUES (%s, %s, 2024, 1, %s, 10, now())"
)


def _session():
    """A connection of its own to the test database, as another request would have."""
    return psycopg.connect(**connection.get_connection_params())


def test_writers_of_two_citizens_in_the_same_groups_never_wait_for_each_other():
    a, b = CitizenFactory.create_batch(2)  # one municipality, cluster and benefit type
    march, april = date(2024, 3, 4), date(2024, 4, 1)
    grid, upload = _session(), _session()
    # Each holds the other's next group in an open transaction; with a shared row per
    # group the second statement of each would wait for the other: a deadlock.
    grid.execute("SET lock_timeout = '2s'")
    upload.execute("SET lock_timeout = '2s'")
    grid.execute(_INSERT, [a.pk, march, HoursKind.TRAINING])
    upload.execute(_INSERT, [b.pk, april, HoursKind.TRAINING])
    grid.execute(_INSERT, [a.pk, april, HoursKind.TRAINING])
    upload.execute(_INSERT, [b.pk, march, HoursKind.TRAINING])
    # The fold of what is committed goes on beside them as well.
    assert fold_hours_groups() == 0
    grid.commit()
    upload.commit()
    grid.close()
    upload.close()

    assert fold_hours_groups() > 0
    assert grouped() == from_the_weeks()
    assert set(grouped().values()) == {(20, 2)}
