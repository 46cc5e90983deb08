"""Placements at companies and their planned hour steps."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accelerator.models import Company
from participants.track.models import Citizen, CitizenRecordQuerySet
from siv.roles import Role

RETENTION_WEEKS = (13, 26, 52)


class PlacementKind(models.TextChoices):
    SNUSE_PRAKTIK = "snuse_praktik", _("Snuse-praktik")
    PRAKTIK = "praktik", _("Virksomhedspraktik")
    LOENTILSKUD = "loentilskud", _("Løntilskud")
    FLEKSJOB = "fleksjob", _("Fleksjob")
    SMAAJOB = "smaajob", _("Småjob")
    ORDINAER = "ordinaer", _("Ordinær ansættelse")


# Paid kinds: their retention is followed at 13, 26 and 52 weeks.
PAID_PLACEMENT_KINDS = frozenset(
    {
        PlacementKind.LOENTILSKUD,
        PlacementKind.FLEKSJOB,
        PlacementKind.SMAAJOB,
        PlacementKind.ORDINAER,
    }
)


class PlacementStepQuerySet(CitizenRecordQuerySet):
    citizen_path = "placement__citizen"


class PlacementQuerySet(CitizenRecordQuerySet):
    def scoped(self, user, *, write):
        if user.role == Role.COMPANY_CONTACT:
            # The company's own placements; never the citizen record behind them.
            if write or not user.organisation_id:
                return self.none()
            return self.filter(company__organisation_id=user.organisation_id)
        return super().scoped(user, write=write)


class Placement(models.Model):
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="placements")
    kind = models.CharField(_("type"), max_length=20, choices=PlacementKind.choices)
    company = models.ForeignKey(
        Company, verbose_name=_("virksomhed"), on_delete=models.PROTECT, related_name="placements"
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("slut"), null=True, blank=True)
    hours_per_week = models.DecimalField(
        _("timer om ugen"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("60"))],
    )
    buddy = models.CharField(_("buddy i virksomheden"), max_length=200, blank=True)
    support_person = models.CharField(_("social støtteperson"), max_length=200, blank=True)
    vitas_reference = models.CharField(_("Vitas-reference"), max_length=50, blank=True)
    # When a company drops out, its placements move to a support company.
    moved_from = models.OneToOneField(
        "self",
        verbose_name=_("flyttet fra"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moved_to",
    )
    retained_13_confirmed_on = models.DateField(
        _("fastholdt 13 uger bekræftet"), null=True, blank=True
    )
    retained_26_confirmed_on = models.DateField(
        _("fastholdt 26 uger bekræftet"), null=True, blank=True
    )
    retained_52_confirmed_on = models.DateField(
        _("fastholdt 52 uger bekræftet"), null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    # Raised by each save (siv.audit.save_and_record): an edit form opened at an older
    # version is a conflict, not a silent overwrite.
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)

    objects = PlacementQuerySet.as_manager()

    # What the audit log and a conflict call the hour steps changed with the placement.
    audit_related_labels = {"steps": _("timeplan")}

    class Meta:
        verbose_name = _("placering")
        verbose_name_plural = _("placeringer")
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="placement_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.company}"

    @property
    def audit_label(self) -> str:
        return f"Placering #{self.pk}"

    def clean(self) -> None:
        super().clean()
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": _("Slutdatoen kan ikke ligge før startdatoen.")})

    @property
    def is_paid(self) -> bool:
        return self.kind in PAID_PLACEMENT_KINDS

    def is_active(self, as_of: date | None = None) -> bool:
        day = as_of or timezone.localdate()
        return self.start <= day and (self.end is None or self.end >= day)

    def retention_checkpoints(self, as_of: date | None = None) -> list[dict]:
        """13/26/52-week checkpoints of a paid placement, computed from its dates."""
        if not self.is_paid:
            return []
        day = as_of or timezone.localdate()
        rows = []
        for weeks in RETENTION_WEEKS:
            due = self.start + timedelta(weeks=weeks)
            held = self.end is None or self.end >= due
            rows.append(
                {
                    "weeks": weeks,
                    "due": due,
                    "reached": held and due <= day,
                    "lost": not held,
                    "confirmed_on": getattr(self, f"retained_{weeks}_confirmed_on"),
                }
            )
        return rows

    def hours_on(self, day: date) -> Decimal:
        """Planned hours a week on a day: the latest step on or before it, else the base."""
        steps = sorted(self.steps.all(), key=lambda s: s.from_date)
        hours = self.hours_per_week
        for step in steps:
            if step.from_date <= day:
                hours = step.hours_per_week
        return hours


class PlacementStep(models.Model):
    """A dated step in a placement's hour plan (e.g. 4 → 8 → 12 hours a week)."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="steps")
    from_date = models.DateField(_("fra"))
    hours_per_week = models.DecimalField(
        _("timer om ugen"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("60"))],
    )

    objects = PlacementStepQuerySet.as_manager()

    class Meta:
        verbose_name = _("trin i timeplan")
        verbose_name_plural = _("timeplan")
        ordering = ["from_date"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "from_date"], name="uniq_placement_step")
        ]

    def __str__(self) -> str:
        return f"{self.from_date:%d.%m.%Y}: {self.hours_per_week}"
