"""Adding and removing documents, each with its audit row; a download is logged here too."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from partnerships.models import User
from siv import audit
from siv.models import AuditAction

from . import content
from .models import Document
from .owners import owner_of_model


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def document_add(
    *, record: models.Model, kind: str, title: str, upload: UploadedFile, by: User
) -> Document:
    """Store an uploaded file as a document of the record, if its content is a kind SIV
    accepts and it is within SIV_DOCUMENT_MAX_BYTES. The file is written first (the row
    names it) and removed again when the row cannot be saved."""
    owner = owner_of_model(type(record))
    if kind not in owner.kinds:
        raise ValidationError({"kind": _("Vælg en dokumenttype, der hører til posten.")})
    limit = settings.SIV_DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {"file": _("Filen er for stor: højst %(max)s.") % {"max": filesizeformat(limit)}}
        )
    if not upload.size:
        raise ValidationError({"file": _("Filen er tom.")})
    detected = content.detect(upload, name=upload.name or "")
    if detected is None:
        raise ValidationError(
            {
                "file": _(
                    "Filtypen kan ikke gemmes. Upload en PDF, et billede (PNG eller JPEG), et "
                    "Word- eller Excel-dokument (DOCX, XLSX), et ODT-dokument eller en tekst- "
                    "eller CSV-fil."
                )
            }
        )
    document = Document(
        **{owner.key: record},
        kind=kind,
        title=title,
        size=upload.size,
        content_type=detected.content_type,
        extension=detected.extension,
        sha256=_sha256(upload),
        uploaded_by=by,
    )
    document.file.save("document", upload, save=False)
    stored = document.file.name
    try:
        with transaction.atomic():
            audit.save_and_record(
                obj=document,
                by=by,
                details={
                    "owner": owner.key,
                    "owner_id": record.pk,
                    "content_type": detected.content_type,
                    "size": upload.size,
                },
            )
    except Exception:
        document.file.storage.delete(stored)
        raise
    return document


def document_remove(*, document: Document, by: User) -> None:
    """Delete the document and its file; the file goes when the deletion is committed."""
    storage, name = document.file.storage, document.file.name
    with transaction.atomic():
        audit.delete_and_record(
            obj=document,
            by=by,
            details={"owner": document.owner_key, "owner_id": document.owner.pk},
        )
        transaction.on_commit(lambda: storage.delete(name))


def document_downloaded(*, document: Document, by: User) -> None:
    """The download is logged on the record the document belongs to (a citizen's own log of
    lookups shows it), naming the document by id."""
    with transaction.atomic():
        audit.record(
            AuditAction.EXPORT,
            actor=by,
            obj=document.owner,
            details={"document": document.pk, "kind": document.kind, "sha256": document.sha256},
        )


def documents_erase_for_citizen(*, citizen) -> None:
    """The citizen's documents, rows and files (privacy's anonymisation calls this inside its
    transaction); the files go when it is committed."""
    documents = Document.objects.filter(citizen=citizen)
    names = [(d.file.storage, d.file.name) for d in documents.only("pk", "file")]
    documents.delete()

    def delete_files() -> None:
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)
