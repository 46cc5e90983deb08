"""Two writers of different citizens' hours share the statement's groups without waiting
for each other, in whatever order they write them."""

import threading
import time
from datetime import date

import psycopg
import pytest
from django.db import connection, connections

from participants.hours.services import (
    ROLL_UP_LOCK,
    ROLL_UP_SHARES,
    HoursRow,
    fold_hours_groups,
    hours_save_week,
)
from participants.models import HoursEntry, HoursKind
from tests.factories.participants import CitizenFactory
from tests.participants.helpers import citizen_in
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


def _writes_hours(session, pid: int) -> bool:
    """Whether the backend `pid` holds a write lock on the weekly hours: it has written."""
    return session.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND mode = 'RowExclusiveLock'"
        " AND relation = 'participants_hoursentry'::regclass)",
        [pid],
    ).fetchone()[0]


def test_a_grid_save_takes_every_lock_it_needs_before_it_writes(personas):
    """Two grid saves of different citizens whose shares cross must not each hold a share
    the other waits for: a save takes all its shares, in order, before its first cell."""
    first, second = (
        citizen_in(personas.own, personas.cluster),
        citizen_in(personas.own, personas.cluster),
    )
    week = date(2024, 3, 4)
    other = _session()
    other.execute("SELECT pg_advisory_lock(%s, %s)", [ROLL_UP_LOCK, second.pk % ROLL_UP_SHARES])
    pid: list[int] = []
    failed: list[BaseException] = []

    def save() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid.append(cursor.fetchone()[0])
            hours_save_week(
                actor=personas.actor,
                week=week,
                rows=[
                    HoursRow(first.pk, HoursKind.TRAINING, "5"),
                    HoursRow(second.pk, HoursKind.TRAINING, "5"),
                ],
            )
        except BaseException as exc:  # reported by the test's own thread
            failed.append(exc)
        finally:
            connections.close_all()

    saver = threading.Thread(target=save)
    saver.start()
    try:
        # Wait until the save waits for the share the other session holds.
        waiting = False
        for _ in range(200):
            waiting = other.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)",
                [pid[0] if pid else 0],
            ).fetchone()[0]
            if waiting:
                break
            time.sleep(0.05)
        assert waiting, "the save never waited for the held share"
        wrote_first = _writes_hours(other, pid[0])
    finally:
        other.execute("SELECT pg_advisory_unlock_all()")
        saver.join(timeout=30)
        other.close()
    assert not wrote_first, "the save wrote a cell before taking its locks"
    assert not failed, failed
    assert HoursEntry.objects.filter(citizen__in=[first, second]).count() == 2
