"""The demo reads like the programme and obeys every rule: its dates lie inside its own
project period, its targets are Region Sjælland's and the same per slot elsewhere, and every
citizen's track passes the track's date rules. Seeded on a fixed day, so the checks do not
depend on the day they run."""

import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accelerator.models import CompanyStatus
from participants.models import Citizen, HoursEntry, Placement
from participants.track.rules import Track, track_prefetch
from partnerships.models import User
from reporting import indicators
from reporting.models import IndicatorTarget, ProjectSettings

pytestmark = pytest.mark.django_db

# A Wednesday in March: the last half-year is the one before New Year.
FROZEN = datetime(2026, 3, 11, 10, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))
APPS = ("partnerships", "accelerator", "participants", "pbr", "reporting", "privacy")
# Dates that are no event of the programme: the citizen's birth date (from the CPR number).
NOT_PROGRAMME_DATES = {("participants", "citizen", "birth_date")}


@pytest.fixture
def demo():
    """seed_demo run on FROZEN, the clock still there while the test looks; the primary keys
    each table had before (reference data from migrations) for telling what the demo added."""
    with time_machine.travel(FROZEN, tick=False):
        before = {
            model: set(model.objects.values_list("pk", flat=True))
            for name in APPS
            for model in apps.get_app_config(name).get_models()
        }
        call_command("seed_demo", stdout=io.StringIO())
        yield before


def _seeded_dates(before):
    """(table.field, date) of every date and date-time in every row the demo seeded."""
    for model, existing in before.items():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.DateField)
            and (model._meta.app_label, model._meta.model_name, f.name) not in NOT_PROGRAMME_DATES
        ]
        if not fields:
            continue
        names = [f.attname for f in fields]
        for row in model.objects.exclude(pk__in=existing).values(*names):
            for name, value in row.items():
                if isinstance(value, datetime):
                    value = timezone.localdate(value)
                if value is not None:
                    yield f"{model._meta.label}.{name}", value


def test_every_date_the_demo_seeds_lies_inside_its_own_project_period(demo):
    project = ProjectSettings.objects.get()
    assert project.journal_number != "SFNPO-18-0012"
    assert "DEMO" in project.journal_number
    seeded = list(_seeded_dates(demo))
    outside = [
        (field, f"{day:%d.%m.%Y}")
        for field, day in seeded
        if not project.project_start <= day <= project.project_end
    ]
    assert outside == []
    # What the period must hold: citizens' dates counted back from today, the camps and
    # company figures of 2019-2020, the follow-ups and retention checks, the hours weeks.
    fields = {field for field, _day in seeded}
    for field in (
        "participants.Visitation.proposed_on",
        "participants.Citizen.phase1_start",
        "participants.Citizen.phase3_start",
        "participants.ExitForm.exit_date",
        "participants.FollowUp.followed_up_on",
        "participants.HoursEntry.week_start",
        "participants.Placement.start",
        "participants.Placement.retained_13_confirmed_on",
        "participants.Pause.end",
        "accelerator.Camp.date",
        "partnerships.ClusterMembership.declaration_signed",
    ):
        assert field in fields
    days = [day for _field, day in seeded]
    assert min(days).year == 2018 and max(days) > FROZEN.date()


def test_the_demo_has_region_sjaellands_targets_and_the_same_per_slot_elsewhere(demo):
    targets = {}
    for t in IndicatorTarget.objects.select_related("region", "cluster", "municipality"):
        assert t.municipality is None
        scope = "I alt"
        if t.region or t.cluster:
            scope = t.region.name if t.region else f"Klynge {t.cluster.number}"
        targets.setdefault(scope, {})[t.code] = t.value
    assert targets == {
        # Køge 1, Stevns 2, Odsherred 2, Holbæk 1: 6 slots (DOMAIN.md).
        "Region Sjælland": {"P01": 40, "P02": 20, "P08": 10, "C02": 5},
        "Region Nordjylland": {"P01": 13, "P02": 7, "P08": 3, "C02": 2},  # Aalborg 2
        "Region Syddanmark": {"P01": 7, "P02": 3, "P08": 2, "C02": 1},  # Kolding 1
        # Gentofte 2, Frederiksberg 2, Gribskov 1
        "Region Hovedstaden": {"P01": 33, "P02": 17, "P08": 8, "C02": 4},
        # Ikast-Brande 1, Holstebro 1, Silkeborg 2
        "Region Midtjylland": {"P01": 27, "P02": 13, "P08": 7, "C02": 3},
        "Klynge 1": {"P01": 67, "P02": 33, "P08": 17, "C02": 8},  # 10 slots
        "Klynge 2": {"P01": 53, "P02": 27, "P08": 13, "C02": 7},  # 8 slots
        "I alt": {"P01": 120, "P02": 60, "P08": 30, "C02": 15},  # 18 slots
    }


