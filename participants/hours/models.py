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

    # No index of its own on either key: the unique (citizen, week, kind) serves every read
    # by citizen, and nothing reads by the registering user (deleting a user, which the
    # app never does, would scan). Each index costs every write of hours.
    citizen = models.ForeignKey(
        Citizen, on_delete=models.CASCADE, related_name="hours", db_index=False
    )
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
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
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

    # The unique (citizen, month, kind) serves every read by citizen: no index of its own,
    # which every write of hours (the roll-up's trigger) would maintain.
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="+", db_index=False)
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


class HoursGroup(models.Model):
    """The hours statement's groups (month, municipality, cluster, benefit type, kind): the
    sum of the citizens' month rows of that kind, and the number of those rows.

    The database keeps this table, one step above the monthly roll-up: triggers on
    participants_hoursmonth and on the citizens' municipality, cluster and benefit type
    (migration 0014) add a row of changes for each group a statement touches. They only
    insert, never update a row another writer may hold, so two writers of different
    citizens never wait for each other here, however many groups they share and in whatever
    order. A group is the sum of its rows. `participants_hours_group_fold()` (the worker's
    `fold_hours_groups`, every minute, and the end of a seeding) sums the changes into the
    one folded row per group in one transaction: a reader sees them before or after.
    """

    month = models.DateField()
    municipality = models.ForeignKey(
        "partnerships.Municipality",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    cluster = models.ForeignKey(
        "partnerships.Cluster",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    benefit = models.CharField(max_length=40)
    kind = models.CharField(max_length=20, choices=HoursKind.choices)
    hours = models.DecimalField(max_digits=14, decimal_places=2)
    # A change counts a citizen-month of the kind that went as -1.
    citizens = models.IntegerField()
    folded = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "municipality", "cluster", "benefit", "kind"],
                condition=Q(folded=True),
                name="uniq_hours_group_folded",
            ),
        ]
        indexes = [
            models.Index(fields=["month"], name="hours_group_month_idx"),
            # A region's or a municipality's groups without reading the others.
            models.Index(fields=["municipality", "month"], name="hours_group_municipality_idx"),
            models.Index(fields=["id"], condition=Q(folded=False), name="hours_group_changes_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.municipality_id} {self.benefit} {self.kind}"


class HoursGroupMonth(models.Model):
    """Per month and municipality, the number of the hours statement's groups (month,
    municipality, benefit type, kind: the clusters of a municipality summed) that have
    citizens, and their hours: what a statement's months and its pages' places need, read
    without summing the groups one by one.

    Only `participants_hours_group_fold()` (migration 0017) writes it, in the fold's own
    transaction: it holds the folded groups. A month of a municipality that has rows of
    changes not yet folded is summed from its groups by the reader instead, so the two never
    disagree.
    """

    month = models.DateField()
    municipality = models.ForeignKey(
        "partnerships.Municipality",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    groups = models.IntegerField()
    hours = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "municipality"], name="uniq_hours_group_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.municipality_id}"
