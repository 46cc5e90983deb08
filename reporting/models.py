"""Reporting data: indicator targets, project settings, co-financing rates, report texts,
export jobs with their stored artifacts, and the monthly indicator snapshots."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.models import Cluster, Municipality, Organisation, Region
from siv.access import ScopedQuerySet
from siv.limits import LONG_TEXT
from siv.permissions import has_perm


class IndicatorCode(models.TextChoices):
    """The stable indicator codes of DOMAIN.md; every export uses them."""

    P01 = "P01", _("Tilmeldte deltagere")
    P02 = "P02", _("Gennemførte forløb")
    P03 = "P03", _("I beskæftigelse ved ophør")
    P04 = "P04", _("Påbegyndt uddannelse ved ophør")
    P05 = "P05", _("Ledige/aktivt jobsøgende ved ophør")
    P06 = "P06", _("Ikke til rådighed ved ophør")
    P06A = "P06a", _("heraf afgået ved døden")
    P07 = "P07", _("Stadig aktive")
    P08 = "P08", _("I beskæftigelse 2 år efter")
    C01 = "C01", _("Acceleratorvirksomheder")
    C02 = "C02", _("Virksomheder med økonomisk vækst")
    C03 = "C03", _("Frafaldne virksomheder")
    C04 = "C04", _("Afholdte camps")


class IndicatorTargetQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        if has_perm(user, "reports.write"):
            return self.all()
        # Targets are programme figures, not personal data: readable by every role.
        return self.none() if write else self.all()


class IndicatorTarget(models.Model):
    """A target for one indicator, for the whole programme or one region/cluster/municipality."""

    code = models.CharField(_("indikator"), max_length=4, choices=IndicatorCode.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.CASCADE
    )
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("klynge"), null=True, blank=True, on_delete=models.CASCADE
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommune"), null=True, blank=True, on_delete=models.CASCADE
    )
    value = models.PositiveIntegerField(_("mål"))

    objects = IndicatorTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("indikatormål")
        verbose_name_plural = _("indikatormål")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(region__isnull=True, cluster__isnull=True)
                    | Q(region__isnull=True, municipality__isnull=True)
                    | Q(cluster__isnull=True, municipality__isnull=True)
                ),
                name="target_at_most_one_scope",
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(region__isnull=True, cluster__isnull=True, municipality__isnull=True),
                name="uniq_target_total",
            ),
            models.UniqueConstraint(
                fields=["code", "region"],
                condition=Q(region__isnull=False),
                name="uniq_target_region",
            ),
            models.UniqueConstraint(
                fields=["code", "cluster"],
                condition=Q(cluster__isnull=False),
                name="uniq_target_cluster",
            ),
            models.UniqueConstraint(
                fields=["code", "municipality"],
                condition=Q(municipality__isnull=False),
                name="uniq_target_municipality",
            ),
        ]

    def __str__(self) -> str:
        scope = self.region or self.cluster or self.municipality or _("i alt")
        return f"{self.code} {scope}: {self.value}"


# --- Project settings, rates and narrative --------------------------------------------------


class ProjectSettingsQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        if has_perm(user, "reports.write"):
            return self.all()
        return self.none() if write else self.all()


class ProjectSettings(models.Model):
    """The project's identity on every report to Erhvervsstyrelsen. One row."""

    name = models.CharField(_("projektnavn"), max_length=200)
    journal_number = models.CharField(_("journalnummer"), max_length=40)
    project_start = models.DateField(_("projektperiode fra"))
    project_end = models.DateField(_("projektperiode til"))
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    objects = ProjectSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("projektoplysninger")
        verbose_name_plural = _("projektoplysninger")
        constraints = [
            models.CheckConstraint(
                condition=Q(project_end__gte=models.F("project_start")),
                name="project_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.journal_number})"


class SubProject(models.Model):
    """A regional sub-project (e.g. the one that "alene omfatter Region Sjælland"): its own
    journal number, period and economic partners, reported on its own or within the
    programme."""

    region = models.OneToOneField(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="sub_project"
    )
    name = models.CharField(_("navn"), max_length=200)
    journal_number = models.CharField(_("journalnummer"), max_length=40)
    project_start = models.DateField(_("projektperiode fra"))
    project_end = models.DateField(_("projektperiode til"))
    partners = models.ManyToManyField(
        Organisation,
        verbose_name=_("økonomiske partnere"),
        blank=True,
        related_name="sub_projects",
    )
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)

    # Like the project's identity: the controllers write, every role reads (no personal data).
    objects = ProjectSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("delprojekt")
        verbose_name_plural = _("delprojekter")
        ordering = ["region__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(project_end__gte=models.F("project_start")),
                name="sub_project_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CoFinancingRate(models.Model):
    """The standard hourly rate and the monthly hour cap per person, valid from a date."""

    valid_from = models.DateField(_("gælder fra"), unique=True)
    hourly_rate = models.DecimalField(_("timesats (kr.)"), max_digits=13, decimal_places=2)
    monthly_cap_hours = models.DecimalField(
        _("højst timer pr. person pr. måned"), max_digits=7, decimal_places=2
    )

    class Meta:
        verbose_name = _("medfinansieringssats")
        verbose_name_plural = _("medfinansieringssatser")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hourly_rate__gt=0, monthly_cap_hours__gt=0),
                name="cofinancing_rate_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.hourly_rate} kr./t fra {self.valid_from:%d.%m.%Y}"


class ReportKind(models.TextChoices):
    INDICATORS = "indicators", _("Indikatorskema")
    HOURS = "hours", _("Timeopgørelse")
    PROGRESS = "progress", _("Projektredegørelse")
    FINAL = "final", _("Slutrapport")
    ESF = "esf", _("ESF-fællesindikatorer")


# The headings of the two reports to Erhvervsstyrelsen, exactly as the authority names them.
PROGRESS_HEADINGS: tuple[str, ...] = (
    "Projektets fremdrift",
    "Projektets økonomi",
    "Projektets organisering",
    "Udbudsregler, markedspris og sund finansforvaltning",
    "Offentliggørelse og information om projektet",
    "Partnere afholdt mere end 2,5 mio. samt øvrige forhold af relevans for projektets status",
    "Projektets håndtering af forbehold fra forrige regnskab",
    "Forslag til forbedringer af projektadministration",
)
FINAL_HEADINGS: tuple[str, ...] = (
    "Projektets formål og vigtigste partnere",
    "Projektets vigtigste resultater/effekter",
    "Erfaring og læring",
    "Forankring/videreførelse",
)
HEADINGS = {ReportKind.PROGRESS: PROGRESS_HEADINGS, ReportKind.FINAL: FINAL_HEADINGS}


class NarrativeQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        if has_perm(user, "reports.write"):
            return self.all()
        return self.none()


class ReportPeriod(models.Model):
    """A progress statement or final report for one period, of the programme (no
    sub-project) or of one regional sub-project."""

    kind = models.CharField(_("rapport"), max_length=20, choices=ReportKind.choices)
    sub_project = models.ForeignKey(
        SubProject,
        verbose_name=_("delprojekt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_start = models.DateField(_("periode fra"))
    period_end = models.DateField(_("periode til"))

    class Meta:
        abstract = True


class ReportNarrative(ReportPeriod):
    """The controller's text under one heading of a report for its period."""

    heading = models.PositiveSmallIntegerField(_("afsnit"))
    text = models.TextField(_("tekst"), max_length=LONG_TEXT, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    objects = NarrativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("rapporttekst")
        verbose_name_plural = _("rapporttekster")
        ordering = ["kind", "period_end", "heading"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "sub_project", "period_start", "period_end", "heading"],
                name="uniq_narrative_heading",
                nulls_distinct=False,  # one programme text per heading, too
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="narrative_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.heading}"


class ReadinessAcknowledgement(ReportPeriod):
    """The controller's acknowledgement that a report is ordered with the data-quality
    findings the readiness check counted then (per rule): more findings ask again."""

    findings = models.JSONField(_("kvitterede fund"), default=dict)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("kvitteret af"),
        null=True,
        on_delete=models.SET_NULL,
    )
    acknowledged_at = models.DateTimeField(_("kvitteret"), default=timezone.now)

    objects = NarrativeQuerySet.as_manager()  # the controller's, as the texts are

    class Meta:
        verbose_name = _("kvittering for rapporttjek")
        verbose_name_plural = _("kvitteringer for rapporttjek")
        ordering = ["-acknowledged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start:%d.%m.%Y}–{self.period_end:%d.%m.%Y}"


# --- Jobs and artifacts ---------------------------------------------------------------------


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"
    CSV = "csv", "CSV"


# Which formats each report comes in.
FORMATS = {
    ReportKind.INDICATORS: (ReportFormat.XLSX, ReportFormat.CSV, ReportFormat.PDF),
    ReportKind.HOURS: (ReportFormat.XLSX, ReportFormat.PDF),
    ReportKind.ESF: (ReportFormat.XLSX, ReportFormat.CSV),
    ReportKind.PROGRESS: (ReportFormat.PDF,),
    ReportKind.FINAL: (ReportFormat.PDF,),
}


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("I kø")
    RUNNING = "running", _("I gang")
    DONE = "done", _("Færdig")
    FAILED = "failed", _("Fejlet")


def project_start(sub_project: int | None = None) -> date | None:
    """Where a period without a start begins: the sub-project's or the programme's start."""
    if sub_project:
        return (
            SubProject.objects.filter(pk=sub_project)
            .values_list("project_start", flat=True)
            .first()
        )
    return ProjectSettings.objects.order_by("pk").values_list("project_start", flat=True).first()


def period_label(start: date | None, end: date) -> str:
    """A report's period as its subtitles and job pages show it, "01.01.2024 – 30.06.2024";
    "til og med" the end when it has no start (and no project start to count from)."""
    if start is None:
        return _("til og med %(end)s") % {"end": f"{end:%d.%m.%Y}"}
    return f"{start:%d.%m.%Y} – {end:%d.%m.%Y}"


class ReportJobQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        if has_perm(user, "reports.programme"):
            return self.all()
        if has_perm(user, "reports.view"):  # the municipal lead: their own exports
            return self.filter(created_by=user)
        return self.none()


class ReportJob(models.Model):
    """One export, run by a Celery worker (or in-process by `manage.py report`)."""

    kind = models.CharField(_("rapport"), max_length=20, choices=ReportKind.choices)
    format = models.CharField(_("format"), max_length=4, choices=ReportFormat.choices)
    # The scope and period as plain values: region, cluster, municipality, start, end.
    params = models.JSONField(_("afgrænsning"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("fremdrift (%)"), default=0)
    error = models.TextField(_("fejlbesked"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bestilt af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="report_jobs",
    )
    created_at = models.DateTimeField(_("bestilt"), default=timezone.now)
    started_at = models.DateTimeField(_("startet"), null=True, blank=True)
    finished_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    # The job's life beside its status (reporting/services.py, "Jobs that survive faults"):
    # when its message last went to the queue (empty: the queue could not be reached), how
    # many runs have started, and the last sign of life of the run under way.
    sent_at = models.DateTimeField(_("sendt til køen"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("forsøg"), default=0)
    heartbeat_at = models.DateTimeField(_("sidste livstegn"), null=True, blank=True)

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("rapportjob")
        verbose_name_plural = _("rapportjob")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_percent")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def scope_label(self) -> str:
        cluster = self.params.get("cluster")
        parts = [
            getattr(self, "sub_project_name", None) or self.params.get("region") or "",
            f"Klynge {cluster}" if cluster else "",
            self.params.get("municipality") or "",
        ]
        return ", ".join(p for p in parts if p) or str(_("Hele programmet"))

    @property
    def period_label(self) -> str:
        """The period counted: without a start, from the start of the project (its
        sub-project's, or the programme's); without an end, up to the day it was ordered.
        selectors.jobs_for() brings the project's start along (one query for a page of
        jobs); a job read otherwise looks it up."""
        start, end = self.params.get("start"), self.params.get("end")
        sub_project = self.params.get("sub_project")
        if start:
            start = date.fromisoformat(start)
        else:
            known = "sub_project_start" if sub_project else "programme_start"
            start = getattr(self, known) if hasattr(self, known) else project_start(sub_project)
        end = date.fromisoformat(end) if end else timezone.localdate(self.created_at)
        return period_label(start, end)

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def is_retrying(self) -> bool:
        """A run was lost (a worker or the queue stopped) and the job is tried again."""
        return not self.is_finished and self.attempts > 0 and self.status == JobStatus.QUEUED


class ReportArtifactQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        return self.filter(job__in=ReportJob.objects.for_user(user, write=write).values("pk"))


class ReportArtifact(models.Model):
    """The stored file of a finished job: at most one per job, whatever retries happen."""

    job = models.OneToOneField(ReportJob, on_delete=models.PROTECT, related_name="artifact")
    file = models.FileField(_("fil"), upload_to="reports/%Y/%m/")
    filename = models.CharField(_("filnavn"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("størrelse (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("dannet"), default=timezone.now)
    params = models.JSONField(_("afgrænsning"), default=dict, blank=True)

    objects = ReportArtifactQuerySet.as_manager()

    class Meta:
        verbose_name = _("rapportfil")
        verbose_name_plural = _("rapportfiler")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename


class IndicatorSnapshot(models.Model):
    """The programme total, taken once a month by the beat schedule."""

    taken_on = models.DateField(_("dato"), unique=True)
    rows = models.JSONField(_("indikatorer"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("indikatorøjebliksbillede")
        verbose_name_plural = _("indikatorøjebliksbilleder")
        ordering = ["-taken_on"]

    def __str__(self) -> str:
        return f"{self.taken_on:%d.%m.%Y}"
