"""Journey: the project controller writes the final report's text and its period in one
form, starts the PDF and watches its progress until it downloads; coming back, the text is
still there. A real Celery worker builds it (no eager mode)."""

import io
import os
import uuid

import pytest
from django.conf import settings
from playwright.sync_api import expect
from pypdf import PdfReader

from reporting import tasks
from reporting.models import FINAL_HEADINGS
from siv.celery import app as celery_app
from tests.quality.servers import celery_worker, database_url

from .axe import assert_accessible
from .conftest import go_to, save_screenshot, sign_in

pytestmark = pytest.mark.e2e

REDIS = os.environ.get("SIV_E2E_REDIS_URL", "redis://127.0.0.1:6379/7")


@pytest.fixture
def report_worker(monkeypatch, tmp_path):
    """A real worker on its own queue; the app's `.delay()` sends there. Always stopped."""
    queue = f"e2e-reports-{uuid.uuid4().hex[:8]}"
    env = {
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS,
        "SIV_FIELD_KEY": settings.SIV_FIELD_KEY,
    }

    def send(job_id):
        with celery_app.connection_for_write(REDIS) as connection:
            tasks.run_report_job.apply_async((job_id,), queue=queue, connection=connection)

    monkeypatch.setattr(tasks.run_report_job, "delay", send)
    with celery_worker(env, queue, tmp_path / "worker.log", pool="solo"):
        yield queue


def test_the_controller_starts_the_final_report_and_downloads_the_pdf(
    page, demo_companies, report_worker, request
):
    sign_in(page, "controller")
    go_to(page, "Slutrapport")

    expect(page.get_by_role("heading", name="Tekst til Slutrapport", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_label(f"1. {FINAL_HEADINGS[0]}").fill(
        "Projektet bringer borgere tæt på arbejdsmarkedet sammen med socialøkonomiske "
        "virksomheder i lokale vækstpartnerskaber."
    )
    page.get_by_label(f"3. {FINAL_HEADINGS[2]}").fill("Faste jobtilsagn virker bedre end løse.")
    page.get_by_role("button", name="Gem tekst").click()
    expect(page.get_by_text("Teksten er gemt.")).to_be_visible()
    assert_accessible(page)

    # A period and a text typed and not saved: "Dan PDF" keeps both and orders that period.
    page.get_by_label("Periode fra").fill("2024-02-01")
    page.get_by_label("Periode til").fill("2024-10-31")
    page.get_by_label(f"2. {FINAL_HEADINGS[1]}").fill("Flere kom i job end ventet.")
    expect(page.get_by_role("heading", name="Tjek før rapporten dannes")).to_be_visible()
    page.get_by_role("button", name="Dan PDF for perioden").click()
    expect(page.get_by_role("heading", name="Slutrapport (PDF)", level=1)).to_be_visible()
    expect(page.get_by_text("01.02.2024 – 31.10.2024")).to_be_visible()
    expect(page.get_by_label("Fremdrift")).to_be_visible()
    assert_accessible(page)

    # The page polls the job's progress until the worker has stored the file.
    download_link = page.get_by_role("link", name="Hent")
    expect(download_link).to_be_visible(timeout=90_000)
    expect(page.get_by_text("Status: Færdig")).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, request, suffix="done")

    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    content = open(download.path(), "rb").read()
    assert content.startswith(b"%PDF")
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages)
    flat = " ".join(text.split())
    for number, heading in enumerate(FINAL_HEADINGS, start=1):
        assert heading in flat, f"heading {number} «{heading}» is missing from the PDF"
    assert "Faste jobtilsagn virker bedre end løse." in flat
    assert "Flere kom i job end ventet." in flat
    assert "Periode 01.02.2024 – 31.10.2024" in flat

    # Back to the texts: the period and what was typed are still there.
    page.get_by_role("link", name="Tilbage til teksten").click()
    expect(page.get_by_label("Periode fra")).to_have_value("2024-02-01")
    expect(page.get_by_label("Periode til")).to_have_value("2024-10-31")
    expect(page.get_by_label(f"2. {FINAL_HEADINGS[1]}")).to_have_value(
        "Flere kom i job end ventet."
    )
    expect(page.get_by_label(f"3. {FINAL_HEADINGS[2]}")).to_have_value(
        "Faste jobtilsagn virker bedre end løse."
    )
    assert_accessible(page)
