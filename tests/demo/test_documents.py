"""The demo shows documents: a signed consent on a citizen the demo caseworker follows, a
partnership's terms of reference and a signed contract, each a small readable PDF."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from documents.models import Document, DocumentKind
from partnerships.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_adds_a_consent_a_kommissorium_and_a_contract_once(signed_in):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # a second run adds nothing
    assert sorted(Document.objects.values_list("kind", flat=True)) == sorted(
        [DocumentKind.CONSENT, DocumentKind.TERMS_OF_REFERENCE, DocumentKind.SIGNED_CONTRACT]
    )
    for document in Document.objects.all():
        with document.file.open("rb") as handle:
            reader = PdfReader(io.BytesIO(handle.read()))
        assert reader.metadata.title == document.title
        assert document.content_type == "application/pdf"

    consent = Document.objects.get(kind=DocumentKind.CONSENT)
    caseworker = User.objects.get(username="sagsbehandler")
    page = signed_in(caseworker).get(
        reverse("participants:citizen_detail", args=[consent.citizen_id])
    )
    assert "Samtykke til deling af oplysninger" in page.content.decode()
    # The PDF names the citizen by pseudonym only.
    text = PdfReader(consent.file.open("rb")).pages[0].extract_text()
    assert consent.citizen.first_name not in text
    assert consent.citizen.pseudonym in text
