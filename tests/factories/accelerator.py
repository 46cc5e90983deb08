import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accelerator.models import (
    CVR_WEIGHTS,
    Camp,
    Campaign,
    CampTheme,
    Company,
    CompanyFinancial,
    CompanyRole,
    CompanySize,
    JobCommitment,
    JobOpening,
    Milestone,
    MilestoneKind,
)

from .partnerships import ClusterFactory, municipality


def valid_cvr(seed: int) -> str:
    """A CVR number passing the modulus-11 check, different for each seed."""
    base = 10_000_000 + seed * 7
    while True:
        prefix = f"{base:07d}"[-7:]
        remainder = sum(int(d) * w for d, w in zip(prefix, CVR_WEIGHTS[:7], strict=True)) % 11
        check = (11 - remainder) % 11
        if check < 10:
            return prefix + str(check)
        base += 1


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company
        django_get_or_create = ("cvr",)

    cvr = factory.Sequence(valid_cvr)
    name = factory.Sequence(lambda n: f"Virksomhed {n} ApS")
    municipality = factory.LazyFunction(lambda: municipality("Køge"))
    role = CompanyRole.ACCELERATOR
    size = CompanySize.SMALL


class CompanyFinancialFactory(DjangoModelFactory):
    class Meta:
        model = CompanyFinancial

    company = factory.SubFactory(CompanyFactory)
    year = 2019
    revenue = Decimal("1000000.00")
    ebitda = Decimal("100000.00")
    full_time_employees = Decimal("5.0")


class CampFactory(DjangoModelFactory):
    class Meta:
        model = Camp

    cluster = factory.SubFactory(ClusterFactory, number=1)
    theme = CampTheme.BRAND
    title = factory.Sequence(lambda n: f"Camp {n}")
    date = datetime.date(2020, 3, 1)
    place = "Køge"


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign

    municipality = factory.LazyFunction(lambda: municipality("Køge"))
    cluster = factory.SubFactory(ClusterFactory, number=1)
    title = factory.Sequence(lambda n: f"Kampagne {n}")
    started_on = datetime.date(2019, 3, 1)
    boot_camp_date = datetime.date(2019, 6, 3)


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    company = factory.SubFactory(CompanyFactory)
    kind = MilestoneKind.TASKS_IDENTIFIED
    due_on = datetime.date(2020, 1, 1)


class JobCommitmentFactory(DjangoModelFactory):
    class Meta:
        model = JobCommitment

    company = factory.SubFactory(CompanyFactory)
    openings = 2
    hours_per_week = Decimal("15.0")
    due_on = datetime.date(2020, 12, 31)


class JobOpeningFactory(DjangoModelFactory):
    class Meta:
        model = JobOpening

    company = factory.SubFactory(CompanyFactory)
    title = factory.Sequence(lambda n: f"Køkkenmedhjælper {n}")
    positions = 1
    hours_per_week = Decimal("20.0")
    kind = "praktik"
    starts_on = datetime.date(2021, 4, 1)
