"""The version every shared record carries (siv.audit.save_and_record): each save raises it,
and a save from a form opened at an older version keeps what someone else changed meanwhile
or, when both changed the same field, is refused with both values and writes nothing."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from participants.models import Citizen
from participants.track import services
from siv import audit
from siv.models import AuditAction, AuditEntry
from tests.factories.participants import CitizenFactory
from tests.factories.partnerships import GrowthPartnershipFactory


def stored(citizen) -> Citizen:
    return Citizen.objects.get(pk=citizen.pk)


def edit(citizen, *, version: int, **changes):
    """A save from an edit form opened at `version` that changed `changes` and sent the rest
    of what it showed as it was."""
    shown = stored(citizen)
    sent = {"phone": shown.phone, "address": shown.address, **changes}
    return services.citizen_update(
        citizen=shown,
        by=None,
        opened=audit.Opened(version=version, touched=frozenset(changes)),
        **sent,
    )


@pytest.mark.django_db
def test_each_save_raises_the_version_and_a_save_that_changes_nothing_does_not():
    citizen = CitizenFactory(phone="11")
    assert citizen.version == 1
    services.citizen_update(citizen=citizen, by=None, phone="22")
    assert stored(citizen).version == 2
    services.citizen_update(citizen=stored(citizen), by=None, phone="22")
    assert stored(citizen).version == 2
    partnership = GrowthPartnershipFactory()
    audit.save_and_record(obj=partnership, by=None, m2m={"partners": []})
    assert partnership.version == 1  # it had no partners: nothing changed
    audit.save_and_record(obj=partnership, by=None, changes={"jobcentre_contact": "Ny"})
    partnership.refresh_from_db()
    assert partnership.version == 2


@pytest.mark.django_db
def test_changes_to_different_fields_from_the_same_version_are_both_kept():
    citizen = CitizenFactory(phone="11", address="Vej 1")
    edit(citizen, version=1, phone="22")
    edit(citizen, version=1, address="Vej 2")
    now = stored(citizen)
    assert (now.phone, now.address, now.version) == ("22", "Vej 2", 3)
    entries = AuditEntry.objects.about(citizen).filter(action=AuditAction.CHANGE).order_by("pk")
    assert [(e.details["fields"], e.details["version"]) for e in entries] == [
        (["phone"], 2),
        (["address"], 3),
    ]


@pytest.mark.django_db
def test_the_same_field_changed_from_the_same_version_is_refused_with_both_values():
    citizen = CitizenFactory(phone="11", address="Vej 1")
    edit(citizen, version=1, phone="22")
    with pytest.raises(audit.StaleRecord) as raised:
        edit(citizen, version=1, phone="33", address="Vej 3")
    assert raised.value.version == 2
    assert [(c.name, c.label, c.stored, c.sent) for c in raised.value.conflicts] == [
        ("phone", "Telefon", "22", "33")
    ]
    assert raised.value.messages == [
        "Posten er ændret af en anden, siden du åbnede den.",
        "Telefon er nu: 22 (du skrev: 33).",
    ]
    now = stored(citizen)
    assert (now.phone, now.address, now.version) == ("22", "Vej 1", 2)
    assert AuditEntry.objects.about(citizen).filter(action=AuditAction.CHANGE).count() == 1
    # Opened again at the current version, the save goes through: the user's value wins.
    edit(citizen, version=raised.value.version, phone="33")
    assert (stored(citizen).phone, stored(citizen).version) == ("33", 3)


@pytest.mark.django_db
def test_a_field_set_to_the_value_someone_else_saved_is_no_conflict():
    citizen = CitizenFactory(phone="11")
    edit(citizen, version=1, phone="22")
    edit(citizen, version=1, phone="22")
    assert stored(citizen).version == 2


@pytest.mark.django_db
def test_a_version_the_record_never_had_is_a_conflict_on_every_changed_field():
    citizen = CitizenFactory(phone="11")
    with pytest.raises(audit.StaleRecord):
        edit(citizen, version=7, phone="22")
    assert stored(citizen).phone == "11"


@pytest.mark.django_db
def test_without_a_version_the_save_writes_as_before():
    citizen = CitizenFactory(phone="11")
    edit(citizen, version=1, phone="22")
    services.citizen_update(citizen=citizen, by=None, phone="33")
    assert (stored(citizen).phone, stored(citizen).version) == ("33", 3)


@pytest.mark.django_db(transaction=True)
def test_two_connections_saving_the_same_field_at_once_exactly_one_wins():
    citizen = CitizenFactory(phone="11")
    first_saved, results = threading.Event(), {}

    def save(name: str, phone: str, hold: threading.Event | None) -> None:
        try:
            with transaction.atomic():
                edit(citizen, version=1, phone=phone)
                if hold is not None:  # the first request goes on before it commits
                    first_saved.set()
                    hold.wait(10)
            results[name] = "saved"
        except audit.StaleRecord as exc:
            results[name] = exc.conflicts[0].stored
        finally:
            connections.close_all()

    commit = threading.Event()
    first = threading.Thread(target=save, args=("first", "22", commit))
    second = threading.Thread(target=save, args=("second", "33", None))
    first.start()
    assert first_saved.wait(10)
    second.start()
    try:
        assert _a_connection_waits_for_a_lock()
    finally:
        commit.set()
        first.join(10)
        second.join(10)
    # The second read the row only after the first had committed, and saw its change.
    assert results == {"first": "saved", "second": "22"}
    assert (stored(citizen).phone, stored(citizen).version) == ("22", 2)


def _a_connection_waits_for_a_lock(seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.02)
    return False
