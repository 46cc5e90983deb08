from datetime import date

import pytest
from django.db import IntegrityError
from django.urls import reverse

from reporting import services
from reporting.models import JobStatus, ReportArtifact, ReportJob
from reporting.selectors import ReportParams
from siv.models import AuditAction, AuditEntry
from tests.factories.reporting import ReportArtifactFactory, ReportJobFactory

pytestmark = pytest.mark.django_db


def test_ordering_an_export_records_the_job_audits_it_and_queues_it_after_commit(
    signed_in, personas, programme, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr("reporting.tasks.run_report_job.delay", queued.append)
    client = signed_in(personas.controller)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("reporting:job_create"),
            {"kind": "indicators", "format": "xlsx", "region": "Region Sjælland"},
        )
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:job_detail", args=[job.pk])
    assert len(callbacks) == 1 and queued == [job.pk]
    assert job.status == JobStatus.QUEUED
    assert job.created_by == personas.controller
    assert job.params["region"] == "Region Sjælland"
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.details["kind"] == "indicators"


def test_a_municipal_lead_exports_their_own_municipality_whatever_they_ask_for(
    signed_in, personas, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("reporting.tasks.run_report_job.delay", lambda job_id: None)
    client = signed_in(personas.lead)
    with django_capture_on_commit_callbacks():
        client.post(
            reverse("reporting:job_create"),
            {"kind": "indicators", "format": "csv", "municipality": "Næstved"},
        )
    assert ReportJob.objects.get().params["municipality"] == "Køge"


def test_a_municipal_lead_cannot_order_the_progress_statement(signed_in, personas):
    response = signed_in(personas.lead).post(
        reverse("reporting:job_create"), {"kind": "progress", "format": "pdf"}
    )
    assert response.status_code == 200
    assert not ReportJob.objects.exists()


def test_a_format_the_report_does_not_come_in_is_a_form_error(signed_in, personas):
    response = signed_in(personas.controller).post(
        reverse("reporting:job_create"), {"kind": "progress", "format": "csv"}
    )
    assert "Denne rapport kan dannes som: PDF." in response.content.decode()
    assert not ReportJob.objects.exists()


HOURS_TO_2024 = {"kind": "hours", "end": "2024-12-31"}  # the fixture's four groups


def test_a_hours_pdf_longer_than_a_pdf_can_hold_is_refused_before_it_is_queued(
    signed_in, personas, programme, monkeypatch
):
    monkeypatch.setattr("reporting.exports.HOURS_PDF_MAX_GROUPS", 3)
    client = signed_in(personas.controller)
    response = client.post(reverse("reporting:job_create"), {**HOURS_TO_2024, "format": "pdf"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Timeopgørelsen har 4 rækker, og en PDF kan højst rumme 3." in body
    assert "dan den som XLSX" in body
    assert not ReportJob.objects.exists()
    # The same statement as a spreadsheet, and a PDF that fits, are made.
    for fmt, most in (("xlsx", 3), ("pdf", 4)):
        monkeypatch.setattr("reporting.exports.HOURS_PDF_MAX_GROUPS", most)
        response = client.post(reverse("reporting:job_create"), {**HOURS_TO_2024, "format": fmt})
        assert response.status_code == 302
    assert ReportJob.objects.count() == 2


def test_a_hours_pdf_grown_too_long_since_it_was_ordered_fails_with_a_plain_reason(
    programme, monkeypatch
):
    params = ReportParams(end=date(2024, 12, 31))
    job = services.job_create(by=None, kind="hours", fmt="pdf", params=params, queue=False)
    monkeypatch.setattr("reporting.exports.HOURS_PDF_MAX_GROUPS", 3)
    assert services.run_job(job.pk) is None
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("Timeopgørelsen har 4 rækker")  # no exception class name


def test_running_a_job_twice_keeps_one_artifact(programme):
    job = services.job_create(
        by=None, kind="indicators", fmt="csv", params=ReportParams(), queue=False
    )
    first = services.run_job(job.pk)
    second = services.run_job(job.pk)
    assert first.pk == second.pk
    assert ReportArtifact.objects.count() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.progress == 100
    assert len(first.sha256) == 64


def test_a_file_left_by_a_run_killed_before_recording_it_is_removed(programme):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    job = services.job_create(
        by=None, kind="indicators", fmt="csv", params=ReportParams(), queue=False
    )
    default_storage.save(f"reports/{job.pk}/indikatorer.csv", ContentFile(b"half"))

    artifact = services.run_job(job.pk)

    _folders, files = default_storage.listdir(f"reports/{job.pk}")
    assert [f"reports/{job.pk}/{name}" for name in files] == [artifact.file.name]
    with artifact.file.open("rb") as handle:
        assert handle.read() != b"half"


def test_the_database_refuses_a_second_artifact_for_a_job():
    artifact = ReportArtifactFactory()
    with pytest.raises(IntegrityError):
        ReportArtifactFactory(job=artifact.job)


def test_a_failing_build_marks_the_job_failed_with_the_message(monkeypatch):
    def broken(params, fmt, progress):
        raise RuntimeError("no data")

    monkeypatch.setitem(services.exports.BUILDERS, "hours", broken)
    job = services.job_create(by=None, kind="hours", fmt="xlsx", params=ReportParams(), queue=False)
    assert services.run_job(job.pk) is None
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "no data" in job.error


def test_the_progress_partial_polls_until_the_job_is_done(signed_in, personas):
    job = ReportJobFactory(created_by=personas.controller, status=JobStatus.RUNNING, progress=40)
    client = signed_in(personas.controller)
    url = reverse("reporting:job_progress", args=[job.pk])
    body = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in body and 'value="40"' in body
    artifact = ReportArtifactFactory(job__created_by=personas.controller)
    body = client.get(reverse("reporting:job_progress", args=[artifact.job.pk])).content.decode()
    assert "hx-trigger" not in body
    assert reverse("reporting:artifact_download", args=[artifact.pk]) in body


def test_downloading_an_artifact_is_audited_as_an_export(signed_in, personas):
    artifact = ReportArtifactFactory(job__created_by=personas.lead)
    response = signed_in(personas.lead).get(
        reverse("reporting:artifact_download", args=[artifact.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"code,label")
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.actor == personas.lead
    assert entry.details["sha256"] == artifact.sha256


def test_the_monthly_snapshot_is_stored_once(programme):
    first = services.snapshot_take(on=date(2024, 12, 31))
    again = services.snapshot_take(on=date(2024, 12, 31))
    assert first.pk == again.pk
    assert {"code": "P01", "label": "Tilmeldte deltagere", "value": 4, "target": 120} in first.rows


def test_the_snapshot_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "reporting.tasks.take_indicator_snapshot" in tasks


def test_the_job_list_uses_a_constant_number_of_queries(signed_in, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(personas.controller)
    ReportArtifactFactory(job__created_by=personas.controller)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reporting:job_list"))
    for _ in range(5):
        ReportArtifactFactory(job__created_by=personas.controller)
        ReportJobFactory(created_by=personas.lead)
    with CaptureQueriesContext(connection) as many:
        body = client.get(reverse("reporting:job_list")).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert body.count("indikatorskema.csv") == 6
