"""The progress statement's and final report's one form: period and texts together, "Dan PDF"
keeping the texts before it orders the PDF for the period on screen, texts per report, period
and regional sub-project, and the readiness check before the order."""

import io
import re
from datetime import date

import pytest
import time_machine
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from partnerships.models import Region
from reporting import services
from reporting.models import (
    FINAL_HEADINGS,
    PROGRESS_HEADINGS,
    ReadinessAcknowledgement,
    ReportJob,
    ReportNarrative,
)
from siv.cache import resilient_cache
from tests.factories.participants import CitizenFactory, VisitationFactory
from tests.factories.partnerships import ClusterFactory, municipality
from tests.factories.reporting import SubProjectFactory

pytestmark = pytest.mark.django_db

FINAL = "reporting:report_texts_final"
PROGRESS = "reporting:report_texts_progress"


@pytest.fixture
def queued(monkeypatch):
    """The ids of the jobs sent to the queue once the order commits (the tests run them
    with services.run_job)."""
    sent = []
    monkeypatch.setattr("reporting.tasks.run_report_job.delay", sent.append)
    return sent


@pytest.fixture
def sjaelland():
    return SubProjectFactory(
        name="Social inklusion i Region Sjælland",
        journal_number="SFNPO-18-0044",
        project_start=date(2018, 6, 1),
        project_end=date(2022, 9, 30),
    )


def _pdf_text(job_id: int) -> str:
    artifact = services.run_job(job_id)
    assert artifact is not None, ReportJob.objects.get(pk=job_id).error
    with artifact.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _form(start: str, end: str, **texts: str) -> dict:
    return {"period_start": start, "period_end": end, **texts}


def test_dan_pdf_keeps_the_texts_and_orders_the_pdf_for_the_period_on_screen(
    signed_in, personas, programme, queued, django_capture_on_commit_callbacks
):
    client = signed_in(personas.controller)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(FINAL),
            {
                **_form("2024-02-01", "2024-10-31", heading_2="Flere i job end ventet."),
                "action": "pdf",
            },
        )
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reporting:job_detail", args=[job.pk])
    assert queued == [job.pk]
    assert (job.kind, job.format) == ("final", "pdf")
    assert (job.params["start"], job.params["end"]) == ("2024-02-01", "2024-10-31")
    kept = ReportNarrative.objects.get(period_start=date(2024, 2, 1), heading=2)
    assert (kept.text, kept.period_end, kept.sub_project) == (
        "Flere i job end ventet.",
        date(2024, 10, 31),
        None,
    )

    text = _flat(_pdf_text(job.pk))
    assert "Flere i job end ventet." in text
    assert "Periode 01.02.2024 – 31.10.2024" in text
    assert f"1. {FINAL_HEADINGS[0]} Ingen tekst skrevet." in text

    page = client.get(reverse("reporting:job_detail", args=[job.pk])).content.decode()
    assert "01.02.2024 – 31.10.2024" in page
    assert personas.controller.get_full_name() in page
    back = re.search(r'href="([^"]+)">Tilbage til teksten', page).group(1).replace("&amp;", "&")
    again = client.get(back).content.decode()
    assert "Flere i job end ventet." in again
    assert 'value="2024-02-01"' in again and 'value="2024-10-31"' in again


def test_gem_tekst_keeps_the_texts_without_ordering_anything(
    signed_in, personas, programme, queued, django_capture_on_commit_callbacks
):
    client = signed_in(personas.controller)
    data = {**_form("2024-01-01", "2024-06-30", heading_3="Styregruppen mødes."), "action": "save"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(PROGRESS), data)
    assert response.status_code == 302
    assert response.url == f"{reverse(PROGRESS)}?fra=2024-01-01&til=2024-06-30"
    assert not ReportJob.objects.exists() and queued == []
    assert "Styregruppen mødes." in client.get(response.url).content.decode()


