from datetime import date
from decimal import Decimal

import pytest

from accelerator.models import Camp, CampTheme
from participants.models import EntryStatus, ExitStatus, Gender, HoursKind, IscedBand
from reporting.models import IndicatorTarget, ProjectSettings
from tests.factories.participants import (
    CitizenFactory,
    ExitFormFactory,
    HoursEntryFactory,
    VisitationFactory,
)


@pytest.fixture
def programme(personas):
    """Køge: three citizens (one employed, one unemployed at exit, one active); Næstved: one."""
    koege, naestved = personas.own.municipality, personas.foreign.municipality
    cluster = personas.cluster

    def citizen(muni, **fields):
        c = CitizenFactory(municipality=muni, cluster=cluster, **fields)
        VisitationFactory(citizen=c, proposed_on=date(2024, 1, 2))
        return c

    employed = citizen(
        koege,
        cpr="150660-1234",
        gender=Gender.FEMALE,
        entry_status=EntryStatus.LONG_TERM_UNEMPLOYED,
        isced=IscedBand.ISCED_1_2,
        phase2_start=date(2024, 7, 8),
    )
    ExitFormFactory(citizen=employed, exit_date=date(2024, 12, 20))
    jobseeker = citizen(
        koege,
        cpr="010503-4345",
        gender=Gender.MALE,
        entry_status=EntryStatus.INACTIVE,
        benefit="kontanthjaelp",
    )
    ExitFormFactory(citizen=jobseeker, exit_date=date(2024, 9, 1), status=ExitStatus.UNEMPLOYED)
    active = citizen(koege, cpr="020290-3456", gender=Gender.FEMALE, migrant=True)
    other = citizen(naestved, cpr="030385-4567", gender=Gender.MALE)

    HoursEntryFactory(citizen=employed, week_start=date(2024, 1, 8), hours=Decimal("10"))
    HoursEntryFactory(
        citizen=employed, week_start=date(2024, 1, 15), kind=HoursKind.PRACTICE, hours=Decimal("5")
    )
    HoursEntryFactory(citizen=jobseeker, week_start=date(2024, 2, 5), hours=Decimal("8"))
    HoursEntryFactory(citizen=other, week_start=date(2024, 2, 5), hours=Decimal("12"))

    Camp.objects.create(
        cluster=cluster, theme=CampTheme.BRAND, title="Brand og salg", date=date(2024, 3, 4)
    )
    IndicatorTarget.objects.create(code="P01", value=120)
    ProjectSettings.objects.create(
        name="Social inklusion gennem Vækstpartnerskaber",
        journal_number="SFNPO-18-0012",
        project_start=date(2019, 1, 1),
        project_end=date(2025, 12, 31),
    )
    return {"employed": employed, "jobseeker": jobseeker, "active": active, "other": other}
