from datetime import date
from decimal import Decimal

from partnerships.models import Cluster, Municipality
from pbr import services
from pbr.models import Contract

from .partnerships import ClusterFactory, municipality

DEFAULT_TERMS = {
    "tariff_job_started": Decimal("10000.00"),
    "tariff_retained_13": Decimal("5000.00"),
    "tariff_retained_26": Decimal("7500.00"),
    "tariff_retained_52": Decimal("12500.00"),
    "tariff_ebitda_growth": Decimal("20000.00"),
    "min_hours_per_week": Decimal("15"),
}


def make_contract(
    muni: Municipality | None = None,
    cluster: Cluster | None = None,
    *,
    valid_from: date = date(2023, 1, 1),
    **terms,
) -> Contract:
    """A contract with one version (tariffs as DEFAULT_TERMS unless given)."""
    return services.contract_create(
        municipality=muni or municipality("Køge"),
        cluster=cluster or ClusterFactory(number=1),
        by=None,
        valid_from=valid_from,
        **{**DEFAULT_TERMS, **terms},
    )
