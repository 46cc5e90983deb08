"""Every write of the reporting app: targets, project settings, report texts, export jobs.

Export jobs: the view (or `manage.py report`) creates a ReportJob; `run_job(job_id)` builds
the file and stores it as the job's one ReportArtifact. Running a job twice never makes a
second artifact: a finished job returns the one it has, and the unique job on the artifact
table settles a race between two workers.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from partnerships.models import Cluster, Municipality, Region, User
from siv import audit
from siv.models import AuditAction

from . import exports, indicators, selectors
from .models import (
    FORMATS,
    HEADINGS,
    IndicatorCode,
    IndicatorSnapshot,
    IndicatorTarget,
    JobStatus,
    ProjectSettings,
    ReportArtifact,
    ReportFormat,
    ReportJob,
    ReportKind,
    ReportNarrative,
)
from .selectors import ReportParams

log = logging.getLogger(__name__)


# --- Targets, settings and texts --------------------------------------------------------------


def targets_save(
    *,
    by: User,
    values: Mapping[str, int | None],
    region: Region | None = None,
    cluster: Cluster | None = None,
    municipality: Municipality | None = None,
) -> int:
    """Set (or clear, with None) the targets of one scope. Returns how many changed."""
    scope = {"region": region, "cluster": cluster, "municipality": municipality}
    changed = 0
    with transaction.atomic():
        existing = {t.code: t for t in IndicatorTarget.objects.filter(**scope)}
        for code in IndicatorCode.values:
            if code not in values:
                continue
            value, target = values[code], existing.get(code)
            if value is None:
                if target is not None:
                    target.delete()
                    changed += 1
                continue
            if target is not None and target.value == value:
                continue
            target = target or IndicatorTarget(code=code, **scope)
            target.value = value
            target.full_clean()
            target.save()
            changed += 1
        if changed:
            audit.record(
                AuditAction.CHANGE,
                actor=by,
                label="indikatormål",
                details={
                    "scope": {k: str(v) for k, v in scope.items() if v is not None},
                    "changed": changed,
                },
            )
    return changed


def project_settings_save(*, by: User, **fields: Any) -> ProjectSettings:
    with transaction.atomic():
        settings = ProjectSettings.objects.select_for_update().order_by("pk").first()
        return audit.save_and_record(obj=settings or ProjectSettings(), by=by, changes=fields)


def narrative_save(
    *, by: User, kind: str, start: date, end: date, texts: Mapping[int, str]
) -> list[ReportNarrative]:
    headings = HEADINGS[ReportKind(kind)]
    if start > end:
        raise ValidationError({"period_start": "Perioden skal starte før den slutter."})
    saved = []
    with transaction.atomic():
        for number in range(1, len(headings) + 1):
            narrative, _created = ReportNarrative.objects.update_or_create(
                kind=kind,
                period_start=start,
                period_end=end,
                heading=number,
                defaults={"text": texts.get(number, ""), "updated_by": by},
            )
            saved.append(narrative)
        audit.record(
            AuditAction.CHANGE,
            actor=by,
            label=f"rapporttekst {kind}",
            details={"kind": kind, "start": start.isoformat(), "end": end.isoformat()},
        )
    return saved


# --- Export jobs ------------------------------------------------------------------------------


def job_create(
    *, by: User | None, kind: str, fmt: str, params: ReportParams, queue: bool = True
) -> ReportJob:
    """Record the job and its audit row; queue it for a worker once the transaction commits."""
    kind = ReportKind(kind)
    if fmt not in FORMATS[kind]:
        raise ValidationError({"format": f"{kind.label} kan ikke dannes som {fmt}."})
    if kind == ReportKind.HOURS and fmt == ReportFormat.PDF:
        # Told now, not after a worker has laid out thousands of pages.
        exports.check_hours_pdf(selectors.hours_statement_page(params, 1, 1).count)
    with transaction.atomic():
        job = ReportJob(kind=kind, format=fmt, params=params.to_json(), created_by=by)
        job.full_clean()
        job.save()
        audit.record(
            AuditAction.EXPORT,
            actor=by,
            obj=job,
            username="" if by else "manage.py report",
            details={"kind": kind.value, "format": fmt, "params": job.params},
        )
        if queue:
            from .tasks import run_report_job

            transaction.on_commit(lambda: run_report_job.delay(job.pk))
    return job


def _set_progress(job_id: int, percent: int) -> None:
    ReportJob.objects.filter(pk=job_id).update(progress=min(99, max(0, percent)))


def run_job(job_id: int) -> ReportArtifact | None:
    """Build a job's file and store it. Idempotent; a failed build marks the job failed."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        existing = ReportArtifact.objects.filter(job=job).first()
        if existing is not None:
            if job.status != JobStatus.DONE:
                job.status, job.progress = JobStatus.DONE, 100
                job.save(update_fields=["status", "progress"])
            return existing
        job.status, job.progress, job.error = JobStatus.RUNNING, 5, ""
        job.started_at = timezone.now()
        job.save(update_fields=["status", "progress", "error", "started_at"])

    params = ReportParams.from_json(job.params)
    try:
        with translation.override("da"):
            built = exports.BUILDERS[job.kind](
                params, job.format, lambda percent: _set_progress(job_id, percent)
            )
    except ValidationError as exc:
        # The data asked for cannot be made in this format: the user is told why.
        return _failed(job_id, " ".join(exc.messages))
    except Exception as exc:
        log.exception("Report job %s failed", job_id)
        return _failed(job_id, f"{type(exc).__name__}: {exc}")
    return _store(job, built)


