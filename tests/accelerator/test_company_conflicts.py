"""Two people editing the same company: the second form, opened before the first saved, keeps
the first's change to another field and is refused on the same field, with both values."""

import pytest
from django.test import Client
from django.urls import reverse

from accelerator.models import Company
from tests.opened import opened

from .conftest import own_company

pytestmark = pytest.mark.django_db


def form_data(company, **changes):
    return {
        "cvr": company.cvr,
        "name": company.name,
        "size": company.size,
        "municipality": company.municipality_id,
        "organisation": company.organisation_id,
        "role": company.role,
        "industry": company.industry,
        "address": company.address,
        "registered_social_economy": "on" if company.registered_social_economy else "",
        "entry_year": company.entry_year or "",
        **changes,
    }


def test_a_stale_company_form_keeps_the_other_field_and_refuses_the_same_one(personas):
    company = own_company(personas)
    url = reverse("accelerator:company_edit", args=[company.pk])
    first, second = Client(), Client()
    first.force_login(personas.developer)
    second.force_login(personas.developer)
    first_opened, second_opened = opened(first.get(url)), opened(second.get(url))
    data = form_data(company)
    assert first.post(url, {**data, "name": "Grøn Vask I/S", **first_opened}).status_code == 302
    response = second.post(url, {**data, "industry": "Rengøring", **second_opened})
    assert response.status_code == 302
    company = Company.objects.get(pk=company.pk)
    assert (company.name, company.industry, company.version) == (
        "Grøn Vask I/S",
        "Rengøring",
        3,
    )
    third_opened = opened(first.get(url))
    first.post(url, {**form_data(company), "name": "Grøn Vask A/S", **third_opened})
    response = second.post(url, {**form_data(company), "name": "Blå Vask ApS", **third_opened})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Posten er ændret af en anden, siden du åbnede den." in page
    assert "Navn er nu: Grøn Vask A/S (du skrev: Blå Vask ApS)." in page
    assert Company.objects.get(pk=company.pk).name == "Grøn Vask A/S"
