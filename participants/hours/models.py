"""A citizen's weekly hours and their monthly roll-up."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from participants.common import iso_week_label, week_monday
from participants.track.models import Citizen, CitizenRecordQuerySet

MAX_HOURS_PER_KIND = Decimal("60")


MAX_HOURS_PER_WEEK = Decimal("80")


class HoursKind(models.TextChoices):
    TRAINING = "training", _("Træning hos aktøren")
    HOME_TRAINING = "home_training", _("Hjemmetræning")
    PRACTICE = "practice", _("Praktik i virksomhed")
    PAID = "paid", _("Lønnet arbejde")
    EDUCATION = "education", _("Uddannelse/kompetenceløft")


class HoursEntry(models.Model):
    """Hours for one citizen, one ISO week, one kind (logged by the employment actor)."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="hours")
    week_start = models.DateField(_("uge (mandag)"))
    iso_year = models.PositiveSmallIntegerField(_("år"), editable=False)
    iso_week = models.PositiveSmallIntegerField(_("uge"), editable=False)
    kind = models.CharField(_("type"), max_length=20, choices=HoursKind.choices)
    hours = models.DecimalField(
        _("timer"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_HOURS_PER_KIND)],
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = CitizenRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("timer")
        verbose_name_plural = _("timer")
        ordering = ["week_start", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "week_start", "kind"], name="uniq_hours_citizen_week_kind"
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=60), name="hours_0_to_60"
            ),
        ]
        indexes = [models.Index(fields=["week_start", "citizen"])]

    def __str__(self) -> str:
        return f"{self.citizen.audit_label} {iso_week_label(self.week_start)} {self.kind}"

    def save(self, *args, **kwargs):
        # Derived, not typed: the ISO year/week of the Monday.
        self.week_start = week_monday(self.week_start)
        self.iso_year, self.iso_week, _day = self.week_start.isocalendar()
        super().save(*args, **kwargs)

    @property
    def week_label(self) -> str:
        return iso_week_label(self.week_start)


class HoursMonth(models.Model):
    """One citizen's hours of one kind in one calendar month: the sum of their weekly rows,
    beside the citizen's month total across kinds (the monthly cap applies to that total).

    A week belongs to the month of its Monday. The database keeps this table (triggers on
    participants_hoursentry, created in migration 0004), whatever writes the weekly rows:
    the grid, an upload, the API, an import or a bulk COPY. The hours statement reads whole
    months from here instead of the millions of weekly rows. On PostgreSQL two statements
    writing one citizen's hours take turns (a lock per share of the citizens, migration 0005).
    """

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    kind = models.CharField(max_length=20, choices=HoursKind.choices)
    hours = models.DecimalField(max_digits=9, decimal_places=2)
    entries = models.PositiveIntegerField()
    month_total = models.DecimalField(max_digits=9, decimal_places=2)

    objects = CitizenRecordQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "month", "kind"], name="uniq_hours_month_citizen_kind"
            ),
        ]
        indexes = [
            # A period's months without reading the others; the few citizen-months over the
            # monthly cap without reading the rest.
            models.Index(fields=["month"], name="hours_month_month_idx"),
            models.Index(fields=["month_total"], name="hours_month_total_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.citizen_id} {self.month:%Y-%m} {self.kind}"
