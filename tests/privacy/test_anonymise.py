"""Anonymisation removes every CPR number and name from the database and leaves the
indicators exactly as they were."""

import json
from datetime import date
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from participants import cpr as cpr_lib
from participants.models import Citizen, ExitStatus, HoursEntry
from privacy.models import AnonymisationRun
from privacy.services import anonymise_due, consent_record
from siv.celery import app
from siv.models import AuditAction, AuditEntry
from tests.api.conftest import citizen_in
from tests.factories.participants import (
    CaseNoteFactory,
    ExitFormFactory,
    FollowUpFactory,
    HoursEntryFactory,
    PlacementFactory,
    ScreeningFactory,
    VisitationFactory,
)

PEOPLE = [
    # cpr, first, last, exit date, status
    ("120378-1235", "Xenobia", "Quorndrup", date(2018, 3, 1), ExitStatus.EMPLOYED_ORDINARY),
    ("050590-2346", "Yggdrasine", "Zwartholm", date(2019, 5, 17), ExitStatus.NOT_AVAILABLE),
    ("230885-3457", "Wulfhilde", "Vexelsen", date(2020, 1, 31), ExitStatus.EDUCATION),
]
STAYING = ("170792-1118", "Ulrikka", "Tjørnvig")


def _person(personas, cpr, first, last, exit_day=None, status=None):
    citizen = citizen_in(
        personas.own,
        personas.cluster,
        cpr=cpr,
        first_name=first,
        last_name=last,
        phone="+45 12 34 56 78",
        email=f"{first.lower()}@example.dk",
        address=f"{last}vej 7, 4600 Køge",
        phase1_start=date(2017, 9, 4),
    )
    VisitationFactory(citizen=citizen, match_meeting_notes=f"{first} mødte op")
    ScreeningFactory(citizen=citizen, barrier_notes=f"{first} har ondt i ryggen")
    CaseNoteFactory(citizen=citizen, text=f"Samtale med {first} {last}", sensitive=True)
    HoursEntryFactory(citizen=citizen, week_start=date(2017, 9, 11))
    PlacementFactory(citizen=citizen, start=date(2017, 10, 2), buddy=f"Buddy for {first}")
    consent_record(
        citizen=citizen, by=None, legal_basis="public_task", note=f"{first} {last} orienteret"
    )
    if exit_day:
        reason = "illness" if status == ExitStatus.NOT_AVAILABLE else ""
        exit_form = ExitFormFactory(
            citizen=citizen,
            exit_date=exit_day,
            status=status,
            not_available_reason=reason,
            note=f"{first} flyttede",
        )
        if status == ExitStatus.EMPLOYED_ORDINARY:
            FollowUpFactory(exit=exit_form)
    return citizen


def _indicators() -> str:
    out = StringIO()
    call_command("indicators", "--format", "csv", stdout=out)
    return out.getvalue()


def _tables_containing(needle: str) -> list[str]:
    """Every table.column whose text form contains the needle, across the whole database."""
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            for column in connection.introspection.get_table_description(cursor, table):
                cursor.execute(
                    f'SELECT 1 FROM "{table}" WHERE CAST("{column.name}" AS text) ILIKE %s LIMIT 1',
                    [f"%{needle}%"],
                )
                if cursor.fetchone():
                    hits.append(f"{table}.{column.name}")
    return hits


@pytest.mark.django_db
def test_anonymisation_keeps_the_indicators_and_removes_every_cpr_and_name(personas):
    for cpr, first, last, exit_day, status in PEOPLE:
        _person(personas, cpr, first, last, exit_day, status)
    staying = _person(personas, *STAYING)
    before = _indicators()
    assert "P01,Tilmeldte deltagere,4," in before
    assert "P03,I beskæftigelse ved ophør,1," in before
    hours_before = list(HoursEntry.objects.order_by("pk").values_list("citizen", "hours"))

    call_command("anonymise", "--exited-before", "2021-01-01", stdout=StringIO())

    assert _indicators() == before
    assert list(HoursEntry.objects.order_by("pk").values_list("citizen", "hours")) == hours_before
    for cpr, first, last, _exit, _status in PEOPLE:
        digits = cpr.replace("-", "")
        for needle in (cpr, digits, cpr_lib.keyed_hash(digits), first, last):
            assert _tables_containing(needle) == [], needle
    assert _tables_containing(STAYING[1]), "a citizen still in the programme is kept"
    assert Citizen.objects.get(pk=staying.pk).cpr == STAYING[0]
    assert AuditEntry.objects.filter(action=AuditAction.ANONYMISE).count() == len(PEOPLE)
    assert AnonymisationRun.objects.get().citizens == len(PEOPLE)


@pytest.mark.django_db
def test_a_second_run_finds_nobody_left_to_anonymise(personas):
    cpr, first, last, exit_day, status = PEOPLE[0]
    _person(personas, cpr, first, last, exit_day, status)
    call_command("anonymise", "--exited-before", "2021-01-01", stdout=StringIO())
    out = StringIO()
    call_command("anonymise", "--exited-before", "2021-01-01", stdout=out)
    assert "Anonymised 0" in out.getvalue()


@pytest.mark.django_db
@override_settings(SIV_ANONYMISE_AFTER_YEARS=5)
def test_the_scheduled_run_takes_those_who_left_the_configured_years_ago(personas):
    old = _person(personas, *PEOPLE[0])  # left 01.03.2018
    recent = _person(personas, *PEOPLE[2])  # left 31.01.2020
    run = anonymise_due(today=date(2024, 6, 1))  # cut-off 01.06.2019
    assert run.citizens == 1
    assert Citizen.objects.get(pk=old.pk).first_name == "Anonymiseret"
    assert Citizen.objects.get(pk=recent.pk).first_name == PEOPLE[2][1]


@pytest.mark.django_db
def test_an_anonymised_citizens_export_has_no_cpr(personas, signed_in):
    citizen = _person(personas, *PEOPLE[0])
    call_command("anonymise", "--exited-before", "2021-01-01", stdout=StringIO())
    response = signed_in(personas.caseworker).get(
        reverse("privacy:citizen_export", args=[citizen.pk, "json"])
    )
    data = json.loads(response.content)
    assert data["deltager"]["cpr"] is None
    assert data["deltager"]["first_name"] == "Anonymiseret"


def test_the_nightly_job_is_a_registered_task():
    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["anonymise-exited-citizens"]
    assert entry["task"] in app.tasks
