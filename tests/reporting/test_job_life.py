"""A report job survives the faults of a real installation: the queue down when it is
ordered or losing its message, the worker vanishing mid-job, the database connection cut
while the file is stored. Nothing stays stuck, nothing runs twice, no file is orphaned, and
the user is always told."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from reporting import services
from reporting.models import JobStatus, ReportArtifact, ReportJob, ReportKind
from reporting.selectors import ReportParams

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """A media folder of this test's own: the sweep removes files no job of *this* database
    recorded, and the other tests' report files are in the shared test media folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


def _job(**fields) -> ReportJob:
    return (
        services.job_create(
            by=None, kind=ReportKind.INDICATORS, fmt="csv", params=ReportParams(), queue=False
        )
        if not fields
        else ReportJob.objects.create(kind="indicators", format="csv", **fields)
    )


def _sent(monkeypatch) -> list[int]:
    sent: list[int] = []
    monkeypatch.setattr("reporting.tasks.run_report_job.delay", sent.append)
    return sent


def test_a_report_ordered_while_the_queue_is_down_is_kept_and_the_user_told(
    signed_in, personas, programme, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(job_id):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("reporting.tasks.run_report_job.delay", broker_down)
    client = signed_in(personas.controller)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reporting:job_create"), {"kind": "indicators", "format": "csv"}, follow=True
        )
    job = ReportJob.objects.get()
    assert response.status_code == 200
    assert (job.status, job.sent_at) == (JobStatus.QUEUED, None)
    page = response.content.decode()
    assert "Jobkøen svarer ikke lige nu. Bestillingen er gemt" in page
    assert "venter på jobkøen" in page

    # The queue is back: the sweep sends the order it kept.
    sent = _sent(monkeypatch)
    assert services.jobs_sweep()["sent"] == 1
    assert sent == [job.pk]
    job.refresh_from_db()
    assert job.sent_at is not None


def test_a_job_whose_worker_vanished_is_run_again_then_given_up_with_the_reason(
    programme, monkeypatch, settings
):
    sent = _sent(monkeypatch)
    long_ago = timezone.now() - timedelta(seconds=settings.SIV_JOB_STALE_SECONDS + 5)
    job = _job(status=JobStatus.RUNNING, attempts=1, heartbeat_at=long_ago, started_at=long_ago)

    assert services.jobs_sweep()["requeued"] == 1
    job.refresh_from_db()
    assert (job.status, job.is_retrying, sent) == (JobStatus.QUEUED, True, [job.pk])

    artifact = services.run_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, artifact.job_id) == (JobStatus.DONE, 2, job.pk)

    given_up = _job(
        status=JobStatus.RUNNING,
        attempts=settings.SIV_JOB_MAX_ATTEMPTS,
        heartbeat_at=long_ago,
        started_at=long_ago,
    )
    assert services.jobs_sweep()["failed"] == 1
    given_up.refresh_from_db()
    assert given_up.status == JobStatus.FAILED
    assert "afbrudt 3 gange (arbejdsprocessen stoppede) og er opgivet" in given_up.error


def test_a_running_job_with_a_sign_of_life_is_neither_requeued_nor_run_twice(
    programme, monkeypatch
):
    sent = _sent(monkeypatch)
    now = timezone.now()
    job = _job(status=JobStatus.RUNNING, attempts=1, heartbeat_at=now, started_at=now)
    assert services.jobs_sweep()["requeued"] == 0
    with pytest.raises(services.JobBusy):  # another worker has it
        services.run_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, sent) == (JobStatus.RUNNING, 1, [])


@pytest.mark.django_db(transaction=True)
def test_a_dropped_connection_while_storing_is_retried_on_a_new_one(programme, monkeypatch):
    job = _job()
    create = ReportArtifact.objects.create
    failures = iter([OperationalError("server closed the connection unexpectedly")])

    def flaky(**fields):
        for error in failures:
            raise error
        return create(**fields)

    monkeypatch.setattr(ReportArtifact.objects, "create", flaky)
    monkeypatch.setattr(services.time, "sleep", lambda seconds: None)
    services.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert default_storage.listdir(f"reports/{job.pk}")[1] == [
        job.artifact.file.name.split("/")[-1]
    ]


@pytest.mark.django_db(transaction=True)
def test_a_store_that_keeps_failing_leaves_no_file_and_a_failed_job(programme, monkeypatch):
    job = _job()

    def down(**fields):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(ReportArtifact.objects, "create", down)
    monkeypatch.setattr(services.time, "sleep", lambda seconds: None)
    assert services.run_job(job.pk) is None
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "administrator command" in job.error
    assert default_storage.listdir(f"reports/{job.pk}")[1] == []


def test_the_sweep_removes_old_files_no_job_recorded(programme, monkeypatch, settings):
    job = _job()
    services.run_job(job.pk)
    stray = default_storage.save("reports/999999/left-behind.csv", ContentFile(b"x"))
    kept = ReportArtifact.objects.get(job=job).file.name
    assert services.jobs_sweep()["files_removed"] == 0  # too young: a run may be storing it
    settings.SIV_JOB_STALE_SECONDS = -60
    assert services.jobs_sweep()["files_removed"] == 1
    assert not default_storage.exists(stray) and default_storage.exists(kept)


def test_the_queue_hands_a_message_back_only_after_the_task_could_have_finished(settings):
    """Redis gives an unacknowledged message to another worker after the visibility
    timeout: it must be longer than any run of a report, or a live run gets a twin."""
    from reporting import tasks

    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    if "visibility_timeout" not in options:
        pytest.skip("the filesystem transport has no visibility timeout")
    assert options["visibility_timeout"] > tasks.run_report_job.time_limit
    assert settings.SIV_JOB_STALE_SECONDS > 2 * settings.SIV_JOB_HEARTBEAT_SECONDS
