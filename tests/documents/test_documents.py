"""Documents on a citizen, a company, a partnership, a contract and an expense: added through
the record's page, refused by content, downloaded with an audit row, removed with their
file, and gone with the citizen's personal data."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accelerator.models import Company
from documents.models import Document
from participants.models import Citizen, ExitStatus
from privacy.services import anonymise_exited
from siv.models import AuditAction, AuditEntry
from siv.roles import Role
from tests.api.conftest import citizen_in
from tests.factories.documents import PDF, add_document, pdf_upload
from tests.factories.participants import ExitFormFactory

from .test_permissions import OWNERS

# An executable (a Windows program starts with "MZ"), renamed to look like a PDF.
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200)

# Who may add documents to each owner's record in the own world, and the record's page.
WRITERS = {
    "citizen": Role.CASEWORKER,
    "company": Role.BUSINESS_DEVELOPER,
    "partnership": Role.CONTROLLER,
    "contract": Role.CONTROLLER,
    "expense": Role.CONTROLLER,
}
PAGES = {
    "citizen": lambda record: reverse("participants:citizen_detail", args=[record.pk]),
    "company": lambda record: reverse("accelerator:company_detail", args=[record.pk]),
    "partnership": lambda record: reverse("partnerships:partnership_detail", args=[record.pk]),
    "contract": lambda record: reverse("pbr:contract_detail", args=[record.pk]),
    "expense": lambda record: reverse("documents:expense_documents", args=[record.pk]),
}


def record_of(personas, key, side="own"):
    model, _view, _write, own, foreign, _abroad = OWNERS[key]
    return model.objects.get(pk=(own if side == "own" else foreign)(personas)[0])


def upload(client, record, key, *, name="erklaering.pdf", data=PDF, title="Samtykke 2024"):
    kind = OWNERS_KINDS[key]
    return client.post(
        reverse(f"documents:{key}_documents", args=[record.pk]),
        {
            "document-kind": kind,
            "document-title": title,
            "document-file": pdf_upload(name, data),
        },
    )


OWNERS_KINDS = {
    "citizen": "consent",
    "company": "agreement",
    "partnership": "terms_of_reference",
    "contract": "signed_contract",
    "expense": "invoice",
}


@pytest.mark.parametrize("key", list(OWNERS))
def test_a_writer_adds_a_document_from_the_records_page(signed_in, personas, key):
    record = record_of(personas, key)
    client = signed_in(personas.own[WRITERS[key]])
    page = client.get(PAGES[key](record))
    assert 'enctype="multipart/form-data"' in page.content.decode()

    response = upload(client, record, key)

    assert response.status_code == 302
    document = Document.objects.get()
    assert document.owner == record
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF)
    # Stored under a random name: nothing of the title or the uploaded file's name.
    assert document.file.name.endswith(".pdf")
    assert "erklaering" not in document.file.name and "Samtykke" not in document.file.name
    assert document.file.storage.exists(document.file.name)
    assert "Samtykke 2024" in client.get(PAGES[key](record)).content.decode()
    created = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(document.pk))
    assert created.details["owner"] == key


# A role of the own world that sees its own world's records of the kind, not the foreign one's.
PROBERS = {
    "citizen": Role.CASEWORKER,
    "company": Role.BUSINESS_DEVELOPER,
    "partnership": Role.MUNICIPAL_LEAD,
    "contract": Role.MUNICIPAL_LEAD,
    "expense": Role.MUNICIPAL_LEAD,
}


@pytest.mark.parametrize("key", list(OWNERS))
def test_a_foreign_users_download_is_not_found(signed_in, personas, key):
    own_document = add_document(record_of(personas, key), by=personas.admin)
    foreign_document = add_document(record_of(personas, key, "foreign"), by=personas.admin)
    client = signed_in(personas.own[PROBERS[key]])
    assert (
        client.get(reverse("documents:document_download", args=[own_document.pk])).status_code
        == 200
    )

    response = client.get(reverse("documents:document_download", args=[foreign_document.pk]))

    assert response.status_code == 404
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == 1
    assert AuditEntry.objects.filter(
        action=AuditAction.FOREIGN, object_id=str(foreign_document.pk)
    ).exists()


def test_the_download_is_the_file_as_an_attachment_and_is_audited(signed_in, personas):
    citizen = record_of(personas, "citizen")
    document = add_document(citizen, by=personas.caseworker, title="Samtykke / Ærø 2024")
    client = signed_in(personas.caseworker)

    response = client.get(reverse("documents:document_download", args=[document.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "/" not in disposition.split("filename", 1)[1]
    assert "samtykke-ærø-2024.pdf" in disposition or "samtykke-%C3%A6r%C3%B8-2024.pdf" in (
        disposition
    )
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.actor == personas.caseworker
    assert entry.object_id == str(citizen.pk)
    assert entry.details["document"] == document.pk
    # The log names the citizen by pseudonym, never by name or title.
    assert entry.object_label == citizen.audit_label


def test_a_renamed_executable_is_refused(signed_in, personas):
    citizen = record_of(personas, "citizen")
    client = signed_in(personas.caseworker)

    response = upload(client, citizen, "citizen", name="samtykke.pdf", data=EXECUTABLE)

    assert response.status_code == 200
    assert "Filtypen kan ikke gemmes" in response.content.decode()
    assert not Document.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.CREATE).exists()


def test_a_file_over_the_limit_is_refused(signed_in, personas, settings):
    settings.SIV_DOCUMENT_MAX_BYTES = 1000
    citizen = record_of(personas, "citizen")
    client = signed_in(personas.caseworker)

    response = upload(client, citizen, "citizen", data=PDF + b"%" * 1000)

    assert response.status_code == 200
    assert "Filen er for stor: højst 1000" in response.content.decode()
    assert not Document.objects.exists()


def test_a_reader_sees_the_documents_but_may_not_add_or_remove(signed_in, personas):
    citizen = record_of(personas, "citizen")
    document = add_document(citizen, by=personas.caseworker)
    client = signed_in(personas.lead)

    page = client.get(reverse("participants:citizen_detail", args=[citizen.pk])).content.decode()

    assert document.title in page
    assert 'enctype="multipart/form-data"' not in page
    assert reverse("documents:document_remove", args=[document.pk]) not in page
    assert upload(client, citizen, "citizen").status_code == 404
    assert Document.objects.count() == 1


def test_removing_a_document_deletes_its_file(
    signed_in, personas, django_capture_on_commit_callbacks
):
    contract = record_of(personas, "contract")
    document = add_document(contract, by=personas.controller)
    storage, name = document.file.storage, document.file.name
    client = signed_in(personas.controller)
    url = reverse("documents:document_remove", args=[document.pk])
    assert "Slet dokument" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 302
    assert not Document.objects.exists()
    assert not storage.exists(name)
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, object_id=str(document.pk)).exists()


def test_the_anonymisation_removes_the_citizens_documents_and_files(
    personas, django_capture_on_commit_callbacks
):
    citizen = citizen_in(personas.own, personas.cluster, phase1_start=date(2017, 9, 4))
    ExitFormFactory(
        citizen=citizen, exit_date=date(2018, 3, 1), status=ExitStatus.EMPLOYED_ORDINARY
    )
    staying = citizen_in(personas.own, personas.cluster, phase1_start=date(2023, 9, 4))
    leaving = [add_document(citizen, by=personas.caseworker) for _ in range(2)]
    kept = add_document(staying, by=personas.caseworker)
    storage = kept.file.storage

    with django_capture_on_commit_callbacks(execute=True):
        anonymise_exited(exited_before=date(2020, 1, 1))

    assert Citizen.objects.get(pk=citizen.pk).last_name == ""
    assert list(Document.objects.all()) == [kept]
    for document in leaving:
        assert not storage.exists(document.file.name)
    assert storage.exists(kept.file.name)


def test_a_document_belongs_to_exactly_one_record(personas):
    document = add_document(record_of(personas, "contract"), by=personas.controller)
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=document.pk).update(
            company=Company.objects.get(pk=record_of(personas, "company").pk)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=document.pk).update(contract=None)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("key", list(OWNERS))
def test_the_records_page_costs_the_same_queries_for_one_document_or_many(signed_in, personas, key):
    record = record_of(personas, key)
    user = personas.own[WRITERS[key]]
    client = signed_in(user)
    add_document(record, by=user)
    url = PAGES[key](record)
    one = _queries(client, url)
    for number in range(5):
        add_document(record, by=user, title=f"Bilag {number}")

    assert _queries(client, url) == one


def test_the_expense_list_links_each_expense_to_its_documents(signed_in, personas):
    expense = record_of(personas, "expense")
    client = signed_in(personas.controller)

    page = client.get(reverse("economy:expense_list", args=[expense.sub_project_id]))

    assert reverse("documents:expense_documents", args=[expense.pk]) in page.content.decode()
