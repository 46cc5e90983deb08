"""The upload's confirm saves the rows as the preview checked them: it refuses, saving
nothing, when what the check read has changed since (a cell, another kind of the week, the
citizen's track, the citizen's actor, the day), and writes only the cells that change."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participants.hours import services
from participants.models import Citizen, HoursEntry
from partnerships.models import Role
from siv.models import AuditEntry
from tests.api.conftest import citizen_in
from tests.factories.participants import ExitFormFactory, HoursEntryFactory

UPLOAD = reverse("participants:hours_upload")
CONFIRM = reverse("participants:hours_upload_confirm")
WEEK, MONDAY = "2024-W03", date(2024, 1, 15)
CHANGED = "Intet blev gemt: timerne er ændret siden forhåndsvisningen. Prøv igen."
EXPIRED = "Forhåndsvisningen er udløbet. Vælg filen igen."
DANISH = ZoneInfo("Europe/Copenhagen")

pytestmark = pytest.mark.django_db


def _citizens(personas, count):
    return [
        citizen_in(
            personas.own,
            personas.cluster,
            cpr=f"1503{85 - n:02d}-{1234 + n}",
            phase1_start=date(2024, 1, 8),
        )
        for n in range(count)
    ]


def _file(citizens, weeks=(WEEK,), hours="7,5") -> SimpleUploadedFile:
    lines = ["cpr,uge,art,timer"]
    lines += [f'{c.cpr},{week},træning,"{hours}"' for c in citizens for week in weeks]
    return SimpleUploadedFile("timer.csv", ("\n".join(lines) + "\n").encode())


def _preview(client, upload):
    response = client.post(UPLOAD, {"file": upload})
    assert response.context["preview"].ok, response.context["preview"].problems
    return response.context["confirm_token"]


def _confirm(client, token):
    return client.post(CONFIRM, {"token": token}, follow=True).content.decode()


@pytest.fixture
def actor(personas, signed_in):
    return signed_in(personas.actor)


def test_a_cell_changed_after_the_preview_refuses_the_whole_upload(personas, actor):
    first, second = _citizens(personas, 2)
    token = _preview(actor, _file([first, second]))
    # The grid saves the first citizen's training hours meanwhile.
    services.hours_save(
        actor=personas.actor, rows=[services.HoursRow(first.pk, "training", "3", week=MONDAY)]
    )
    assert CHANGED in _confirm(actor, token)
    assert dict(HoursEntry.objects.values_list("citizen_id", "hours")) == {first.pk: Decimal(3)}


def test_another_kind_of_the_week_added_after_the_preview_refuses(personas, actor):
    [citizen] = _citizens(personas, 1)
    token = _preview(actor, _file([citizen], hours="50"))
    # 50 + 40 would pass the weekly maximum the preview checked against an empty week.
    HoursEntryFactory(citizen=citizen, week_start=MONDAY, kind="paid", hours=Decimal(40))
    assert CHANGED in _confirm(actor, token)
    assert not HoursEntry.objects.filter(kind="training").exists()


def test_a_track_changed_after_the_preview_refuses(personas, actor):
    [citizen] = _citizens(personas, 1)
    token = _preview(actor, _file([citizen]))
    ExitFormFactory(citizen=citizen, exit_date=date(2024, 1, 10))
    assert CHANGED in _confirm(actor, token)
    assert not HoursEntry.objects.exists()


def test_a_citizen_moved_to_another_actor_after_the_preview_refuses(personas, actor):
    first, second = _citizens(personas, 2)
    token = _preview(actor, _file([first, second]))
    Citizen.objects.filter(pk=second.pk).update(employment_actor=personas.foreign.actor_org)
    assert CHANGED in _confirm(actor, token)
    assert not HoursEntry.objects.exists()


def test_a_preview_of_yesterday_is_expired(personas, actor):
    [citizen] = _citizens(personas, 1)
    with time_machine.travel(datetime(2024, 3, 4, 23, 59, tzinfo=DANISH), tick=False):
        token = _preview(actor, _file([citizen]))
    with time_machine.travel(datetime(2024, 3, 5, 0, 1, tzinfo=DANISH), tick=False):
        assert EXPIRED in _confirm(actor, token)
    assert not HoursEntry.objects.exists()


def test_a_preview_is_confirmed_only_by_its_uploader(personas, actor):
    [citizen] = _citizens(personas, 1)
    token = _preview(actor, _file([citizen]))
    other = Client()
    other.force_login(personas.foreign[Role.EMPLOYMENT_ACTOR])
    assert EXPIRED in _confirm(other, token)
    assert not HoursEntry.objects.exists()
    assert "1 rækker med timer er gemt." in _confirm(actor, token)


def test_a_confirmed_preview_is_gone(personas, actor):
    [citizen] = _citizens(personas, 1)
    token = _preview(actor, _file([citizen]))
    assert "1 rækker med timer er gemt." in _confirm(actor, token)
    assert "siv_hours_upload" not in actor.session
    HoursEntry.objects.all().delete()
    assert EXPIRED in _confirm(actor, token)
    assert not HoursEntry.objects.exists()


def test_only_the_cells_that_change_are_written_and_audited(personas, actor):
    first, second = _citizens(personas, 2)
    kept = HoursEntryFactory(
        citizen=first, week_start=MONDAY, kind="training", hours=Decimal("7.5")
    )
    token = _preview(actor, _file([first, second]))
    assert "2 rækker med timer er gemt." in _confirm(actor, token)
    kept_now = HoursEntry.objects.get(pk=kept.pk)
    assert kept_now.updated_at == kept.updated_at
    assert HoursEntry.objects.get(citizen=second).hours == Decimal("7.5")
    audit = AuditEntry.objects.get(object_label=f"Timer {WEEK}")
    assert audit.details == {
        "week": WEEK,
        "citizens": sorted([first.pk, second.pk]),
        "saved": 1,
        "removed": 0,
    }


def test_a_zero_removes_a_stored_cell_as_before(personas, actor):
    [citizen] = _citizens(personas, 1)
    HoursEntryFactory(citizen=citizen, week_start=MONDAY, kind="training", hours=Decimal(4))
    token = _preview(actor, _file([citizen], hours="0"))
    _confirm(actor, token)
    assert not HoursEntry.objects.exists()
    audit = AuditEntry.objects.get(object_label=f"Timer {WEEK}")
    assert (audit.details["saved"], audit.details["removed"]) == (0, 1)


def test_preview_and_confirm_run_as_many_queries_for_2_rows_as_for_60(personas, actor):
    citizens = _citizens(personas, 20)
    weeks = ("2024-W03", "2024-W04", "2024-W05")
    counts = []
    for upload in (_file(citizens[:1], weeks[:2]), _file(citizens, weeks, hours="6")):
        with CaptureQueriesContext(connection) as preview:
            token = _preview(actor, upload)
        with CaptureQueriesContext(connection) as confirm:
            actor.post(CONFIRM, {"token": token})
        counts.append((len(preview), len(confirm)))
    assert counts[0] == counts[1]
    assert HoursEntry.objects.count() == 60
