"""A caseworker exports a citizen's full record on request (art. 15), as JSON or PDF, and
records the legal basis; every export is logged without its content."""

import io
import json
from datetime import UTC, datetime

import time_machine
from django.urls import reverse
from pypdf import PdfReader

from siv.models import AuditAction, AuditEntry
from tests.api.conftest import citizen_in
from tests.factories.documents import add_document
from tests.factories.participants import CaseNoteFactory, ExitFormFactory, HoursEntryFactory


def test_the_json_export_holds_the_whole_record(personas, signed_in):
    citizen = citizen_in(personas.own, personas.cluster, first_name="Birthe")
    HoursEntryFactory(citizen=citizen)
    CaseNoteFactory(citizen=citizen, text="Har fået ny bolig")
    ExitFormFactory(citizen=citizen, employer_name="Netto Køge")
    client = signed_in(personas.caseworker)
    response = client.get(reverse("privacy:citizen_export", args=[citizen.pk, "json"]))
    assert response.status_code == 200
    assert citizen.pseudonym in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["deltager"]["first_name"] == "Birthe"
    assert data["ophoer"][0]["employer_name"] == "Netto Køge"
    assert data["deltager"]["cpr"] == citizen.cpr
    assert data["timer"][0]["hours"] == "10.00"
    assert data["notater"][0]["text"] == "Har fået ny bolig"
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, object_id=str(citizen.pk))
    assert citizen.cpr not in json.dumps(entry.details)


def test_the_pdf_export_is_a_pdf(personas, signed_in):
    citizen = citizen_in(personas.own, personas.cluster)
    response = signed_in(personas.caseworker).get(
        reverse("privacy:citizen_export", args=[citizen.pk, "pdf"])
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    # Rendered as every PDF of the app is (siv/pdf.py): tagged, titled, static files only.
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.metadata.title == "Indsigt i egne oplysninger"
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_an_unknown_format_is_not_found(personas, signed_in):
    citizen = citizen_in(personas.own, personas.cluster)
    url = reverse("privacy:citizen_export", args=[citizen.pk, "xml"])
    assert signed_in(personas.caseworker).get(url).status_code == 404


def test_the_caseworker_records_the_legal_basis(personas, signed_in):
    citizen = citizen_in(personas.own, personas.cluster)
    url = reverse("privacy:citizen_privacy", args=[citizen.pk])
    client = signed_in(personas.caseworker)
    response = client.post(
        url,
        {"legal_basis": "public_task", "recorded_on": "2024-02-01", "note": "Orienteret"},
        follow=True,
    )
    assert "Retsgrundlaget er registreret." in response.content.decode()
    assert "Myndighedsudøvelse" in response.content.decode()
    assert citizen.consents.get().recorded_by == personas.caseworker


def test_the_export_lists_the_citizens_documents_without_their_files(personas, signed_in):
    citizen = citizen_in(personas.own, personas.cluster)
    other = citizen_in(personas.own, personas.cluster)
    with time_machine.travel(datetime(2024, 3, 4, 9, 30, tzinfo=UTC), tick=False):
        document = add_document(citizen, by=personas.caseworker, title="Samtykke marts 2024")
    add_document(other, by=personas.caseworker, title="En andens erklæring")
    client = signed_in(personas.caseworker)

    data = json.loads(
        client.get(reverse("privacy:citizen_export", args=[citizen.pk, "json"])).content
    )

    assert data["dokumenter"] == [
        {
            "title": "Samtykke marts 2024",
            "kind": "Underskrevet erklæring",
            "uploaded_at": "2024-03-04T10:30+01:00",
            "size": document.size,
            "content_type": "application/pdf",
            "sha256": document.sha256,
            "file_included": False,
        }
    ]
    pdf = client.get(reverse("privacy:citizen_export", args=[citizen.pk, "pdf"])).content
    # The table's narrow columns wrap a title over lines.
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )
    assert "Samtykke marts 2024" in text
    assert "En andens erklæring" not in text


def test_a_citizen_without_documents_has_an_empty_list(personas, signed_in):
    citizen = citizen_in(personas.own, personas.cluster)
    response = signed_in(personas.caseworker).get(
        reverse("privacy:citizen_export", args=[citizen.pk, "json"])
    )
    assert json.loads(response.content)["dokumenter"] == []
