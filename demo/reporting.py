"""Demo data: the project's identity, a few programme targets and last period's texts.
Running it twice adds nothing."""

from __future__ import annotations

from datetime import date

from demo.context import DemoContext
from reporting.models import IndicatorTarget, ProjectSettings, ReportNarrative

TARGETS = {"P01": 400, "P02": 300, "P03": 120, "C01": 20, "C04": 24}
TEXTS = {
    1: "Projektet har i perioden visiteret deltagere i alle klynger. Fase 1 forløber som "
    "planlagt; enkelte deltagere er sat på pause på grund af sygdom.",
    3: "Styregruppen mødes hver måned. Projektcontrolleren følger indikatorerne løbende.",
}


def seed(context: DemoContext) -> None:
    if not ProjectSettings.objects.exists():
        ProjectSettings.objects.create(
            name="Social inklusion gennem Vækstpartnerskaber",
            journal_number="SFNPO-18-0012",
            project_start=date(2019, 1, 1),
            project_end=date(2026, 12, 31),
        )
    for code, value in TARGETS.items():
        IndicatorTarget.objects.get_or_create(
            code=code,
            region=None,
            cluster=None,
            municipality=None,
            defaults={"value": value},
        )
    for heading, text in TEXTS.items():
        ReportNarrative.objects.get_or_create(
            kind="progress",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 6, 30),
            heading=heading,
            defaults={"text": text},
        )
