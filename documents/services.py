"""Adding and removing documents, each with its audit row; a download is logged here too."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships.models import User
from siv import audit
from siv.models import AuditAction

from . import content
from .models import Document, document_storage
from .owners import owner_of_model

logger = logging.getLogger(__name__)


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
    names it) and removed again when the row cannot be saved. When a caller's transaction
    around this one is rolled back, the file stays behind without a row (Django has no hook
    on a rollback): documents_sweep_unreferenced removes it a day later."""
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


def _stored_names(storage: Storage, path: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(path)
    except FileNotFoundError:  # nothing stored yet
        return
    for name in files:
        yield f"{path}/{name}" if path else name
    for folder in folders:
        yield from _stored_names(storage, f"{path}/{folder}" if path else folder)


def documents_sweep_unreferenced(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Remove the files in the documents' storage that no document names: stored by an
    upload whose transaction was rolled back after the file was written. A younger file than
    `older_than` stays, as its transaction may still be running. Returns how many went."""
    storage = document_storage()
    cutoff = timezone.now() - older_than
    named = set(Document.objects.values_list("file", flat=True))
    removed = 0
    for name in _stored_names(storage):
        if name in named or storage.get_modified_time(name) >= cutoff:
            continue
        storage.delete(name)
        removed += 1
    if removed:
        logger.info("Removed %d document files that no document names", removed)
    return removed
