"""Through the API as the demo's employment actor: facts that cannot happen are answered 400
with a Danish message and write nothing; the same requests with possible facts are accepted."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from accelerator.models import Company
from participants.common import iso_week_label, week_monday
from participants.models import Citizen, ExitForm, HoursEntry, Placement
from partnerships.models import User
from siv.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 11, 10, tzinfo=ZoneInfo("Europe/Copenhagen"))


@pytest.fixture
def demo(api_as):
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", stdout=io.StringIO())
        actor = User.objects.get(username="aktoer")
        # An active citizen of the actor's: in phase 1, no exit.
        citizen = (
            Citizen.objects.for_user(actor, write=True)
            .filter(phase1_start__isnull=False, phase2_start__isnull=True, exits__isnull=True)
            .order_by("pk")
            .first()
        )
        company = Company.objects.filter(municipality=citizen.municipality).first()
        yield api_as(actor), citizen, company or Company.objects.first()


def stored(citizen) -> tuple:
    return (
        # A refused write logs nothing; the token's use is logged apart (test_token_events.py).
        AuditEntry.objects.exclude(action=AuditAction.TOKEN_USED).count(),
        ExitForm.objects.filter(citizen=citizen).count(),
        HoursEntry.objects.filter(citizen=citizen).count(),
        Placement.objects.filter(citizen=citizen).count(),
    )


def refused(response, before, citizen) -> str:
    assert response.status_code == 400, response.content
    assert stored(citizen) == before
    return response.content.decode()


def week(day: date) -> str:
    return iso_week_label(week_monday(day))


def hours_body(citizen, hours="6"):
    return {"rows": [{"citizen_id": citizen.pk, "kind": "training", "hours": hours}]}


def test_an_exit_a_year_before_phase_1_is_refused_and_a_possible_one_accepted(demo):
    client, citizen, _company = demo
    url = reverse("siv_api:exit-list")
    body = {"citizen": citizen.pk, "status": "unemployed"}
    with time_machine.travel(NOW, tick=False):
        before = stored(citizen)
        early = citizen.phase1_start - timedelta(days=365)
        answer = refused(
            client.post(url, {**body, "exit_date": str(early)}, format="json"), before, citizen
        )
        assert "Ophøret kan ikke ligge før forløbets start" in answer
        ahead = NOW.date() + timedelta(days=30)
        answer = refused(
            client.post(url, {**body, "exit_date": str(ahead)}, format="json"), before, citizen
        )
        assert "ligger efter i dag" in answer
        response = client.post(url, {**body, "exit_date": str(NOW.date())}, format="json")
        assert response.status_code == 201, response.content


def test_hours_two_years_ahead_or_a_year_before_phase_1_are_refused(demo):
    client, citizen, _company = demo
    with time_machine.travel(NOW, tick=False):
        before = stored(citizen)
        ahead = reverse("siv_api:hours_week", args=[week(NOW.date() + timedelta(days=730))])
        answer = refused(client.put(ahead, hours_body(citizen), format="json"), before, citizen)
        assert "er ikke begyndt endnu" in answer
        early = week(citizen.phase1_start - timedelta(days=365))
        answer = refused(
            client.put(
                reverse("siv_api:hours_week", args=[early]), hours_body(citizen), format="json"
            ),
            before,
            citizen,
        )
        assert "før forløbets start" in answer
        now = reverse("siv_api:hours_week", args=[week(NOW.date())])
        assert client.put(now, hours_body(citizen), format="json").status_code == 200


def test_a_placement_ending_before_it_starts_is_refused_and_a_possible_one_accepted(demo):
    client, citizen, company = demo
    url = reverse("siv_api:placement-list")
    start = citizen.phase1_start + timedelta(days=14)
    body = {
        "citizen": citizen.pk,
        "kind": "snuse_praktik",
        "company": company.pk,
        "start": str(start),
        "hours_per_week": "4",
    }
    with time_machine.travel(NOW, tick=False):
        before = stored(citizen)
        answer = refused(
            client.post(url, {**body, "end": str(start - timedelta(days=3))}, format="json"),
            before,
            citizen,
        )
        assert "Slutdatoen kan ikke ligge før startdatoen" in answer or "før start" in answer
        before_track = {**body, "start": str(citizen.phase1_start - timedelta(days=40))}
        answer = refused(client.post(url, before_track, format="json"), before, citizen)
        assert "fra fase 1's start" in answer
        response = client.post(url, {**body, "end": str(start + timedelta(days=14))}, format="json")
        assert response.status_code == 201, response.content
