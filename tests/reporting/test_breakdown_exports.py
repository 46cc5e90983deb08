"""The indicator exports broken down by level (one XLSX sheet per level, a CSV per level, a
PDF section per level), limited to a sub-project, and the period and orderer their subtitles
and job pages show."""

import csv
import io
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from partnerships.models import Municipality, Region
from reporting import services
from reporting.models import IndicatorCode, IndicatorTarget, ProjectSettings, ReportJob
from reporting.selectors import ReportParams
from tests.factories.reporting import SubProjectFactory

pytestmark = pytest.mark.django_db
END = date(2024, 12, 31)


def _artifact(fmt: str, params: ReportParams = ReportParams(end=END)) -> bytes:  # noqa: B008
    job = services.job_create(by=None, kind="indicators", fmt=fmt, params=params, queue=False)
    artifact = services.run_job(job.pk)
    with artifact.file.open("rb") as handle:
        return handle.read()


@pytest.fixture
def targets(programme):
    IndicatorTarget.objects.create(
        code="P01", municipality=Municipality.objects.get(name="Næstved"), value=6
    )
    IndicatorTarget.objects.create(
        code="P01", region=Region.objects.get(name="Region Sjælland"), value=40
    )


def test_the_xlsx_has_a_sheet_per_level_each_unit_against_its_targets(targets):
    book = load_workbook(io.BytesIO(_artifact("xlsx")))
    assert book.sheetnames == ["Indikatorskema", "Regioner", "Klynger", "Kommuner"]
    sheet = book["Kommuner"]
    assert sheet["A1"].value == "Indikatorskema pr. kommune"
    assert sheet["A2"].value == "Hele programmet · 01.01.2019 – 31.12.2024"
    assert [c.value for c in sheet[4]] == ["Kommune", "Kode", "Indikator", "Værdi", "Mål"]
    rows = {(r[0], r[1]): r[3:] for r in sheet.iter_rows(min_row=5, values_only=True)}
    assert rows[("Køge", "P01")] == (3, None)
    assert rows[("Næstved", "P01")] == (1, 6)
    assert len(rows) == 2 * len(IndicatorCode)
    regions = {(r[0], r[1]): r[3:] for r in book["Regioner"].iter_rows(min_row=5, values_only=True)}
    assert {unit for unit, _code in regions} == {"Region Sjælland"}
    assert regions[("Region Sjælland", "P01")] == (4, 40)
    assert book["Klynger"]["A5"].value == "Klynge 1"


def test_the_csv_of_a_level_has_a_row_per_unit_and_code(targets):
    content = _artifact("csv", ReportParams(end=END, by="municipality")).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == ["unit", "code", "value", "target"]
    assert ["Næstved", "P01", "1", "6"] in rows
    assert ["Køge", "P07", "1", ""] in rows
    assert len(rows) == 1 + 2 * len(IndicatorCode)


def test_the_pdf_has_a_section_per_level(targets):
    reader = PdfReader(io.BytesIO(_artifact("pdf")))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for heading in ("Pr. region", "Pr. klynge", "Pr. kommune"):
        assert heading in text
    assert "Næstved P01 Tilmeldte deltagere 1 6" in text
    assert "Region Sjælland P01 Tilmeldte deltagere 4 40" in text
    assert "01.01.2019 – 31.12.2024" in text and "– –" not in text


def test_an_export_for_a_sub_project_counts_its_region_from_its_start(targets):
    sub_project = SubProjectFactory(name="Delprojekt Sjælland")
    params = ReportParams(region="Region Sjælland", sub_project=sub_project.pk, end=END)
    book = load_workbook(io.BytesIO(_artifact("xlsx", params)))
    # The region is the sub-project's: broken down by cluster and municipality only.
    assert book.sheetnames == ["Indikatorskema", "Klynger", "Kommuner"]
    assert book.active["A2"].value == "Delprojekt Sjælland · 01.01.2018 – 31.12.2024"


@pytest.mark.parametrize(
    ("params", "with_project", "subtitle"),
    [
        (
            ReportParams(start=date(2024, 1, 1), end=date(2024, 6, 30)),
            True,
            "01.01.2024 – 30.06.2024",
        ),
        (ReportParams(end=date(2024, 6, 30)), True, "01.01.2019 – 30.06.2024"),
        (ReportParams(end=date(2024, 6, 30)), False, "til og med 30.06.2024"),
    ],
)
def test_the_subtitle_always_shows_the_period(programme, params, with_project, subtitle):
    if not with_project:
        ProjectSettings.objects.all().delete()
    sheet = load_workbook(io.BytesIO(_artifact("xlsx", params))).active
    assert sheet["A2"].value == f"Hele programmet · {subtitle}"


def test_the_job_page_shows_the_period_and_the_full_name_of_who_ordered_it(
    programme, signed_in, personas
):
    controller = personas.controller
    controller.first_name, controller.last_name = "Karen", "Holm Jensen"
    controller.save()
    client = signed_in(controller)
    sub_project = SubProjectFactory(name="Delprojekt Sjælland")
    with time_machine.travel(date(2025, 3, 4), tick=False):
        response = client.post(
            reverse("reporting:job_create"),
            {
                "kind": "indicators",
                "format": "csv",
                "by": "municipality",
                "sub_project": sub_project.pk,
            },
        )
        job = ReportJob.objects.get()
        assert job.params["by"] == "municipality"
        assert job.params["region"] == "Region Sjælland"
        page = client.get(response["Location"]).content.decode()
        client.post(
            reverse("reporting:job_create"),
            {"kind": "indicators", "format": "xlsx", "start": "2024-01-01", "end": "2024-06-30"},
        )
        listing = client.get(reverse("reporting:job_list")).content.decode()
    assert "Karen Holm Jensen" in page and "Karen Holm Jensen" in listing
    assert "01.01.2018 – 04.03.2025" in page and "01.01.2018 – 04.03.2025" in listing
    assert "01.01.2024 – 30.06.2024" in listing
    assert "Delprojekt Sjælland" in page
    assert "– –" not in page


def test_the_indicator_screen_shows_its_period_from_the_project_start(
    programme, signed_in, personas
):
    client = signed_in(personas.controller)
    page = client.get(reverse("reporting:indicators"), {"end": "2024-12-31"}).content.decode()
    assert "Hele programmet · 01.01.2019 – 31.12.2024" in page
    assert reverse("reporting:indicator_breakdown") in page
