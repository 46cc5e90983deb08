"""Every write of the reporting app: targets, project settings, report texts, export jobs.

Export jobs: the view (or `manage.py report`) creates a ReportJob; `run_job(job_id)` builds
the file and stores it as the job's one ReportArtifact. Running a job twice never makes a
second artifact: a finished job returns the one it has, and the unique job on the artifact
table settles a race between two workers.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError

from partnerships.models import Cluster, Municipality, Organisation, Region, User
from siv import audit, limits
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
    ReadinessAcknowledgement,
    ReportArtifact,
    ReportFormat,
    ReportJob,
    ReportKind,
    ReportNarrative,
    SubProject,
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
    *,
    by: User,
    kind: str,
    start: date,
    end: date,
    texts: Mapping[int, str],
    sub_project: SubProject | None = None,
) -> list[ReportNarrative]:
    """Keep the texts of a report for a period, of the programme or one sub-project."""
    headings = HEADINGS[ReportKind(kind)]
    if start > end:
        raise ValidationError({"period_start": _("Perioden skal starte før den slutter.")})
    # Keyed as the narrative form names its fields, one per heading.
    limit = ReportNarrative._meta.get_field("text").max_length
    too_long = {
        f"heading_{number}": [limits.too_long(limit)]
        for number, text in texts.items()
        if len(text or "") > limit
    }
    if too_long:
        raise ValidationError(too_long)
    saved = []
    with transaction.atomic():
        for number in range(1, len(headings) + 1):
            narrative, _created = ReportNarrative.objects.update_or_create(
                kind=kind,
                sub_project=sub_project,
                period_start=start,
                period_end=end,
                heading=number,
                defaults={"text": texts.get(number, ""), "updated_by": by},
            )
            saved.append(narrative)
        audit.record(
            AuditAction.CHANGE,
            actor=by,
            obj=sub_project,
            label=f"rapporttekst {kind}",
            details={
                "kind": kind,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "sub_project": sub_project.pk if sub_project else None,
            },
        )
    return saved


def readiness_acknowledge(
    *,
    by: User,
    kind: str,
    start: date,
    end: date,
    sub_project: SubProject | None,
    findings: Mapping[str, int],
) -> ReadinessAcknowledgement:
    """Store that the controller orders the report with these open findings (per rule)."""
    with transaction.atomic():
        acknowledgement = ReadinessAcknowledgement(
            kind=kind,
            sub_project=sub_project,
            period_start=start,
            period_end=end,
            findings=dict(findings),
            acknowledged_by=by,
        )
        return audit.save_and_record(obj=acknowledgement, by=by)


def report_order(
    *,
    by: User,
    kind: str,
    start: date,
    end: date,
    texts: Mapping[int, str],
    sub_project: SubProject | None = None,
    acknowledge: bool = False,
) -> ReportJob:
    """Keep the texts, then order the report's PDF for the same period and sub-project.

    The texts are kept even when the order is refused: a ValidationError (with the texts
    saved) when data-quality findings are open that the controller has not acknowledged;
    `acknowledge` stores the acknowledgement of those counted now.
    """
    with transaction.atomic():
        narrative_save(by=by, kind=kind, start=start, end=end, texts=texts, sub_project=sub_project)
    check = selectors.readiness(
        user=by, kind=kind, start=start, end=end, sub_project=sub_project, texts=texts
    )
    if not check.acknowledged:
        if not acknowledge:
            raise ValidationError(
                _(
                    "Der er åbne fund i datakvaliteten. Ret dem, eller kvitter for dem, før "
                    "rapporten dannes."
                ),
                code="not_acknowledged",
            )
        readiness_acknowledge(
            by=by,
            kind=kind,
            start=start,
            end=end,
            sub_project=sub_project,
            findings=check.finding_counts,
        )
    params = ReportParams(
        region=sub_project.region.name if sub_project else "",
        start=start,
        end=end,
        sub_project=sub_project.pk if sub_project else None,
    )
    return job_create(by=by, kind=kind, fmt=ReportFormat.PDF, params=params)


def sub_project_save(
    *,
    by: User,
    sub_project: SubProject,
    opened: audit.Opened | None = None,
    partners: Iterable[Organisation] = (),
    **fields: Any,
) -> SubProject:
    """Change a regional sub-project's name, journal number, period and economic partners;
    `opened` is what the edit form was opened at (audit.StaleRecord on a conflict)."""
    unknown = set(fields) - {"name", "journal_number", "project_start", "project_end"}
    if unknown:
        raise ValidationError(_("Kun navn, journalnummer, periode og partnere kan rettes."))
    start = fields.get("project_start", sub_project.project_start)
    end = fields.get("project_end", sub_project.project_end)
    if start and end and start > end:
        raise ValidationError({"project_end": _("Projektperioden skal starte før den slutter.")})
    with transaction.atomic():
        return audit.save_and_record(
            obj=sub_project,
            by=by,
            changes=fields,
            m2m={"partners": list(partners)},
            opened=opened,
        )


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
    if by is not None:
        _check_quota(by)
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
            transaction.on_commit(lambda: job_send(job.pk))
    return job


def _megabytes(size: int) -> str:
    return formats.number_format(size / 1_000_000, 1, use_l10n=True)


def _check_quota(user: User) -> None:
    """A user's stored report files may fill SIV_REPORT_QUOTA_BYTES; past it, no new order
    until files age out after SIV_REPORT_RETENTION_DAYS (ASVS 12.1.3)."""
    used = selectors.report_bytes_stored(user)
    if used >= settings.SIV_REPORT_QUOTA_BYTES:
        raise ValidationError(
            _(
                "Dine gemte rapportfiler fylder %(used)s MB, og grænsen er %(quota)s MB. "
                "Rapportfiler slettes %(days)s dage efter, de er dannet; bestil igen, når der "
                "er plads."
            )
            % {
                "used": _megabytes(used),
                "quota": _megabytes(settings.SIV_REPORT_QUOTA_BYTES),
                "days": settings.SIV_REPORT_RETENTION_DAYS,
            },
            code="quota",
        )


def report_files_purge(*, now=None) -> int:
    """Remove the report files older than SIV_REPORT_RETENTION_DAYS, file and record; the
    job stays, saying its file is gone. Returns how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SIV_REPORT_RETENTION_DAYS)
    expired = list(ReportArtifact.objects.filter(created_at__lt=cutoff).values_list("pk", "file"))
    for pk, name in expired:
        with transaction.atomic():
            ReportArtifact.objects.filter(pk=pk).delete()
            transaction.on_commit(lambda name=name: default_storage.delete(name))
    if expired:
        audit.record(AuditAction.PURGE, label="rapportfiler", details={"deleted": len(expired)})
    return len(expired)


