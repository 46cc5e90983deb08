"""Celery tasks: thin, take ids, call a service. Time limits are set per task."""

from celery import shared_task

from . import services


@shared_task(name="reporting.tasks.run_report_job", time_limit=20 * 60, soft_time_limit=19 * 60)
def run_report_job(job_id: int) -> int | None:
    artifact = services.run_job(job_id)
    return artifact.pk if artifact else None


@shared_task(name="reporting.tasks.take_indicator_snapshot", time_limit=10 * 60)
def take_indicator_snapshot() -> int:
    return services.snapshot_take().pk
