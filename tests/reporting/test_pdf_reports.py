"""The PDFs read back with pypdf: every heading, the project data and the right figures."""

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from reporting import services
from reporting.models import FINAL_HEADINGS, PROGRESS_HEADINGS, ReportNarrative
from reporting.selectors import ReportParams
from siv.pdf import RefusedURL, StaticOnlyFetcher, render_pdf

pytestmark = pytest.mark.django_db
PERIOD = ReportParams(start=date(2024, 1, 1), end=date(2024, 12, 31))


def _text(artifact) -> tuple[str, PdfReader]:
    with artifact.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text), reader


def _run(kind, fmt="pdf", params=PERIOD):
    job = services.job_create(by=None, kind=kind, fmt=fmt, params=params, queue=False)
    artifact = services.run_job(job.pk)
    assert artifact is not None, job.error
    return artifact


def test_progress_statement_has_every_heading_project_data_and_figures(programme):
    ReportNarrative.objects.create(
        kind="progress",
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        heading=1,
        text="Fremdriften er god i Køge.",
    )
    text, reader = _text(_run("progress"))
    for number, heading in enumerate(PROGRESS_HEADINGS, start=1):
        assert f"{number}. {heading}" in text
    assert "SFNPO-18-0012" in text
    assert "Social inklusion gennem Vækstpartnerskaber" in text
    assert "01.01.2019 – 31.12.2025" in text  # whole project period
    assert "01.01.2024 – 31.12.2024" in text  # period covered
    assert "Fremdriften er god i Køge." in text
    assert "P01 Tilmeldte deltagere 4 120" in text
    assert "P03 I beskæftigelse ved ophør 1" in text
    assert "Brand og salg" in text  # camps held
    assert re.search(r"Side 1 af \d", text)
    assert reader.metadata.title == "Projektredegørelse"


def test_final_report_has_the_four_headings(programme):
    text, _reader = _text(_run("final"))
    for number, heading in enumerate(FINAL_HEADINGS, start=1):
        assert f"{number}. {heading}" in text
    assert "Slutrapport" in text


def test_indicator_pdf_is_tagged_and_carries_danish_language(programme):
    artifact = _run("indicators")
    with artifact.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "da"
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("DejaVu" in name for name in fonts)


def test_hours_pdf_shows_danish_number_format(programme):
    text, _reader = _text(_run("hours"))
    # 10 + 5 + 8 + 12 hours at 250 kr.: 8.750,00 kr. in total.
    assert "8.750,00" in text
    assert "35,00" in text


def test_url_fetcher_refuses_the_network():
    fetcher = StaticOnlyFetcher()
    for url in ("http://example.com/x.png", "https://example.com/", "file:///etc/passwd"):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    with pytest.raises(RefusedURL):
        fetcher.fetch("siv-static:../../etc/passwd")
    assert fetcher.fetch("siv-static:reporting/fonts/DejaVuSans.ttf").read()[:4]


def test_a_pdf_asking_for_an_http_image_never_fetches_it(monkeypatch, settings, tmp_path):
    fetched = []
    monkeypatch.setattr(
        "urllib.request.urlopen",
        lambda *a, **k: fetched.append(a) or (_ for _ in ()).throw(OSError),
    )
    template = tmp_path / "evil.html"
    template.write_text(
        '<html lang="da"><title>x</title><img src="http://example.com/a.png" alt="">'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], str(tmp_path)]}
    ]
    pdf = render_pdf("evil.html", {}, title="x")
    assert pdf.startswith(b"%PDF")
    assert fetched == []


def test_a_long_table_repeats_its_header_on_every_page():
    from datetime import timedelta
    from decimal import Decimal

    from participants.models import HoursKind
    from tests.factories.participants import CitizenFactory, HoursEntryFactory

    citizen = CitizenFactory()
    for month in range(40):
        for kind in (HoursKind.TRAINING, HoursKind.PRACTICE):
            HoursEntryFactory(
                citizen=citizen,
                week_start=date(2021, 1, 4) + timedelta(weeks=round(month * 4.35)),
                kind=kind,
                hours=Decimal("4"),
            )
    artifact = _run("hours", params=ReportParams(end=date(2024, 12, 31)))
    with artifact.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    table_pages = [text for text in pages if "Ressourceforløbsydelse" in text]
    assert len(table_pages) >= 2
    assert all("Måned Kommune Ydelse Timetype" in text for text in table_pages)