def _failed(job_id: int, error: str) -> None:
    ReportJob.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def _store(job: ReportJob, built: exports.Built) -> ReportArtifact:
    digest = hashlib.sha256(built.content).hexdigest()
    name = default_storage.save(f"reports/{job.pk}/{built.filename}", ContentFile(built.content))
    try:
        with transaction.atomic():
            artifact = ReportArtifact.objects.create(
                job=job,
                file=name,
                filename=built.filename,
                content_type=built.content_type,
                size=len(built.content),
                sha256=digest,
                created_by=job.created_by,
                params=job.params,
            )
            ReportJob.objects.filter(pk=job.pk).update(
                status=JobStatus.DONE, progress=100, error="", finished_at=timezone.now()
            )
    except IntegrityError:
        # Another run of the same job stored its artifact first: keep that one.
        default_storage.delete(name)
        return ReportArtifact.objects.get(job=job)
    _remove_leftovers(job.pk, keep=name)
    return artifact


def _remove_leftovers(job_id: int, *, keep: str) -> None:
    """Once a job's artifact is stored, any other file in its folder is an earlier run's that
    was stopped (a worker killed) between writing its file and recording it."""
    folder = f"reports/{job_id}"
    try:
        _folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for filename in files:
        if f"{folder}/{filename}" != keep:
            default_storage.delete(f"{folder}/{filename}")


def artifact_downloaded(*, artifact: ReportArtifact, by: User) -> None:
    audit.record(
        AuditAction.EXPORT,
        actor=by,
        obj=artifact,
        details={"download": artifact.filename, "job": artifact.job_id, "sha256": artifact.sha256},
    )


# --- Monthly snapshot -------------------------------------------------------------------------


def snapshot_take(*, on: date | None = None) -> IndicatorSnapshot:
    """The programme total as of a day, stored once (running it again changes nothing)."""
    on = on or timezone.localdate()
    rows = [
        {"code": r.code, "label": r.label, "value": r.value, "target": r.target}
        for r in indicators.compute(end=on)
    ]
    snapshot, created = IndicatorSnapshot.objects.get_or_create(
        taken_on=on, defaults={"rows": rows}
    )
    if created:
        audit.record(
            AuditAction.CREATE, obj=snapshot, username="celery beat", details={"taken_on": str(on)}
        )
    return snapshot
