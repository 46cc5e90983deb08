import datetime

import pytest
from django.utils import timezone

from accelerator.models import Company
from partnerships.models import GrowthPartnership
from tests.factories.accelerator import CompanyFactory


def _partnership(world, cluster):
    partnership, _ = GrowthPartnership.objects.get_or_create(
        municipality=world.municipality,
        cluster=cluster,
        name=f"Vækstpartnerskab {world.municipality.name}",
    )
    partnership.partners.add(world.actor_org, world.company_org)
    return partnership


def own_company(p, **fields):
    """Grøn Vask in Køge: developer Anna's, in the Stevns actor's partnership."""
    _partnership(p.own, p.cluster)
    existing = Company.objects.filter(organisation=p.own.company_org).first()
    if existing is not None and not fields:
        return existing
    fields.setdefault("name", "Grøn Vask ApS")
    return CompanyFactory(
        municipality=p.own.municipality,
        organisation=fields.pop("organisation", p.own.company_org),
        business_developer=p.developer,
        **fields,
    )


def foreign_company(p, **fields):
    """Sydhavn Café in Næstved: developer Bo's, in another partnership."""
    _partnership(p.foreign, p.cluster)
    existing = Company.objects.filter(organisation=p.foreign.company_org).first()
    if existing is not None and not fields:
        return existing
    fields.setdefault("name", "Sydhavn Café ApS")
    return CompanyFactory(
        municipality=p.foreign.municipality,
        organisation=fields.pop("organisation", p.foreign.company_org),
        business_developer=p.foreign["business_developer"],
        **fields,
    )


@pytest.fixture
def company(personas):
    return own_company(personas)


TODAY = datetime.date(2021, 3, 15)


@pytest.fixture
def today(monkeypatch):
    """Freeze the Danish calendar day the app reads (timezone.localdate()) at TODAY."""
    real = timezone.localdate
    monkeypatch.setattr(
        timezone, "localdate", lambda *args, **kwargs: TODAY if not args else real(*args, **kwargs)
    )
    return TODAY
