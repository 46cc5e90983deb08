"""The exit form (slutskema): the employer of an employed exit, and the practice placements,
pauses and courses the exit ends (listed on the form before it is saved)."""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accelerator.models import CompanyRole, CompanyStatus
from participants.importer.services import read_directory, run_import
from participants.models import (
    EMPLOYED_STATUSES,
    CompetenceCourse,
    ExitForm,
    ExitStatus,
    Pause,
    Placement,
    PlacementKind,
)
from participants.track import services
from siv.models import AuditEntry
from tests.factories.participants import (
    CompanyFactory,
    CompetenceCourseFactory,
    PauseFactory,
    PlacementFactory,
)

from .helpers import citizen_in

pytestmark = pytest.mark.django_db

EXIT = date(2024, 12, 20)
LEGACY_SAMPLE = Path(__file__).resolve().parent / "legacy_sample"
REQUIRED = "Angiv arbejdsgiveren: en partnervirksomhed eller en anden arbejdsgiver."


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(
        datetime(2025, 1, 15, 10, tzinfo=ZoneInfo("Europe/Copenhagen")), tick=False
    ):
        yield


@pytest.fixture
def citizen(personas):
    return citizen_in(personas.own, personas.cluster)


@pytest.fixture
def partner():
    return CompanyFactory(cvr="35740015", name="Grøn Vask ApS", role=CompanyRole.ACCELERATOR)


@pytest.fixture
def support():
    return CompanyFactory(cvr="35740023", name="Støtte ApS", role=CompanyRole.SUPPORT)


def register(citizen, **fields):
    return services.exit_register(
        citizen=citizen, by=None, **{"exit_date": EXIT, "status": "unemployed", **fields}
    )


def messages(exc: pytest.ExceptionInfo) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


# --- The employer -------------------------------------------------------------------------


def test_an_employed_exit_without_an_employer_is_refused_and_writes_nothing(citizen):
    with pytest.raises(ValidationError) as exc:
        register(citizen, status=ExitStatus.EMPLOYED_ORDINARY)
    assert exc.value.message_dict == {"employer_company": [REQUIRED]}
    assert not ExitForm.objects.exists()


def test_an_employed_exit_names_a_partner_company(citizen, partner):
    exit_form = register(citizen, status=ExitStatus.EMPLOYED_FLEX, employer_company=partner)
    assert (exit_form.employer_company, exit_form.employer_name) == (partner, "")
    assert exit_form.employer == "Grøn Vask ApS"


def test_an_employed_exit_names_another_employer(citizen):
    exit_form = register(
        citizen, status=ExitStatus.EMPLOYED_SMALL_JOB, employer_name="  Netto Køge  "
    )
    exit_form.refresh_from_db()
    assert (exit_form.employer_company, exit_form.employer_name) == (None, "Netto Køge")


def test_a_partner_company_and_another_employer_at_once_are_refused(citizen, partner):
    with pytest.raises(ValidationError) as exc:
        register(
            citizen,
            status=ExitStatus.EMPLOYED_ORDINARY,
            employer_company=partner,
            employer_name="Netto Køge",
        )
    assert "ikke begge" in messages(exc)
    assert not ExitForm.objects.exists()


@pytest.mark.parametrize("status", [ExitStatus.UNEMPLOYED, ExitStatus.EDUCATION])
def test_an_exit_that_is_not_employment_names_no_employer(citizen, partner, status):
    for employer in ({"employer_company": partner}, {"employer_name": "Netto Køge"}):
        with pytest.raises(ValidationError) as exc:
            register(citizen, status=status, **employer)
        assert "kun ved ophør til beskæftigelse" in messages(exc)
    assert not ExitForm.objects.exists()


def test_a_support_company_is_not_a_partner_company(citizen, support):
    with pytest.raises(ValidationError) as exc:
        register(citizen, status=ExitStatus.EMPLOYED_ORDINARY, employer_company=support)
    assert "partnervirksomheder" in messages(exc)
    assert not ExitForm.objects.exists()


def test_rows_without_an_employer_as_the_legacy_format_are_saved_when_told(citizen):
    exit_form = register(citizen, status=ExitStatus.EMPLOYED_ORDINARY, employer_required=False)
    assert exit_form.employer == ""


def test_the_legacy_import_keeps_saving_employed_exits_without_an_employer():
    assert run_import(read_directory(LEGACY_SAMPLE)).ok
    employed = ExitForm.objects.filter(status__in=EMPLOYED_STATUSES)
    assert employed.exists()
    assert not employed.filter(Q(employer_company__isnull=False) | ~Q(employer_name="")).exists()


def test_the_database_refuses_an_employer_on_an_exit_that_is_not_employment(citizen):
    with pytest.raises(IntegrityError), transaction.atomic():
        ExitForm.objects.create(
            citizen=citizen, exit_date=EXIT, status="unemployed", employer_name="Netto"
        )


# --- What the exit ends -------------------------------------------------------------------


