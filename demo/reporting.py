"""Demo data: the project's identity, the programme's targets and last period's texts.
Running it twice adds nothing, and changes nothing a controller has set since."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils import timezone

from demo.context import DemoContext
from demo.partnerships import CLUSTERS
from partnerships.models import Cluster, ClusterMembership, Organisation, Region
from reporting import services
from reporting.models import IndicatorTarget, ProjectSettings, ReportNarrative, SubProject
from siv.roles import Role

# A live demo's own journal number: the real programme's, SFNPO-18-0012, belongs to the
# project period 28.02.2018 – 30.09.2022, which the demo's dates (counted back from today)
# do not keep to.
PROJECT_NAME = "Social inklusion gennem Vækstpartnerskaber (demo)"
JOURNAL_NUMBER = "SIV-DEMO-0001"
# Region Sjælland's targets for its 6 slots (DOMAIN.md); every other region, each cluster
# and the programme get targets of the same size per slot (Region Sjælland's own included).
SJAELLAND_TARGETS = {"P01": 40, "P02": 20, "P08": 10, "C02": 5}
SJAELLAND_SLOTS = 6
TEXTS = {
    1: "Projektet har i perioden visiteret deltagere i alle klynger. Fase 1 forløber som "
    "planlagt; enkelte deltagere er sat på pause på grund af sygdom.",
    3: "Styregruppen mødes hver måned. Projektcontrolleren følger indikatorerne løbende.",
}


def project_period(today: date) -> tuple[date, date]:
    """From 1 January of the year before the first cluster (its municipalities sign their
    declarations that autumn) to 31 December two years ahead: every date the demo seeds,
    fixed (clusters, camps, company figures) or counted back from today (citizens, hours,
    exits, follow-ups), and the reports asked for now, lie inside."""
    first_cluster = min(year for year, _slots in CLUSTERS.values())
    return date(first_cluster - 1, 1, 1), date(today.year + 2, 12, 31)


def last_half_year(today: date) -> tuple[date, date]:
    """The last half-year that has ended: the period of the last progress statement."""
    if today.month <= 6:
        return date(today.year - 1, 7, 1), date(today.year - 1, 12, 31)
    return date(today.year, 1, 1), date(today.year, 6, 30)


def per_slot(slots: int) -> dict[str, int]:
    """Region Sjælland's targets scaled to `slots` slots, rounded half up."""
    return {
        code: int((Decimal(value * slots) / SJAELLAND_SLOTS).quantize(Decimal(1), ROUND_HALF_UP))
        for code, value in SJAELLAND_TARGETS.items()
    }


def _set_targets(controller, values: dict[str, int], **scope) -> None:
    if not IndicatorTarget.objects.filter(**scope).exists():
        services.targets_save(by=controller, values=values, **scope)


def _seed_targets(context: DemoContext) -> None:
    controller = context.users[Role.CONTROLLER]
    memberships = ClusterMembership.objects.filter(cluster__in=context.clusters.values())
    by_region = dict(
        memberships.values_list("municipality__region__name")
        .annotate(slots=Sum("slots"))
        .order_by()
    )
    by_cluster = dict(
        memberships.values_list("cluster__number").annotate(slots=Sum("slots")).order_by()
    )
    for region in Region.objects.filter(name__in=by_region):
        _set_targets(controller, per_slot(by_region[region.name]), region=region)
    for cluster in Cluster.objects.filter(number__in=by_cluster):
        _set_targets(controller, per_slot(by_cluster[cluster.number]), cluster=cluster)
    _set_targets(
        controller,
        per_slot(sum(by_region.values())),
        region=None,
        cluster=None,
        municipality=None,
    )


def _seed_sub_projects(context: DemoContext) -> None:
    """One sub-project per region taking part, for the project period; its partners are
    the organisations in the region's municipalities."""
    settings = ProjectSettings.objects.get()
    regions = Region.objects.filter(
        municipalities__memberships__cluster__in=context.clusters.values()
    ).distinct()
    for number, region in enumerate(regions, start=1):
        sub_project, created = SubProject.objects.get_or_create(
            region=region,
            defaults={
                "name": f"{settings.name.removesuffix(' (demo)')} – {region.name} (demo)",
                "journal_number": f"{JOURNAL_NUMBER}-{number:02d}",
                "project_start": settings.project_start,
                "project_end": settings.project_end,
            },
        )
        if created:
            sub_project.partners.set(Organisation.objects.filter(municipality__region=region))


def seed(context: DemoContext) -> None:
    today = timezone.localdate()
    if not ProjectSettings.objects.exists():
        start, end = project_period(today)
        services.project_settings_save(
            by=context.users[Role.CONTROLLER],
            name=PROJECT_NAME,
            journal_number=JOURNAL_NUMBER,
            project_start=start,
            project_end=end,
        )
    _seed_targets(context)
    _seed_sub_projects(context)
    period_start, period_end = last_half_year(today)
    for heading, text in TEXTS.items():
        ReportNarrative.objects.get_or_create(
            kind="progress",
            sub_project=None,  # the programme's texts
            period_start=period_start,
            period_end=period_end,
            heading=heading,
            defaults={"text": text},
        )