def test_a_period_ending_before_it_starts_is_a_danish_form_error_and_orders_nothing(
    signed_in, personas, queued
):
    response = signed_in(personas.controller).post(
        reverse(FINAL), {**_form("2024-06-30", "2024-01-01"), "action": "pdf"}
    )
    assert response.status_code == 200
    assert "Perioden skal starte før den slutter." in response.content.decode()
    assert not ReportJob.objects.exists() and not ReportNarrative.objects.exists()


def test_a_final_report_opens_on_the_project_period_of_the_programme_or_sub_project(
    signed_in, personas, programme, sjaelland
):
    client = signed_in(personas.controller)
    programme_page = client.get(reverse(FINAL)).content.decode()
    assert 'value="2019-01-01"' in programme_page and 'value="2025-12-31"' in programme_page
    own = client.get(f"{reverse(FINAL)}?delprojekt={sjaelland.pk}").content.decode()
    assert 'value="2018-06-01"' in own and 'value="2022-09-30"' in own
    assert "SFNPO-18-0044" in own


@time_machine.travel("2026-03-15 10:00 +01:00")
def test_a_progress_statement_opens_on_the_year_to_date(signed_in, personas, programme):
    page = signed_in(personas.controller).get(reverse(PROGRESS)).content.decode()
    assert 'value="2026-01-01"' in page and 'value="2026-03-15"' in page


def test_texts_are_kept_per_report_period_and_sub_project(
    signed_in, personas, programme, sjaelland
):
    client = signed_in(personas.controller)
    period = _form("2024-01-01", "2024-12-31")
    own_url = f"{reverse(PROGRESS)}?delprojekt={sjaelland.pk}"
    client.post(reverse(PROGRESS), {**period, "heading_1": "Hele programmet skrider frem."})
    client.post(own_url, {**period, "heading_1": "Sjælland skrider frem."})
    client.post(reverse(FINAL), {**period, "heading_1": "Slutrapportens formål."})

    query = "fra=2024-01-01&til=2024-12-31"
    programme_page = client.get(f"{reverse(PROGRESS)}?{query}").content.decode()
    own_page = client.get(f"{own_url}&{query}").content.decode()
    assert "Hele programmet skrider frem." in programme_page
    assert "Sjælland skrider frem." not in programme_page
    assert "Sjælland skrider frem." in own_page
    assert "Hele programmet skrider frem." not in own_page
    assert ReportNarrative.objects.filter(sub_project=sjaelland).count() == len(PROGRESS_HEADINGS)
    assert ReportNarrative.objects.filter(kind="final").count() == len(FINAL_HEADINGS)


def test_the_database_keeps_one_programme_text_per_heading_and_period():
    fields = {
        "kind": "progress",
        "period_start": date(2024, 1, 1),
        "period_end": date(2024, 12, 31),
        "heading": 1,
    }
    ReportNarrative.objects.create(**fields, text="Først.")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportNarrative.objects.create(**fields, text="Igen.")


def test_a_new_period_starts_from_the_last_periods_text_of_the_same_sub_project(
    signed_in, personas, sjaelland
):
    first = {"kind": "progress", "period_start": date(2024, 1, 1), "heading": 3}
    ReportNarrative.objects.create(
        **first, period_end=date(2024, 6, 30), sub_project=sjaelland, text="Sjællands styregruppe."
    )
    ReportNarrative.objects.create(
        **first, period_end=date(2024, 6, 30), text="Programmets styregruppe."
    )
    page = (
        signed_in(personas.controller)
        .get(f"{reverse(PROGRESS)}?fra=2024-07-01&til=2024-12-31&delprojekt={sjaelland.pk}")
        .content.decode()
    )
    assert "Sjællands styregruppe." in page
    assert "Programmets styregruppe." not in page
    assert "Teksten er hentet fra forrige periode." in page
    assert "01.01.2024 – 30.06.2024" in page  # the saved period, a link to open it