# --- A job's life -----------------------------------------------------------------------------
#
# queued → running → done | failed, kept in the database beside the queue's message, so that
# no fault leaves a job stuck: a job whose message the queue lost (or that was ordered while
# the queue was down) is sent again by the sweep; a running job shows a sign of life every
# SIV_JOB_HEARTBEAT_SECONDS, and one silent for SIV_JOB_STALE_SECONDS lost its worker: the
# sweep queues it again ("prøver igen"), or after SIV_JOB_MAX_ATTEMPTS runs fails it with the
# reason. Running a job again is safe: its one artifact is written once.

# What the queue answers when it cannot be reached.
BROKER_ERRORS = (KombuOperationalError, ConnectionError, OSError)


def job_send(job_id: int) -> bool:
    """Put the job's message on the queue; False (the job stays queued, for the sweep to
    send) when the queue cannot be reached."""
    from .tasks import run_report_job

    try:
        run_report_job.delay(job_id)
    except BROKER_ERRORS:
        log.warning("Report job %s kept for the sweep: the queue did not answer", job_id)
        return False
    ReportJob.objects.filter(pk=job_id).update(sent_at=timezone.now())
    return True


def _set_progress(job_id: int, percent: int) -> None:
    _with_fresh_connection(
        lambda: ReportJob.objects.filter(pk=job_id).update(
            progress=min(99, max(0, percent)), heartbeat_at=timezone.now()
        )
    )


