"""A real Celery worker on Redis runs one export end to end (no eager mode)."""

import os
import time
import uuid

import pytest
from django.urls import reverse

from reporting import tasks
from reporting.models import JobStatus, ReportArtifact, ReportJob
from siv.celery import app as celery_app
from tests.quality.servers import celery_worker, database_url

REDIS = os.environ.get("SIV_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


@pytest.fixture
def worker_queue(tmp_path):
    queue = f"test-reports-{uuid.uuid4().hex[:8]}"
    env = {"DATABASE_URL": database_url(), "REDIS_URL": REDIS}
    with celery_worker(env, queue, tmp_path / "worker.log", pool="solo"):
        yield queue


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_artifact_of_an_ordered_export(
    client, personas, worker_queue, monkeypatch
):
    def send(job_id):
        with celery_app.connection_for_write(REDIS) as connection:
            tasks.run_report_job.apply_async((job_id,), queue=worker_queue, connection=connection)

    # The view queues through .delay() on commit; here .delay() goes to the test's queue.
    monkeypatch.setattr(tasks.run_report_job, "delay", send)
    client.force_login(personas.controller)
    response = client.post(
        reverse("reporting:job_create"), {"kind": "indicators", "format": "xlsx"}
    )
    assert response.status_code == 302
    job = ReportJob.objects.get()

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in (JobStatus.DONE, JobStatus.FAILED):
            break
        time.sleep(0.5)
    assert job.status == JobStatus.DONE, job.error
    artifact = ReportArtifact.objects.get(job=job)
    assert artifact.filename.endswith(".xlsx")
    with artifact.file.open("rb") as handle:
        assert handle.read(2) == b"PK"
    body = client.get(reverse("reporting:job_progress", args=[job.pk])).content.decode()
    assert artifact.filename in body


def test_a_starting_worker_builds_the_template_engine_before_its_processes_fork():
    """So that no process's first report waits for every app's template tags to load."""
    from celery.signals import worker_init
    from django.template import engines

    from siv.celery import _load_the_template_engine

    assert any(receiver is _load_the_template_engine for _key, receiver in worker_init.receivers)
    engines._engines.pop("django", None)
    _load_the_template_engine()
    assert "django" in engines._engines