def _cells(body: str, code: str) -> list[str]:
    row = re.search(rf"<tr><td>{code}</td>(.*?)</tr>", body, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>.*?</td>", row)]


def test_the_indicator_screen_shows_the_regions_figures_against_its_targets(demo, client):
    client.force_login(User.objects.get(username="controller"))
    body = client.get(reverse("reporting:indicators"), {"region": "Region Sjælland"}).content
    body = body.decode()
    figures = {
        row.code: row.value for row in indicators.compute(scope=indicators.Scope("Region Sjælland"))
    }
    assert figures["P01"] > 0
    assert _cells(body, "P01") == [str(figures["P01"]), "40"]
    assert _cells(body, "P02") == [str(figures["P02"]), "20"]
    assert _cells(body, "P08") == [str(figures["P08"]), "10"]
    assert _cells(body, "C02") == [str(figures["C02"]), "5"]
    assert _cells(body, "P03") == [str(figures["P03"]), "–"]

    whole = client.get(reverse("reporting:indicators")).content.decode()
    assert _cells(whole, "P01")[-1] == "120"


def test_every_demo_citizen_passes_the_track_rules(demo):
    today = FROZEN.date()
    citizens = Citizen.objects.prefetch_related(
        *track_prefetch(), "hours", "placements__company", "courses", "exits__follow_ups"
    ).order_by("pk")
    broken = []
    kinds = ("phases", "exits", "follow_ups", "hours", "spans", "paid_past_exit")
    checked = dict.fromkeys(kinds, 0)

    def check(citizen, what, errors):
        broken.extend(f"{citizen} – {what}: {error}" for error in errors)

    for citizen in citizens:
        track = Track.of(citizen, today=today)
        for phase in (1, 2, 3):
            start = getattr(citizen, f"phase{phase}_start")
            if start is not None:
                check(citizen, f"fase {phase}", track.phase_start_errors(phase, start))
                checked["phases"] += 1
        for exit_form in citizen.exits.all():
            check(citizen, "ophør", track.exit_errors(exit_form.exit_date))
            checked["exits"] += 1
            for follow_up in exit_form.follow_ups.all():
                check(citizen, "opfølgning", track.followup_errors(follow_up.followed_up_on))
                checked["follow_ups"] += 1
        for monday in {entry.week_start for entry in citizen.hours.all()}:
            check(citizen, f"timer {monday}", track.hours_errors(monday))
            checked["hours"] += 1
        for pause in citizen.pauses.all():
            check(citizen, "pause", track.span_errors(pause.start, pause.end))
            checked["spans"] += 1
        for course in citizen.courses.all():
            check(citizen, "kompetenceløft", track.span_errors(course.start, course.end))
            checked["spans"] += 1
        for placement in citizen.placements.all():
            errors = track.span_errors(
                placement.start, placement.end, runs_past_exit=placement.is_paid
            )
            company = placement.company
            if company.status == CompanyStatus.DROPPED_OUT and (
                company.dropped_out_on is None or company.dropped_out_on <= placement.start
            ):
                errors.append(f"{company} var faldet fra programmet")
            for weeks in (13, 26, 52):
                confirmed = getattr(placement, f"retained_{weeks}_confirmed_on")
                if confirmed and not placement.start + timedelta(weeks=weeks) <= confirmed <= today:
                    errors.append(f"fastholdelse {weeks} uger bekræftet {confirmed}")
            check(citizen, "placering", errors)
            checked["spans"] += 1
            left = track.exit_in_force
            # The job the citizen left into, running on after the exit.
            checked["paid_past_exit"] += bool(
                placement.is_paid and left and (placement.end is None or placement.end > left)
            )
    assert broken == []
    # The demo holds every kind of record the rules read.
    assert all(checked.values()), checked
    weeks = HoursEntry.objects.values("citizen", "week_start").order_by().distinct()
    assert checked["hours"] == weeks.count()
    assert Placement.objects.filter(retained_26_confirmed_on__isnull=False).exists()
