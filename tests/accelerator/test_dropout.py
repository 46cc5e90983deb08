"""A company that drops out keeps its history; support companies are there to take over."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accelerator import services
from accelerator.models import Company, CompanyRole, CompanyStatus
from siv.models import AuditAction, AuditEntry
from tests.factories.accelerator import CompanyFactory, CompanyFinancialFactory

from .conftest import own_company


def test_drop_out_sets_status_date_and_reason_and_keeps_history(personas):
    company = own_company(personas)
    services.company_enrol(company=company, cluster=personas.cluster, by=personas.controller)
    CompanyFinancialFactory(company=company, year=2019)
    services.company_drop_out(
        company=company, date=datetime.date(2021, 6, 30), reason="Konkurs", by=personas.developer
    )
    company.refresh_from_db()
    assert company.status == CompanyStatus.DROPPED_OUT
    assert company.dropped_out_on == datetime.date(2021, 6, 30)
    assert company.dropout_reason == "Konkurs"
    assert company.financials.count() == 1
    assert Company.objects.enrolled().filter(pk=company.pk, status="dropped_out").exists()
    entry = AuditEntry.objects.about(company).get(
        action=AuditAction.CHANGE, details__fields__contains=["status"]
    )
    assert entry.actor == personas.developer


def test_a_reason_is_required(personas):
    company = own_company(personas)
    with pytest.raises(ValidationError):
        services.company_drop_out(
            company=company, date=datetime.date(2021, 1, 1), reason="  ", by=personas.developer
        )


def test_dropping_out_twice_is_refused(personas):
    company = own_company(personas)
    services.company_drop_out(
        company=company, date=datetime.date(2021, 1, 1), reason="Lukket", by=personas.developer
    )
    with pytest.raises(ValidationError, match="allerede frafaldet"):
        services.company_drop_out(
            company=company, date=datetime.date(2021, 2, 1), reason="Igen", by=personas.developer
        )


def test_the_dropout_screen_lists_support_companies_and_asks_first(personas, signed_in):
    company = own_company(personas)
    CompanyFactory(name="Stevns Køkken ApS", role=CompanyRole.SUPPORT)
    CompanyFactory(
        name="Lukket Støtte ApS",
        role=CompanyRole.SUPPORT,
        status=CompanyStatus.DROPPED_OUT,
        dropped_out_on=datetime.date(2020, 1, 1),
    )
    client = signed_in(personas.controller)
    url = reverse("accelerator:company_dropout", args=[company.pk])
    page = client.get(url).content.decode()
    assert "Stevns Køkken ApS" in page
    assert "Lukket Støtte ApS" not in page
    assert "data-confirm=" in page

    response = client.post(url, {"date": "2021-06-30", "reason": "Mangler tilladelse"})
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "Frafaldet 30.06.2021: Mangler tilladelse" in detail


def test_a_developer_cannot_drop_out_another_developers_company(personas, signed_in):
    from .conftest import foreign_company

    company = foreign_company(personas)
    response = signed_in(personas.developer).post(
        reverse("accelerator:company_dropout", args=[company.pk]),
        {"date": "2021-06-30", "reason": "Forsøg"},
    )
    assert response.status_code == 404
    company.refresh_from_db()
    assert company.status == CompanyStatus.ACTIVE
