"""The volume rule: a user with many CPR numbers shown, exports or records outside their
access asked for within an hour is reported to the administrators, once an hour."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from siv import audit
from siv.alerts import raise_volume_alerts
from siv.models import AuditAction, AuditEntry
from siv.tasks import raise_volume_alerts as raise_volume_alerts_task
from tests.factories.participants import CitizenFactory

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))


@pytest.fixture(autouse=True)
def thresholds(settings):
    settings.SIV_ALERT_REVEALS_PER_HOUR = 5
    settings.SIV_ALERT_EXPORTS_PER_HOUR = 4
    settings.SIV_ALERT_FOREIGN_PER_HOUR = 3


@pytest.fixture
def citizen(personas):
    return CitizenFactory(municipality=personas.own.municipality, first_name="Karoline")


def _reveal(user, citizen, times: int, at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        for _ in range(times):
            audit.record(AuditAction.REVEAL, actor=user, obj=citizen, purpose="opfølgning")


def _run(at: datetime):
    with time_machine.travel(at, tick=False):
        return raise_volume_alerts()


def test_a_user_over_the_threshold_is_mailed_to_the_administrators_and_logged(personas, citizen):
    _reveal(personas.caseworker, citizen, 5, NOON - timedelta(minutes=30))
    _reveal(personas.lead, citizen, 4, NOON - timedelta(minutes=30))
    alerts = _run(NOON)
    assert [a.username for a in alerts] == ["koege-sagsbehandler"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["koege-admin@example.dk", "naestved-admin@example.dk"]
    assert "koege-sagsbehandler" in message.subject
    assert "vist CPR-numre 5 gange (grænse 5)" in message.body
    assert "koege-projektleder" not in message.body
    assert citizen.first_name not in message.body and citizen.last_name not in message.body
    entry = AuditEntry.objects.get(action=AuditAction.ALERT)
    assert entry.object_id == str(personas.caseworker.pk)
    assert entry.details == {"reveals": 5, "exports": 0, "foreign": 0, "mailed_to": 2}


def test_a_user_is_reported_once_an_hour_not_at_every_run(personas, citizen):
    _reveal(personas.caseworker, citizen, 5, NOON - timedelta(minutes=5))
    assert len(_run(NOON)) == 1
    _reveal(personas.caseworker, citizen, 5, NOON + timedelta(minutes=5))
    assert _run(NOON + timedelta(minutes=10)) == []
    assert _run(NOON + timedelta(minutes=50)) == []
    assert len(mail.outbox) == 1
    # An hour on, the user is still over the threshold (the reveals at 12:05): reported again.
    assert len(_run(NOON + timedelta(minutes=61))) == 1
    assert len(mail.outbox) == 2


def test_reveals_older_than_an_hour_do_not_count(personas, citizen):
    _reveal(personas.caseworker, citizen, 3, NOON - timedelta(minutes=70))
    _reveal(personas.caseworker, citizen, 3, NOON - timedelta(minutes=50))
    assert _run(NOON) == []
    assert mail.outbox == []
    assert not AuditEntry.objects.filter(action=AuditAction.ALERT).exists()


def test_exports_and_foreign_records_asked_for_count_too(client, personas):
    foreign = CitizenFactory(municipality=personas.foreign.municipality)
    page = reverse("participants:citizen_detail", args=[foreign.pk])
    client.force_login(personas.caseworker)
    with time_machine.travel(NOON - timedelta(minutes=20), tick=False):
        for _ in range(3):
            assert client.get(page).status_code == 404
        for _ in range(4):
            audit.record_export(actor=personas.controller, what="indikatorskema")
    with time_machine.travel(NOON, tick=False):
        assert raise_volume_alerts_task() == 2
    by_user = {
        int(e.object_id): e.details for e in AuditEntry.objects.filter(action=AuditAction.ALERT)
    }
    assert by_user[personas.caseworker.pk]["foreign"] == 3
    assert by_user[personas.controller.pk]["exports"] == 4
    assert len(mail.outbox) == 2


def test_the_rule_makes_the_same_queries_for_one_user_reported_or_many(personas, citizen):
    def queries(at):
        with CaptureQueriesContext(connection) as captured:
            _run(at)
        return len(captured)

    assert queries(NOON) == 1  # nothing logged: the one grouped query
    _reveal(personas.caseworker, citizen, 5, NOON + timedelta(minutes=1))
    one = queries(NOON + timedelta(minutes=2))
    for user in (personas.lead, personas.actor, personas.controller):
        _reveal(user, citizen, 8, NOON + timedelta(minutes=3))
    many = queries(NOON + timedelta(minutes=4))
    assert AuditEntry.objects.filter(action=AuditAction.ALERT).count() == 4
    assert one == many == 3
