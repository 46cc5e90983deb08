from __future__ import annotations

from django.db import models

from .models import Document
from .owners import owner_of_model


def documents_of(record: models.Model) -> models.QuerySet[Document]:
    """The record's documents, newest first; the caller has fetched the record through its
    scope, so whoever sees it sees them."""
    owner = owner_of_model(type(record))
    return Document.objects.filter(**{owner.key: record}).select_related("uploaded_by")
