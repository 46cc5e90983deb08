"""Report files have a per-user quota and a retention period (ASVS 12.1.3, 8.3.8)."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse

from reporting import tasks
from reporting.models import ReportArtifact, ReportJob
from siv.models import AuditAction, AuditEntry
from tests.factories.reporting import ReportArtifactFactory

pytestmark = pytest.mark.django_db

ORDER = {"kind": "indicators", "format": "csv"}


def test_an_order_past_the_users_quota_is_refused_in_danish(
    signed_in, personas, settings, monkeypatch
):
    monkeypatch.setattr("reporting.tasks.run_report_job.delay", lambda job_id: None)
    settings.SIV_REPORT_QUOTA_BYTES = 2_000_000
    settings.SIV_REPORT_RETENTION_DAYS = 30
    ReportArtifactFactory(job__created_by=personas.controller, size=1_500_000)
    ReportArtifactFactory(job__created_by=personas.foreign["controller"], size=1_500_000)
    client = signed_in(personas.controller)
    assert client.post(reverse("reporting:job_create"), ORDER).status_code == 302

    ReportArtifactFactory(job__created_by=personas.controller, size=600_000)
    response = client.post(reverse("reporting:job_create"), ORDER)
    assert response.status_code == 200
    assert (
        "Dine gemte rapportfiler fylder 2,1 MB, og grænsen er 2,0 MB. Rapportfiler slettes "
        "30 dage efter, de er dannet" in response.content.decode()
    )
    assert ReportJob.objects.filter(created_by=personas.controller).count() == 3

    other = signed_in(personas.foreign["controller"])
    assert other.post(reverse("reporting:job_create"), ORDER).status_code == 302


def test_beat_removes_report_files_past_their_retention_with_the_record_and_says_so(
    signed_in, personas, settings, django_capture_on_commit_callbacks
):
    settings.SIV_REPORT_RETENTION_DAYS = 30
    with time_machine.travel(datetime(2025, 1, 1, 12, tzinfo=UTC), tick=False):
        old = ReportArtifactFactory(job__created_by=personas.controller)
    with time_machine.travel(datetime(2025, 1, 20, 12, tzinfo=UTC), tick=False):
        recent = ReportArtifactFactory(job__created_by=personas.controller)
    old_name, old_job = old.file.name, old.job
    assert default_storage.exists(old_name)

    with (
        time_machine.travel(datetime(2025, 2, 1, 12, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.purge_report_files() == 1
    assert list(ReportArtifact.objects.all()) == [recent]
    assert not default_storage.exists(old_name)
    assert default_storage.exists(recent.file.name)
    entry = AuditEntry.objects.get(action=AuditAction.PURGE)
    assert entry.details == {"deleted": 1}

    page = signed_in(personas.controller).get(reverse("reporting:job_detail", args=[old_job.pk]))
    assert "Filen er slettet: rapportfiler gemmes i 30 dage." in page.content.decode()


def test_the_retention_runs_nightly_on_beat_beside_the_housekeeping(settings):
    tasks_by_hour = {
        entry["task"]: getattr(entry["schedule"], "hour", None)
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert tasks_by_hour["reporting.tasks.purge_report_files"] == {2}
    assert tasks_by_hour["siv.tasks.housekeeping"] == {2}
