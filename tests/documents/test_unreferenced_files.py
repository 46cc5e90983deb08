"""A file stored by an upload whose surrounding transaction was rolled back has no document
row; the nightly sweep removes it once it is a day old, and never a document's own file."""

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from documents import services
from documents.models import Document, document_storage
from documents.tasks import sweep_unreferenced_files
from siv.settings import CELERY_BEAT_SCHEDULE
from tests.api.conftest import citizen_in
from tests.factories.documents import add_document


class RolledBack(Exception):
    pass


def test_a_rolled_back_uploads_file_is_swept_a_day_later(personas):
    citizen = citizen_in(personas.own, personas.cluster)
    kept = add_document(citizen, by=personas.caseworker, title="Gemt erklæring")
    with pytest.raises(RolledBack), transaction.atomic():
        left = add_document(citizen, by=personas.caseworker, title="Rullet tilbage")
        raise RolledBack
    storage = document_storage()
    assert not Document.objects.filter(title="Rullet tilbage").exists()
    assert storage.exists(left.file.name)

    # The same night: the file may belong to a transaction still running.
    services.documents_sweep_unreferenced()
    assert storage.exists(left.file.name)

    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert sweep_unreferenced_files() >= 1
    assert not storage.exists(left.file.name)
    assert storage.exists(kept.file.name)


def test_the_sweep_runs_every_night():
    entry = CELERY_BEAT_SCHEDULE["documents-unreferenced-files"]
    assert entry["task"] == sweep_unreferenced_files.name
