"""Celery tasks: thin, take ids, call a service. Time limits are set per task."""

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(
    bind=True,
    name="reporting.tasks.run_report_job",
    time_limit=20 * 60,
    soft_time_limit=19 * 60,
    max_retries=None,
)
def run_report_job(self, job_id: int) -> int | None:
    try:
        artifact = services.run_job(job_id)
    except services.JobBusy as busy:
        # Asked again when the other run could have gone silent; a live run ends within the
        # task's time limit, so this ends too.
        raise self.retry(countdown=settings.SIV_JOB_STALE_SECONDS) from busy
    return artifact.pk if artifact else None


@shared_task(name="reporting.tasks.sweep_report_jobs", time_limit=5 * 60)
def sweep_report_jobs() -> dict:
    return services.jobs_sweep()


@shared_task(name="reporting.tasks.take_indicator_snapshot", time_limit=10 * 60)
def take_indicator_snapshot() -> int:
    return services.snapshot_take().pk


@shared_task(name="reporting.tasks.purge_report_files", time_limit=10 * 60)
def purge_report_files() -> int:
    return services.report_files_purge()