@pytest.fixture
def running(citizen, partner, support):
    """A practice placement, a paid job, a pause and a course, each running on the exit date,
    and a practice placement that ended before it."""
    return {
        "practice": PlacementFactory(
            citizen=citizen, company=support, kind=PlacementKind.PRAKTIK, start=date(2024, 7, 8)
        ),
        "practice_long": PlacementFactory(
            citizen=citizen,
            company=support,
            kind=PlacementKind.SNUSE_PRAKTIK,
            start=date(2024, 11, 4),
            end=date(2025, 2, 28),
        ),
        "ended": PlacementFactory(
            citizen=citizen,
            company=support,
            kind=PlacementKind.PRAKTIK,
            start=date(2024, 3, 4),
            end=date(2024, 6, 30),
        ),
        "paid": PlacementFactory(
            citizen=citizen, company=partner, kind=PlacementKind.FLEKSJOB, start=date(2024, 12, 2)
        ),
        "pause": PauseFactory(citizen=citizen, start=date(2024, 12, 9), end=None),
        "course": CompetenceCourseFactory(
            citizen=citizen, title="Truckcertifikat", start=date(2024, 12, 2)
        ),
    }


def test_the_exit_ends_running_practice_pauses_and_courses_but_not_the_paid_job(
    citizen, partner, running
):
    exit_form = register(citizen, status=ExitStatus.EMPLOYED_FLEX, employer_company=partner)

    ends = {name: type(r).objects.get(pk=r.pk).end for name, r in running.items()}
    assert ends == {
        "practice": EXIT,
        "practice_long": EXIT,
        "ended": date(2024, 6, 30),
        "paid": None,
        "pause": EXIT,
        "course": EXIT,
    }
    # Each ended record has its audit row, pointing at the exit.
    logged = AuditEntry.objects.filter(details__ended_by_exit=exit_form.pk)
    assert sorted(logged.values_list("object_id", flat=True)) == sorted(
        str(running[name].pk) for name in ("practice", "practice_long", "pause", "course")
    )


@pytest.mark.parametrize(
    ("record", "named"),
    [
        ("placement", "Virksomhedspraktik hos Støtte ApS starter 06.01.2025"),
        ("pause", "Pausen (Sygdom) starter 06.01.2025"),
        ("course", "Kompetenceløftet Truckcertifikat starter 06.01.2025"),
    ],
)
def test_a_record_starting_after_the_exit_refuses_it_by_name(citizen, support, record, named):
    later = date(2025, 1, 6)
    if record == "placement":
        PlacementFactory(citizen=citizen, company=support, start=later)
    elif record == "pause":
        PauseFactory(citizen=citizen, start=later, end=None)
    else:
        CompetenceCourseFactory(citizen=citizen, title="Truckcertifikat", start=later)
    with pytest.raises(ValidationError) as exc:
        register(citizen)
    assert named in exc.value.message_dict["exit_date"][0]
    assert not ExitForm.objects.exists()


def test_a_paid_job_starting_after_the_exit_does_not_stop_it(citizen, partner):
    job = PlacementFactory(
        citizen=citizen, company=partner, kind=PlacementKind.ORDINAER, start=date(2025, 1, 6)
    )
    register(citizen, status=ExitStatus.EMPLOYED_ORDINARY, employer_company=partner)
    job.refresh_from_db()
    assert job.end is None


def test_a_refused_exit_ends_nothing(citizen, running):
    with pytest.raises(ValidationError):
        register(citizen, status=ExitStatus.EMPLOYED_ORDINARY)
    assert Placement.objects.get(pk=running["practice"].pk).end is None
    assert Pause.objects.get(pk=running["pause"].pk).end is None
    assert CompetenceCourse.objects.get(pk=running["course"].pk).end is None


# --- The screen ---------------------------------------------------------------------------


def exit_url(citizen):
    return reverse("participants:exit_add", args=[citizen.pk])


def test_the_form_lists_what_the_exit_will_end_before_it_is_saved(
    client, personas, citizen, running
):
    client.force_login(personas.caseworker)
    body = client.get(exit_url(citizen)).content.decode()
    assert "Ved ophøret afsluttes (pr. 15.01.2025)" in body
    assert "Virksomhedspraktik, Støtte ApS, start 08.07.2024" in body
    assert "Snuse-praktik, Støtte ApS, start 04.11.2024" in body
    assert "Pause (Sygdom), start 09.12.2024" in body
    assert "Kompetenceløft: Truckcertifikat, start 02.12.2024" in body
    assert "Fleksjob, Grøn Vask ApS" not in body  # the paid job runs on
    assert "start 04.03.2024" not in body  # ended long before


