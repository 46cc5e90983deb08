"""A correction after the exit: the exit in force and the phase starts, by the citizen's
caseworker or employment actor with a reason, audited; the same date rules as new facts; and
a warning, confirmed before saving, when it changes a figure of a period already reported."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from participants.models import CaseNote, Citizen, ExitForm, ExitStatus, PlacementKind
from participants.track import services
from participants.track.services import reported_periods_touched, track_correct
from reporting.models import JobStatus, ReportFormat, ReportKind
from siv.models import AuditAction, AuditEntry
from tests.factories.participants import (
    ExitFormFactory,
    FollowUpFactory,
    HoursEntryFactory,
    PlacementFactory,
)
from tests.factories.reporting import ReportJobFactory

from .helpers import citizen_in

pytestmark = pytest.mark.django_db

EXIT = date(2025, 6, 30)
REASON = "Ophørsdatoen var tastet forkert; jobcentrets brev siger 20. juni."
WARNING = "Rettelsen ændrer tal for en periode, der allerede er indberettet:"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(
        datetime(2025, 9, 15, 10, tzinfo=ZoneInfo("Europe/Copenhagen")), tick=False
    ):
        yield


@pytest.fixture
def citizen(personas):
    citizen = citizen_in(personas.own, personas.cluster, phase2_start=date(2024, 7, 8))
    ExitFormFactory(citizen=citizen, exit_date=EXIT, status=ExitStatus.UNEMPLOYED)
    return citizen


def url(citizen):
    return reverse("participants:track_correct", args=[citizen.pk])


def form_data(client, citizen, **changes):
    """What the opened form posts (its hidden version and shown values), with `changes`."""
    form = client.get(url(citizen)).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}
    data.update(changes)
    return data


def exit_changes(exit_form):
    ct = ContentType.objects.get_for_model(ExitForm)
    return AuditEntry.objects.filter(
        action=AuditAction.CHANGE, content_type=ct, object_id=str(exit_form.pk)
    )


def progress_report(start="2025-03-01", end="2025-08-31", **params):
    return ReportJobFactory(
        kind=ReportKind.PROGRESS,
        format=ReportFormat.PDF,
        status=JobStatus.DONE,
        params={"start": start, "end": end, **params},
    )


# --- Saved and audited ------------------------------------------------------------------------


def test_a_correction_with_a_reason_is_saved_and_audited_with_it(client, personas, citizen):
    client.force_login(personas.caseworker)
    data = form_data(client, citizen, exit_date="2025-06-20", reason=REASON)

    response = client.post(url(citizen), data, follow=True)

    assert "Rettelsen er gemt." in response.content.decode()
    exit_form = ExitForm.objects.get(citizen=citizen)
    assert exit_form.exit_date == date(2025, 6, 20)
    (entry,) = exit_changes(exit_form)
    assert entry.actor == personas.caseworker
    # The reason is kept as a case note on the record; the log holds only the note's id.
    note = CaseNote.objects.get(pk=entry.details["correction"])
    assert note.text.endswith(REASON) and note.citizen == citizen
    assert REASON not in str(entry.details)
    assert entry.details["before"] == {"exit_date": "2025-06-30"}
    assert entry.details["after"] == {"exit_date": "2025-06-20"}
    # The citizen page's timeline tells who corrected what, and why.
    page = response.content.decode()
    assert "Rettelse efter ophør" in page
    assert REASON in page


def test_the_employment_actor_corrects_a_phase_start(client, personas, citizen):
    client.force_login(personas.actor)
    data = form_data(client, citizen, phase2_start="2024-07-15", reason=REASON)

    assert client.post(url(citizen), data).status_code == 302

    citizen.refresh_from_db()
    assert citizen.phase2_start == date(2024, 7, 15)
    ct = ContentType.objects.get_for_model(Citizen)
    entry = AuditEntry.objects.get(
        action=AuditAction.CHANGE, content_type=ct, object_id=str(citizen.pk)
    )
    assert CaseNote.objects.get(pk=entry.details["correction"]).text.endswith(REASON)
    assert entry.details["before"] == {"phase2_start": "2024-07-08"}
    assert entry.details["after"] == {"phase2_start": "2024-07-15"}


def test_the_form_opens_with_the_stored_values(client, personas, citizen):
    client.force_login(personas.caseworker)
    form = client.get(url(citizen)).context["form"]
    assert form["exit_date"].value() == EXIT
    assert form["status"].value() == ExitStatus.UNEMPLOYED
    assert form["phase1_start"].value() == date(2024, 1, 8)


def test_a_status_corrected_to_employment_names_the_employer(personas, citizen):
    with pytest.raises(ValidationError) as exc:
        track_correct(
            citizen=citizen,
            by=personas.caseworker,
            reason=REASON,
            status=ExitStatus.EMPLOYED_ORDINARY,
        )
    assert "employer_company" in exc.value.message_dict
    track_correct(
        citizen=citizen,
        by=personas.caseworker,
        reason=REASON,
        status=ExitStatus.EMPLOYED_ORDINARY,
        employer_name="Bageriet Stevns",
    )
    exit_form = ExitForm.objects.get(citizen=citizen)
    assert (exit_form.status, exit_form.employer) == ("employed_ordinary", "Bageriet Stevns")


# --- Refused ----------------------------------------------------------------------------------


def test_without_a_reason_it_is_refused(client, personas, citizen):
    client.force_login(personas.caseworker)
    data = form_data(client, citizen, exit_date="2025-06-20", reason="")

    response = client.post(url(citizen), data)

    assert response.status_code == 200
    assert "Angiv en begrundelse for rettelsen." in response.content.decode()
    with pytest.raises(ValidationError) as exc:
        track_correct(
            citizen=citizen, by=personas.caseworker, reason="  ", exit_date=date(2025, 6, 20)
        )
    assert exc.value.message_dict == {"reason": ["Angiv en begrundelse for rettelsen."]}
    assert ExitForm.objects.get(citizen=citizen).exit_date == EXIT
    assert not exit_changes(ExitForm.objects.get(citizen=citizen)).exists()


def test_a_foreign_caseworker_gets_not_found_and_the_service_refuses(client, personas, citizen):
    foreign = personas.foreign["caseworker"]
    client.force_login(foreign)
    assert client.get(url(citizen)).status_code == 404
    assert client.post(url(citizen), {"reason": REASON}).status_code == 404
    with pytest.raises(PermissionDenied):
        track_correct(citizen=citizen, by=foreign, reason=REASON, exit_date=date(2025, 6, 20))
    assert ExitForm.objects.get(citizen=citizen).exit_date == EXIT


@pytest.mark.parametrize("role", ["controller", "municipal_lead"])
def test_readers_cannot_correct(client, personas, citizen, role):
    client.force_login(personas.own[role])
    assert client.get(url(citizen)).status_code == 404
    assert client.post(url(citizen), {"reason": REASON}).status_code == 404
    with pytest.raises(PermissionDenied):
        track_correct(
            citizen=citizen, by=personas.own[role], reason=REASON, exit_date=date(2025, 6, 20)
        )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"exit_date": "2023-11-01"}, "exit_date", "Ophøret kan ikke ligge før forløbets start"),
        ({"exit_date": "2025-09-16"}, "exit_date", "ligger efter i dag"),
        ({"phase2_start": "2023-12-20"}, "phase2_start", "Fase 2 kan ikke starte før"),
        ({"phase1_start": "2024-08-01"}, "phase1_start", "efter en senere fase"),
        ({"phase1_start": "2023-11-01"}, "phase1_start", "før den godkendte visitation"),
    ],
)
def test_an_impossible_corrected_date_is_refused_and_nothing_is_written(
    client, personas, citizen, changes, field, message
):
    client.force_login(personas.caseworker)
    data = form_data(client, citizen, reason=REASON, **changes)

    response = client.post(url(citizen), data)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors.get(field, []))
    citizen.refresh_from_db()
    assert (citizen.phase1_start, citizen.phase2_start) == (date(2024, 1, 8), date(2024, 7, 8))
    assert ExitForm.objects.get(citizen=citizen).exit_date == EXIT
    assert not AuditEntry.objects.filter(action=AuditAction.CHANGE).exists()


def test_hours_after_the_corrected_exit_week_refuse_it(personas, citizen):
    HoursEntryFactory(citizen=citizen, week_start=date(2025, 6, 23), hours=Decimal("8"))
    with pytest.raises(ValidationError) as exc:
        track_correct(
            citizen=citizen, by=personas.caseworker, reason=REASON, exit_date=date(2025, 6, 10)
        )
    assert "2025-W26" in " ".join(exc.value.message_dict["exit_date"])
    # Moved within the week of the last hours, the exit keeps them inside the track.
    track_correct(
        citizen=citizen, by=personas.caseworker, reason=REASON, exit_date=date(2025, 6, 23)
    )
    assert ExitForm.objects.get(citizen=citizen).exit_date == date(2025, 6, 23)


def test_a_follow_up_must_stay_after_the_corrected_exit(personas, citizen):
    FollowUpFactory(exit=citizen.exits.get(), kind="6m", followed_up_on=date(2025, 8, 1))
    with pytest.raises(ValidationError) as exc:
        track_correct(
            citizen=citizen, by=personas.caseworker, reason=REASON, exit_date=date(2025, 8, 1)
        )
    assert "opfølgning" in " ".join(exc.value.message_dict["exit_date"]).lower()


def test_an_earlier_exit_ends_the_practice_placement_running_on_it(client, personas, citizen):
    placement = PlacementFactory(
        citizen=citizen, kind=PlacementKind.PRAKTIK, start=date(2025, 5, 1), end=EXIT
    )
    client.force_login(personas.caseworker)
    data = form_data(client, citizen, exit_date="2025-06-20", reason=REASON)

    page = client.post(url(citizen), data, follow=True).content.decode()

    assert "1 igangværende praktik, pause eller kompetenceløft er afsluttet" in page
    placement.refresh_from_db()
    assert placement.end == date(2025, 6, 20)


def test_a_citizen_who_has_not_left_cannot_be_corrected(client, personas):
    active = citizen_in(personas.own, personas.cluster)
    client.force_login(personas.caseworker)

    response = client.get(url(active), follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "participants:citizen_detail", args=[active.pk]
    )
    assert "kun rettes på denne måde efter ophøret" in response.content.decode()
    assert "Ret efter ophør" not in response.content.decode()
    with pytest.raises(ValidationError):
        track_correct(citizen=active, by=personas.caseworker, reason=REASON)


def test_the_citizen_page_offers_the_correction_after_the_exit(client, personas, citizen):
    client.force_login(personas.caseworker)
    page = client.get(reverse("participants:citizen_detail", args=[citizen.pk]))
    assert url(citizen) in page.content.decode()
    client.force_login(personas.controller)
    page = client.get(reverse("participants:citizen_detail", args=[citizen.pk]))
    assert url(citizen) not in page.content.decode()


def test_a_form_opened_before_someone_else_changed_the_exit_is_a_conflict(
    client, personas, citizen
):
    client.force_login(personas.caseworker)
    data = form_data(client, citizen, exit_date="2025-06-20", reason=REASON)
    track_correct(
        citizen=citizen, by=personas.actor, reason="Rettet af aktøren", exit_date=date(2025, 6, 25)
    )

    response = client.post(url(citizen), data)

    assert response.status_code == 200
    assert "Posten er ændret af en anden" in response.content.decode()
    assert ExitForm.objects.get(citizen=citizen).exit_date == date(2025, 6, 25)
    # Saved again, the user's own value wins over the one it now knows about.
    again = {
        name: ("" if value is None else value)
        for name, value in response.context["form"].data.items()
    }
    assert client.post(url(citizen), again).status_code == 302
    assert ExitForm.objects.get(citizen=citizen).exit_date == date(2025, 6, 20)


# --- Periods already reported -----------------------------------------------------------------


def test_a_reported_period_is_shown_and_saved_only_when_confirmed(client, personas, citizen):
    progress_report()
    client.force_login(personas.caseworker)
    data = form_data(client, citizen, exit_date="2025-06-20", reason=REASON)

    first = client.post(url(citizen), data)

    page = first.content.decode()
    assert first.status_code == 200
    assert WARNING in page
    assert "Projektredegørelse 01.03.2025–31.08.2025" in page
    assert "Jeg er klar over, at indberettede tal ændres" in page
    assert ExitForm.objects.get(citizen=citizen).exit_date == EXIT
    assert not exit_changes(ExitForm.objects.get(citizen=citizen)).exists()

    unconfirmed = client.post(url(citizen), {**data, "warned": "1"})
    assert "Sæt kryds for at gemme rettelsen." in unconfirmed.content.decode()
    assert ExitForm.objects.get(citizen=citizen).exit_date == EXIT

    confirmed = client.post(url(citizen), {**data, "warned": "1", "confirm": "on"})

    assert confirmed.status_code == 302
    exit_form = ExitForm.objects.get(citizen=citizen)
    assert exit_form.exit_date == date(2025, 6, 20)
    (entry,) = exit_changes(exit_form)
    assert entry.details["reported"] == ["Projektredegørelse 01.03.2025–31.08.2025"]


def test_without_a_reported_period_touched_it_saves_directly(client, personas, citizen):
    progress_report(start="2024-09-01", end="2025-02-28")  # before the exit
    progress_report(municipality=personas.foreign.municipality.name)  # not the citizen's
    ReportJobFactory(  # not finished
        kind=ReportKind.FINAL,
        format=ReportFormat.PDF,
        status=JobStatus.RUNNING,
        params={"start": "2025-01-01", "end": "2025-12-31"},
    )
    client.force_login(personas.caseworker)
    data = form_data(client, citizen, exit_date="2025-06-20", reason=REASON)

    assert client.post(url(citizen), data).status_code == 302
    assert ExitForm.objects.get(citizen=citizen).exit_date == date(2025, 6, 20)


def test_reported_periods_touched_by_the_old_or_the_new_date(citizen):
    spring = progress_report(start="2025-03-01", end="2025-05-31")
    final = ReportJobFactory(
        kind=ReportKind.FINAL,
        format=ReportFormat.PDF,
        status=JobStatus.DONE,
        params={"start": None, "end": "2025-07-31"},
    )
    old = {"exit_date": EXIT, "status": "unemployed", "phase2_start": date(2024, 7, 8)}

    moved = reported_periods_touched(citizen, old, {**old, "exit_date": date(2025, 5, 20)})
    assert [(r.kind, r.start, r.end) for r in moved] == [
        ("Projektredegørelse", date(2025, 3, 1), date(2025, 5, 31)),
        ("Slutrapport", None, date(2025, 7, 31)),
    ]
    assert moved[0].created == spring.created_at
    status_only = reported_periods_touched(citizen, old, {**old, "status": "education"})
    assert [r.created for r in status_only] == [final.created_at]
    assert reported_periods_touched(citizen, old, dict(old)) == []


def test_the_service_refuses_an_unconfirmed_change_of_a_reported_figure(personas, citizen):
    progress_report()
    with pytest.raises(services.ReportedPeriodsTouched) as exc:
        track_correct(
            citizen=citizen, by=personas.caseworker, reason=REASON, exit_date=date(2025, 6, 20)
        )
    assert [r.label() for r in exc.value.reports] == ["Projektredegørelse 01.03.2025–31.08.2025"]
    assert ExitForm.objects.get(citizen=citizen).exit_date == EXIT


def test_phase_one_cannot_move_past_a_placement_that_started_in_the_track(personas, citizen):
    PlacementFactory(citizen=citizen, start=date(2024, 3, 4), end=date(2024, 5, 31))
    with pytest.raises(ValidationError) as exc:
        track_correct(
            citizen=citizen, by=personas.caseworker, reason=REASON, phase1_start=date(2024, 4, 1)
        )
    assert "før den rettede start på fase 1" in " ".join(exc.value.message_dict["phase1_start"])
    citizen.refresh_from_db()
    assert citizen.phase1_start == date(2024, 1, 8)


def test_a_correction_of_the_exit_and_a_phase_is_one_event_in_the_timeline(
    client, personas, citizen
):
    track_correct(
        citizen=citizen,
        by=personas.actor,
        reason=REASON,
        exit_date=date(2025, 6, 20),
        phase2_start=date(2024, 7, 15),
    )
    client.force_login(personas.caseworker)
    page = client.get(reverse("participants:citizen_detail", args=[citizen.pk])).content.decode()
    assert page.count("Rettelse efter ophør</strong>") == 1
    assert "start fase 2, ophørsdato" in page
