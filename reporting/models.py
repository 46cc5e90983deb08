"""Reporting data: the targets the indicator schema is measured against."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partnerships.models import Cluster, Municipality, Region
from siv.access import ScopedQuerySet
from siv.roles import Role


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
        if user.role in (Role.ADMIN, Role.CONTROLLER):
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
