"""The demo programme: four companies with figures, camps for both clusters, a campaign."""

import io

import pytest
from django.core.management import call_command

from accelerator.models import (
    Camp,
    Campaign,
    Company,
    CompanyRole,
    CompanyStatus,
    cvr_is_valid,
)


@pytest.mark.django_db
def test_the_demo_seeds_companies_camps_and_a_campaign_and_can_run_twice():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    companies = {c.cvr: c for c in Company.objects.select_related("municipality")}
    assert set(companies) == {"35740015", "35740023", "35740031", "35740058"}
    assert all(cvr_is_valid(cvr) for cvr in companies)
    assert companies["35740023"].status == CompanyStatus.DROPPED_OUT
    assert companies["35740058"].role == CompanyRole.SUPPORT
    assert companies["35740015"].organisation.name == "Grøn Vask ApS"
    assert Company.objects.filter(business_developer__username="udvikler").count() == 3
    assert Company.objects.enrolled().count() == 3
    assert Company.objects.grown().filter(cvr="35740015").exists()
    assert all(c.financials.count() == 4 for c in companies.values())
    assert set(Camp.objects.values_list("cluster__number", flat=True)) == {1, 2}
    assert Camp.objects.filter(company_attendance__isnull=False).exists()
    assert Campaign.objects.get().invitations.filter(selected=True).count() == 1