class _Heartbeat:
    """A thread that stamps the running job's sign of life, on a connection of its own,
    while the build (which may not report progress for a while) goes on."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat")

    def _beat(self) -> None:
        try:
            while not self.stop.wait(settings.SIV_JOB_HEARTBEAT_SECONDS):
                try:
                    ReportJob.objects.filter(pk=self.job_id).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    connections.close_all()  # the next beat opens a fresh connection
        finally:
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def _stale_before():
    return timezone.now() - timedelta(seconds=settings.SIV_JOB_STALE_SECONDS)


class JobBusy(Exception):
    """Another run of the job shows signs of life: ask again once it could have gone silent
    (a message delivered again after its worker was killed meets the dead run's last beat)."""


def _claim(job_id: int) -> tuple[ReportJob | None, ReportArtifact | None]:
    """The job, marked running for this run; or (None, its artifact) when there is nothing to
    run: it is done or failed. JobBusy while another run of it shows signs of life."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        existing = ReportArtifact.objects.filter(job=job).first()
        if existing is not None:
            if job.status != JobStatus.DONE:
                job.status, job.progress = JobStatus.DONE, 100
                job.save(update_fields=["status", "progress"])
            return None, existing
        if job.status == JobStatus.FAILED:
            return None, None
        beat = job.heartbeat_at
        if job.status == JobStatus.RUNNING and beat is not None and beat >= _stale_before():
            raise JobBusy(job_id)
        now = timezone.now()
        job.status, job.progress, job.error = JobStatus.RUNNING, 5, ""
        job.started_at, job.heartbeat_at, job.attempts = now, now, job.attempts + 1
        job.save(
            update_fields=["status", "progress", "error", "started_at", "heartbeat_at", "attempts"]
        )
        return job, None


def run_job(job_id: int) -> ReportArtifact | None:
    """Build a job's file and store it. Idempotent; a failed build marks the job failed."""
    job, existing = _claim(job_id)
    if job is None:
        return existing
    params = ReportParams.from_json(job.params)
    try:
        with _Heartbeat(job_id), translation.override("da"):
            built = _with_fresh_connection(
                lambda: exports.BUILDERS[job.kind](
                    params, job.format, lambda percent: _set_progress(job_id, percent)
                )
            )
        return _store(job, built)
    except ValidationError as exc:
        # The data asked for cannot be made in this format: the user is told why.
        return _failed(job_id, " ".join(exc.messages))
    except Exception as exc:
        log.exception("Report job %s failed", job_id)
        return _failed(job_id, f"{type(exc).__name__}: {exc}")


def _with_fresh_connection(step, attempts: int = 3):
    """Run a step that reads or writes the database; after a lost connection (cut, or the
    server restarting) close it and try the step again on a new one, a little later."""
    for attempt in range(1, attempts + 1):
        try:
            return step()
        except (OperationalError, InterfaceError):
            connection.close()
            if attempt == attempts:
                raise
            time.sleep(attempt)


def _failed(job_id: int, error: str) -> None:
    """Mark the job failed, on a new connection if the one that failed is dead."""
    _with_fresh_connection(
        lambda: ReportJob.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, error=error[:2000], finished_at=timezone.now()
        )
    )


def _store(job: ReportJob, built: exports.Built) -> ReportArtifact:
    """Write the file, then record it; if the record cannot be written the file goes too, and
    a file left by a run that died between the two is removed by the sweep."""
    digest = hashlib.sha256(built.content).hexdigest()
    name = default_storage.save(f"reports/{job.pk}/{built.filename}", ContentFile(built.content))

    def record() -> ReportArtifact:
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
        return artifact

    try:
        artifact = _with_fresh_connection(record)
    except IntegrityError:
        # Another run of the same job stored its artifact first: keep that one.
        default_storage.delete(name)
        return ReportArtifact.objects.get(job=job)
    except DatabaseError:
        default_storage.delete(name)
        raise
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


def jobs_sweep() -> dict:
    """The beat's round over the jobs: send again what the queue lost or never got, run again
    (or fail, with the reason) what lost its worker, and remove files no job recorded."""
    now = timezone.now()
    stale = _stale_before()
    counts = {"sent": 0, "requeued": 0, "failed": 0, "files_removed": 0}
    resend_before = now - timedelta(seconds=settings.SIV_JOB_RESEND_SECONDS)
    lost = ReportJob.objects.filter(status=JobStatus.QUEUED).filter(
        Q(sent_at__isnull=True) | Q(sent_at__lt=resend_before)
    )
    for job_id in lost.values_list("pk", flat=True):
        counts["sent"] += job_send(job_id)
    silent = ReportJob.objects.filter(status=JobStatus.RUNNING).filter(
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale)
    )
    for job_id in silent.values_list("pk", flat=True):
        with transaction.atomic():
            job = ReportJob.objects.select_for_update().get(pk=job_id)
            if job.status != JobStatus.RUNNING or (job.heartbeat_at and job.heartbeat_at >= stale):
                continue
            if job.attempts >= settings.SIV_JOB_MAX_ATTEMPTS:
                job.status, job.finished_at = JobStatus.FAILED, now
                job.error = _(
                    "Jobbet blev afbrudt %(n)s gange (arbejdsprocessen stoppede) og er opgivet. "
                    "Bestil rapporten igen."
                ) % {"n": job.attempts}
                job.save(update_fields=["status", "finished_at", "error"])
                counts["failed"] += 1
                continue
            job.status, job.progress, job.sent_at = JobStatus.QUEUED, 0, None
            job.save(update_fields=["status", "progress", "sent_at"])
        counts["requeued"] += 1
        job_send(job_id)
    counts["files_removed"] = _remove_unrecorded_files(older_than=stale)
    return counts


def _remove_unrecorded_files(*, older_than) -> int:
    """Files under reports/ that no artifact records, left by a run that died between
    writing its file and recording it (given time to finish that step)."""
    try:
        folders, _files = default_storage.listdir("reports")
    except FileNotFoundError:
        return 0
    recorded = set(ReportArtifact.objects.values_list("file", flat=True))
    removed = 0
    for folder in folders:
        for filename in default_storage.listdir(f"reports/{folder}")[1]:
            name = f"reports/{folder}/{filename}"
            if name not in recorded and default_storage.get_modified_time(name) < older_than:
                default_storage.delete(name)
                removed += 1
    return removed


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
