import io

import pytest
from django.core.management import call_command

from pbr import selectors
from pbr.models import BenefitRate, Contract, ContractTarget, SavingBand

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_example_rates_from_2018_and_yearly_targets_once():
    call_command("seed_demo", stdout=io.StringIO())
    rates = BenefitRate.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert BenefitRate.objects.count() == rates

    first_year = BenefitRate.objects.filter(valid_from__year=2018)
    assert first_year.exists() and not first_year.filter(is_example=False).exists()
    assert SavingBand.objects.filter(valid_from__year=2018, is_example=True).exists()
    contract = Contract.objects.select_related("municipality").first()
    first = contract.versions.order_by("valid_from").first().valid_from.year
    years = set(ContractTarget.objects.filter(contract=contract).values_list("year", flat=True))
    assert min(years) == first and len(years) >= 4

    # The demo's earliest paid weeks are valued at the example rates, and the case says so.
    cases = [selectors.business_case(c.municipality) for c in Contract.objects.all()]
    saving = [case for case in cases if case["total_savings"] > 0]
    assert saving and all(case["examples"] for case in saving)
    payments = selectors.payments_by_year(contract.municipality)
    assert any(row.planned > 0 for row in payments)