def test_a_sub_projects_statement_carries_its_own_identity_texts_and_region(
    signed_in, personas, programme, sjaelland, queued
):
    aarhus = CitizenFactory(municipality=municipality("Aarhus"), cluster=personas.cluster)
    VisitationFactory(citizen=aarhus, proposed_on=date(2024, 1, 2))
    client = signed_in(personas.controller)
    client.post(
        f"{reverse(PROGRESS)}?delprojekt={sjaelland.pk}",
        {
            **_form("2024-01-01", "2024-12-31", heading_1="Alene Region Sjælland."),
            "action": "pdf",
        },
    )
    job = ReportJob.objects.get()
    assert job.params["sub_project"] == sjaelland.pk
    assert job.params["region"] == "Region Sjælland"
    text = _flat(_pdf_text(job.pk))
    assert "Social inklusion i Region Sjælland" in text
    assert "SFNPO-18-0044" in text and "SFNPO-18-0012" not in text
    assert "Projektperiode 01.06.2018 – 30.09.2022" in text
    assert "Alene Region Sjælland." in text
    # Køge's three citizens and Næstved's one, not the one in Aarhus (Region Midtjylland).
    assert "P01 Tilmeldte deltagere 4" in text

    client.post(
        reverse(PROGRESS), {**_form("2024-01-01", "2024-12-31"), "action": "pdf"}
    )  # the programme's: every region
    programme_job = ReportJob.objects.exclude(pk=job.pk).get()
    assert "P01 Tilmeldte deltagere 5" in _flat(_pdf_text(programme_job.pk))


def test_the_readiness_check_lists_empty_sections_and_open_findings(signed_in, personas):
    CitizenFactory(municipality=personas.own.municipality, cluster=personas.cluster)  # no visit
    page = (
        signed_in(personas.controller)
        .get(f"{reverse(FINAL)}?fra=2024-01-01&til=2024-12-31")
        .content.decode()
    )
    assert "Afsnit uden tekst:" in page
    for number, heading in enumerate(FINAL_HEADINGS, start=1):
        assert f"<li>{number}. {heading}</li>" in page
    assert "Fase 1 er startet uden en godkendt visitation: 1" in page
    assert "Jeg har set de åbne fund og vil danne rapporten alligevel" in page


def test_open_findings_hold_the_order_back_until_the_controller_acknowledges_them(
    signed_in, personas, queued
):
    CitizenFactory(municipality=personas.own.municipality, cluster=personas.cluster)
    client = signed_in(personas.controller)
    data = {**_form("2024-01-01", "2024-12-31", heading_1="Formålet."), "action": "pdf"}

    refused = client.post(reverse(FINAL), data)
    assert refused.status_code == 200
    assert "Der er åbne fund i datakvaliteten." in refused.content.decode()
    assert not ReportJob.objects.exists()
    assert ReportNarrative.objects.get(heading=1).text == "Formålet."  # kept all the same

    ordered = client.post(reverse(FINAL), {**data, "acknowledge": "on"})
    assert ordered.status_code == 302
    assert ReportJob.objects.count() == 1
    acknowledgement = ReadinessAcknowledgement.objects.get()
    assert acknowledgement.findings == {"phase1_without_visitation": 1}
    assert acknowledgement.acknowledged_by == personas.controller

    page = client.get(f"{reverse(FINAL)}?fra=2024-01-01&til=2024-12-31").content.decode()
    assert f"Kvitteret af {personas.controller.get_full_name()}" in page
    assert client.post(reverse(FINAL), data).status_code == 302  # the same findings: no ask

    CitizenFactory(municipality=personas.own.municipality, cluster=personas.cluster)
    again = client.post(reverse(FINAL), data)
    assert "Der er åbne fund i datakvaliteten." in again.content.decode()
    assert ReportJob.objects.count() == 2


