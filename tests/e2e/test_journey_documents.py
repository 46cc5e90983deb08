"""Journey: the project controller adds a growth partnership's terms of reference from the
partnership's page, downloads it and deletes it again, on a phone (390 px) and on a laptop
(1366 px); a renamed program is refused on the way."""

import pytest
from playwright.sync_api import expect

from documents.models import Document
from partnerships.models import GrowthPartnership

from .axe import assert_accessible
from .conftest import save_screenshot, sign_in
from .test_layout import problems_on

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.parametrize("width", [390, 1366])
def test_the_controller_keeps_a_partnerships_terms_of_reference(
    page, demo_people, request, width, tmp_path
):
    page.set_viewport_size({"width": width, "height": 900})
    partnership = GrowthPartnership.objects.order_by("pk").first()
    sign_in(page, "controller")
    page.goto(f"/partnerskaber/{partnership.pk}/")
    section = page.get_by_role("region", name="Dokumenter")
    expect(section.get_by_text("Ingen dokumenter endnu.")).to_be_visible()

    program = tmp_path / "kommissorium.pdf"
    program.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200))
    section.get_by_label("Dokumenttype").select_option(label="Kommissorium")
    section.get_by_label("Titel").fill("Kommissorium for styregruppen")
    section.get_by_label("Fil").set_input_files(program)
    section.get_by_role("button", name="Upload dokument").click()
    expect(page.get_by_text("Filtypen kan ikke gemmes.", exact=False)).to_be_visible()
    assert not Document.objects.exists()

    terms = tmp_path / "kommissorium-rigtig.pdf"
    terms.write_bytes(PDF)
    section = page.get_by_role("region", name="Dokumenter")
    section.get_by_label("Dokumenttype").select_option(label="Kommissorium")
    section.get_by_label("Titel").fill("Kommissorium for styregruppen")
    section.get_by_label("Fil").set_input_files(terms)
    section.get_by_role("button", name="Upload dokument").click()
    expect(page.get_by_text("Dokumentet er gemt.")).to_be_visible()

    page.goto(f"/partnerskaber/{partnership.pk}/")
    section = page.get_by_role("region", name="Dokumenter")
    link = section.get_by_role("link", name="Kommissorium for styregruppen", exact=True)
    expect(link).to_be_visible()
    problems = problems_on(page, "partnership page with a document", "telefon")
    if problems:
        save_screenshot(page, request, suffix="documents")
    assert not problems, "\n".join(problems)
    assert_accessible(page)

    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "kommissorium-for-styregruppen.pdf"
    assert open(download.value.path(), "rb").read() == PDF

    section.get_by_role("link", name="Slet").click()
    expect(page.get_by_role("heading", name="Slet dokument")).to_be_visible()
    page.get_by_role("button", name="Slet").click()
    expect(page.get_by_text("Dokumentet er slettet.")).to_be_visible()
    expect(page.get_by_text("Ingen dokumenter endnu.")).to_be_visible()
    assert not Document.objects.exists()
