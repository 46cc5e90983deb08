from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from .models import Document
from .owners import owner_of_model


def documents_of(record: models.Model) -> models.QuerySet[Document]:
    """The record's documents, newest first; the caller has fetched the record through its
    scope, so whoever sees it sees them."""
    owner = owner_of_model(type(record))
    return Document.objects.filter(**{owner.key: record}).select_related("uploaded_by")


def citizen_documents_for_export(citizen) -> list[dict[str, Any]]:
    """The citizen's documents in the access export (art. 15): what each one is, not its
    content. The files are handed over by downloading them from the citizen's page (each
    download is logged); the checksum lets the citizen match a file to its row."""
    return [
        {
            "title": document.title,
            "kind": str(document.get_kind_display()),
            "uploaded_at": timezone.localtime(document.uploaded_at).isoformat(timespec="minutes"),
            "size": document.size,
            "content_type": document.content_type,
            "sha256": document.sha256,
            "file_included": False,
        }
        for document in Document.objects.filter(citizen=citizen).order_by("uploaded_at", "pk")
    ]