def test_the_list_follows_the_date_typed(client, personas, citizen, running):
    client.force_login(personas.caseworker)
    response = client.get(
        exit_url(citizen), {"exit_date": "2024-11-15"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert 'id="exit-ending"' in body and "<html" not in body
    assert "Ved ophøret afsluttes (pr. 15.11.2024)" in body
    assert "Virksomhedspraktik, Støtte ApS" in body
    # The pause and the course start later than that day.
    assert "Pause (" not in body and "Truckcertifikat" not in body


def test_nothing_to_end_is_said_plainly(client, personas, citizen):
    client.force_login(personas.caseworker)
    body = client.get(exit_url(citizen), {"exit_date": "junk\x00"}).content.decode()
    assert "Ingen igangværende praktik, pause eller kompetenceløft" in body


def test_the_form_costs_the_same_queries_for_more_running_records(
    client, personas, citizen, support
):
    client.force_login(personas.caseworker)

    def count() -> int:
        with CaptureQueriesContext(transaction.get_connection()) as ctx:
            assert client.get(exit_url(citizen)).status_code == 200
        return len(ctx.captured_queries)

    PlacementFactory(citizen=citizen, company=support, start=date(2024, 7, 8))
    before = count()
    for _ in range(4):
        PlacementFactory(citizen=citizen, company=support, start=date(2024, 8, 5))
        CompetenceCourseFactory(citizen=citizen, start=date(2024, 9, 2))
    assert count() == before


def test_an_employed_exit_without_an_employer_is_a_form_error(client, personas, citizen):
    client.force_login(personas.caseworker)
    data = {"exit_date": "2024-12-20", "status": "employed_ordinary"}
    response = client.post(exit_url(citizen), data)
    assert response.status_code == 200
    assert REQUIRED in response.content.decode()
    assert not ExitForm.objects.exists()


def test_the_form_saves_a_partner_company_and_ends_the_practice(
    client, personas, citizen, partner, running
):
    client.force_login(personas.caseworker)
    data = {
        "exit_date": "2024-12-20",
        "status": "employed_flex",
        "employer_company": partner.pk,
    }
    assert client.post(exit_url(citizen), data).status_code == 302
    assert ExitForm.objects.get().employer_company == partner
    assert Placement.objects.get(pk=running["practice"].pk).end == EXIT
    body = client.get(reverse("participants:citizen_detail", args=[citizen.pk])).content
    assert "I fleksjob · Grøn Vask ApS" in body.decode()


def test_the_form_saves_another_employer(client, personas, citizen):
    client.force_login(personas.actor)
    data = {"exit_date": "2024-12-20", "status": "employed_self", "employer_name": "Egen café"}
    assert client.post(exit_url(citizen), data).status_code == 302
    assert ExitForm.objects.get().employer_name == "Egen café"


def test_the_form_refuses_an_employer_when_not_employed(client, personas, citizen, partner):
    client.force_login(personas.caseworker)
    data = {"exit_date": "2024-12-20", "status": "education", "employer_company": partner.pk}
    response = client.post(exit_url(citizen), data)
    assert response.status_code == 200
    assert "kun ved ophør til beskæftigelse" in response.content.decode()
    assert not ExitForm.objects.exists()


def test_the_form_offers_only_partner_companies_still_in_the_programme(
    client, personas, citizen, partner, support
):
    dropped = CompanyFactory(
        cvr="35740031",
        name="Lukket ApS",
        status=CompanyStatus.DROPPED_OUT,
        dropped_out_on=date(2024, 6, 1),
    )
    client.force_login(personas.caseworker)
    form = client.get(exit_url(citizen)).context["form"]
    offered = set(form.fields["employer_company"].queryset)
    assert partner in offered and support not in offered and dropped not in offered
    data = {"exit_date": "2024-12-20", "status": "employed_flex", "employer_company": support.pk}
    assert client.post(exit_url(citizen), data).status_code == 200
    assert not ExitForm.objects.exists()


def test_the_partner_company_of_a_running_paid_job_is_preselected(
    client, personas, citizen, partner, support
):
    PlacementFactory(
        citizen=citizen,
        company=partner,
        kind=PlacementKind.LOENTILSKUD,
        start=date(2024, 10, 7),
        hours_per_week=Decimal("15"),
    )
    PlacementFactory(citizen=citizen, company=support, kind=PlacementKind.PRAKTIK)
    client.force_login(personas.caseworker)
    response = client.get(exit_url(citizen))
    assert response.context["form"]["employer_company"].value() == partner.pk
    assert f'<option value="{partner.pk}" selected>' in response.content.decode()


def test_no_company_is_preselected_without_a_paid_job_at_a_partner(
    client, personas, citizen, partner, support
):
    PlacementFactory(citizen=citizen, company=support, kind=PlacementKind.LOENTILSKUD)
    PlacementFactory(
        citizen=citizen,
        company=partner,
        kind=PlacementKind.LOENTILSKUD,
        start=date(2024, 3, 4),
        end=date(2024, 9, 30),
    )
    client.force_login(personas.caseworker)
    response = client.get(exit_url(citizen))
    assert response.context["form"]["employer_company"].value() is None


def test_the_form_is_not_offered_once_the_citizen_has_left(client, personas, citizen):
    register(citizen)
    client.force_login(personas.caseworker)
    page = reverse("participants:citizen_detail", args=[citizen.pk])
    response = client.get(exit_url(citizen))
    assert (response.status_code, response.url) == (302, page)
    data = {"exit_date": "2024-12-27", "status": "unemployed"}
    assert client.post(exit_url(citizen), data).status_code == 302
    assert ExitForm.objects.count() == 1