def test_a_sub_projects_readiness_counts_the_findings_of_its_region_only(
    signed_in, personas, sjaelland
):
    CitizenFactory(municipality=municipality("Aarhus"), cluster=personas.cluster)
    page = (
        signed_in(personas.controller)
        .get(f"{reverse(FINAL)}?delprojekt={sjaelland.pk}")
        .content.decode()
    )
    assert "Ingen åbne fund i datakvaliteten." in page
    assert "Fase 1 er startet uden en godkendt visitation: 1" in (
        signed_in(personas.controller).get(reverse(FINAL)).content.decode()
    )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_report_page_reads_a_constant_number_of_queries(signed_in, personas, programme):
    client = signed_in(personas.controller)
    url = f"{reverse(PROGRESS)}?fra=2024-07-01&til=2024-12-31"
    SubProjectFactory(region=Region.objects.get(name="Region Nordjylland"))
    before = _queries(client, url)
    for region in ("Region Sjælland", "Region Hovedstaden", "Region Midtjylland"):
        sub_project = SubProjectFactory(region=Region.objects.get(name=region))
        for month in (3, 6):
            ReportNarrative.objects.create(
                kind="progress",
                sub_project=sub_project,
                period_start=date(2024, 1, 1),
                period_end=date(2024, month, 28),
                heading=1,
                text="Tekst.",
            )
    for month in (3, 6):
        ReportNarrative.objects.create(
            kind="progress",
            period_start=date(2024, 1, 1),
            period_end=date(2024, month, 28),
            heading=1,
            text="Tekst.",
        )
    assert _queries(client, url) == before


def test_the_job_page_shows_the_period_and_who_ordered_it_by_name(signed_in, personas):
    with time_machine.travel("2026-12-06 12:00 +01:00"):
        job = services.job_create(
            by=personas.controller,
            kind="indicators",
            fmt="csv",
            params=services.ReportParams(),
            queue=False,
        )
    page = (
        signed_in(personas.controller)
        .get(reverse("reporting:job_detail", args=[job.pk]))
        .content.decode()
    )
    assert "til og med 06.12.2026" in page  # no project start set up to count from
    assert personas.controller.get_full_name() in page
    assert "– – –" not in page
    listed = signed_in(personas.controller).get(reverse("reporting:job_list")).content.decode()
    assert personas.controller.get_full_name() in listed
    assert "til og med 06.12.2026" in listed


@pytest.mark.parametrize("kind", ["progress", "final"])
def test_the_pdf_names_each_table_once_and_keeps_short_labels_on_one_line(
    programme, personas, kind
):
    for number in range(2, 7):
        ClusterFactory(number=number, start_year=2019)
    job = services.job_create(
        by=None,
        kind=kind,
        fmt="pdf",
        params=services.ReportParams(start=date(2024, 1, 1), end=date(2024, 12, 31)),
        queue=False,
    )
    lines = [line.strip() for line in _pdf_text(job.pk).splitlines()]
    for heading in ("Status pr. klynge", "Afholdte camps", "Timer pr. måned"):
        assert lines.count(heading) == 1, heading  # a heading, no caption repeating it
    for number in range(1, 7):
        assert any(line.startswith(f"Klynge {number} ") for line in lines), number
    assert "Klynge" not in lines  # never a label broken after its first word


def test_dan_pdf_counts_against_the_report_order_limit_and_gem_tekst_does_not(
    signed_in, personas, settings
):
    cache.clear()
    resilient_cache.local.clear()
    settings.SIV_SCREEN_LIMITS = {**settings.SIV_SCREEN_LIMITS, "report_order": (1, 3600)}
    client = signed_in(personas.controller)
    period = _form("2024-01-01", "2024-12-31", heading_1="Formålet.")
    assert client.post(reverse(FINAL), {**period, "action": "pdf"}).status_code == 302
    assert client.post(reverse(FINAL), {**period, "action": "save"}).status_code == 302
    refused = client.post(reverse(FINAL), {**period, "action": "pdf"})
    assert refused.status_code == 429
    assert "Du har nået grænsen for bestilling af rapporter" in refused.content.decode()
    assert ReportJob.objects.count() == 1
    cache.clear()
    resilient_cache.local.clear()
