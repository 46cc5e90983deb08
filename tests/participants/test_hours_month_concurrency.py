"""Two writers of the weekly hours at once: the roll-up's statement trigger takes turns."""

import threading
import time
from datetime import date
from decimal import Decimal

import psycopg
import pytest
from django.db import connection

from participants.models import HoursEntry, HoursKind
from tests.factories.participants import CitizenFactory, HoursEntryFactory
from tests.participants.test_hours_month import KINDS, from_the_weeks, rolled_up

pytestmark = pytest.mark.django_db(transaction=True)


def _session():
    """A second connection of its own to the test database, as another request would have."""
    return psycopg.connect(**connection.get_connection_params())


def _waits_for_a_lock(session, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                [session.info.backend_pid],
            )
            if cursor.fetchone() == ("Lock",):
                return True
        time.sleep(0.02)
    return False


# A lock per share of the citizens (id modulo 256): participants/migrations/0004.
LOCK_SHARES = 256
_ADD = (
    "UPDATE participants_hoursentry SET hours = hours + 1"
    " WHERE citizen_id = %s AND kind = %s AND week_start >= %s AND week_start <= %s"
)


def test_two_writers_of_one_citizens_hours_take_turns_instead_of_deadlocking():
    citizen = CitizenFactory()
    march, april = date(2024, 3, 4), date(2024, 4, 1)
    for week in (march, april):
        for kind in KINDS:
            HoursEntryFactory(citizen=citizen, week_start=week, kind=kind, hours=Decimal(10))
    grid, upload = _session(), _session()
    failures = []

    # The grid saves April's practice hours and its request goes on (the transaction is open).
    grid.execute(_ADD, [citizen.pk, HoursKind.PRACTICE, april, april])

    def upload_training():  # March and April's training hours, in one statement
        try:
            upload.execute(_ADD, [citizen.pk, HoursKind.TRAINING, march, april])
            upload.commit()
        except Exception as error:  # noqa: BLE001 - the test reports what the writer met
            failures.append(error)
            upload.rollback()

    thread = threading.Thread(target=upload_training)
    thread.start()
    try:
        assert _waits_for_a_lock(upload)
        # The grid then saves March's practice hours: the upload, waiting, must hold nothing
        # of the citizen's months that the grid needs.
        grid.execute(_ADD, [citizen.pk, HoursKind.PRACTICE, march, march])
        grid.commit()
    finally:
        thread.join(timeout=30)
        grid.close()
        upload.close()
    assert failures == []
    assert rolled_up() == from_the_weeks()
    assert set(HoursEntry.objects.values_list("hours", flat=True)) == {Decimal(11)}


def _advisory_locks(session) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = %s",
            [session.info.backend_pid],
        )
        return cursor.fetchone()[0]


def test_writers_of_other_citizens_go_on_and_a_bulk_write_takes_a_bounded_number_of_locks():
    citizens = CitizenFactory.create_batch(300)
    one, other = citizens[:2]
    week = date(2024, 3, 4)
    for citizen in (one, other):
        HoursEntryFactory(citizen=citizen, week_start=week, hours=Decimal(10))
    first, second = _session(), _session()
    try:
        first.execute(_ADD, [one.pk, HoursKind.TRAINING, week, week])
        assert _advisory_locks(first) == 1
        second.execute("SET lock_timeout = '2s'")
        second.execute(_ADD, [other.pk, HoursKind.TRAINING, week, week])
        second.commit()
        first.commit()
        # One statement over 300 citizens' weeks (a COPY writes 50,000 citizens'): a lock
        # per share of the citizens, never one per citizen, or PostgreSQL's lock table
        # runs out.
        first.execute(
            "INSERT INTO participants_hoursentry"
            " (citizen_id, week_start, iso_year, iso_week, kind, hours, updated_at)"
            " SELECT id, %s, 2024, 15, %s, 5, now() FROM participants_citizen",
            [date(2024, 4, 8), HoursKind.TRAINING],
        )
        assert _advisory_locks(first) == LOCK_SHARES
        first.commit()
    finally:
        first.close()
        second.close()
    assert rolled_up() == from_the_weeks()
