"""Documents, added through the service as a user adds them (content checked, file stored,
audit row written)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from documents import services
from documents.models import Document, DocumentKind
from documents.owners import owner_of_model

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf_upload(name: str = "erklaering.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def add_document(record, *, by, title: str = "Underskrevet erklæring", upload=None) -> Document:
    """A PDF document on the record, of the first kind its record offers."""
    kind: DocumentKind = owner_of_model(type(record)).kinds[0]
    return services.document_add(
        record=record, kind=kind, title=title, upload=upload or pdf_upload(), by=by
    )
