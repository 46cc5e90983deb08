"""Demo data: a few documents, so the record pages show them: a signed consent on a citizen
the demo caseworker follows, Køge's partnership's terms of reference and its signed
contract. The files are small PDFs made here. Running it twice adds nothing."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from demo.context import DemoContext
from demo.participants import fake_cpr
from documents import services
from documents.models import Document, DocumentKind
from documents.owners import owner_of_model
from participants.track import services as track_services
from pbr.models import Contract
from siv.pdf import render_pdf
from siv.roles import Role

# The citizen with the consent: the third demo citizen, in Køge, whose caseworker is the demo
# caseworker.
CONSENT_CITIZEN = 2


def demo_pdf(title: str, paragraphs: list[str]) -> bytes:
    return render_pdf("demo/document.html", {"paragraphs": paragraphs}, title=title)


def _add(record: models.Model, *, kind: str, title: str, paragraphs: list[str], by) -> None:
    owner = owner_of_model(type(record))
    if Document.objects.filter(title=title, **{owner.key: record}).exists():
        return
    upload = SimpleUploadedFile(
        "dokument.pdf", demo_pdf(title, paragraphs), content_type="application/pdf"
    )
    services.document_add(record=record, kind=kind, title=title, upload=upload, by=by)


def seed(context: DemoContext) -> None:
    caseworker = context.users[Role.CASEWORKER]
    controller = context.users[Role.CONTROLLER]
    citizen = track_services.citizen_find_by_cpr(cpr=fake_cpr(CONSENT_CITIZEN))
    if citizen is not None:
        _add(
            citizen,
            kind=DocumentKind.CONSENT,
            title="Samtykke til deling af oplysninger",
            paragraphs=[
                f"Deltager: {citizen.pseudonym}",
                "Deltageren giver samtykke til, at jobcenteret og den beskæftigelsesrettede "
                "aktør udveksler de oplysninger, der er nødvendige for forløbet.",
                "Underskrevet af deltageren og sagsbehandleren.",
            ],
            by=caseworker,
        )
    partnership = context.partnerships["Køge"]
    _add(
        partnership,
        kind=DocumentKind.TERMS_OF_REFERENCE,
        title="Kommissorium for vækstpartnerskabet",
        paragraphs=[
            f"Vækstpartnerskab: {partnership}",
            "Partnerskabet samler kommune, virksomheder og beskæftigelsesrettet aktør om at "
            "bringe borgere på kanten af arbejdsmarkedet i job.",
            "Styregruppen mødes hvert kvartal og følger op på indikatorerne.",
        ],
        by=controller,
    )
    contract = Contract.objects.filter(municipality=context.municipalities["Køge"]).first()
    if contract is not None:
        _add(
            contract,
            kind=DocumentKind.SIGNED_CONTRACT,
            title="Underskrevet kontrakt",
            paragraphs=[
                f"Kontrakt: {contract}",
                "Resultatbaseret betaling efter de aftalte takster og mål.",
                "Underskrevet af kommunen og fonden.",
            ],
            by=controller,
        )
    context.report.append(f"Documents: {Document.objects.count()} documents.")
