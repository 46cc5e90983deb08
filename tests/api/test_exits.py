"""Exits through the API: the same service as the exit form, so the same employer rule and
the same records ended on the exit date."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accelerator.models import CompanyRole
from participants.models import ExitForm, PlacementKind, VisitationStatus
from tests.factories.participants import CompanyFactory, PlacementFactory, VisitationFactory

from .conftest import citizen_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(
        datetime(2025, 1, 15, 10, tzinfo=ZoneInfo("Europe/Copenhagen")), tick=False
    ):
        yield


@pytest.fixture
def citizen(personas):
    citizen = citizen_in(personas.own, personas.cluster, phase1_start=date(2024, 1, 8))
    VisitationFactory(
        citizen=citizen, status=VisitationStatus.ACCEPTED, proposed_on=date(2023, 12, 1)
    )
    return citizen


@pytest.fixture
def partner():
    return CompanyFactory(cvr="35740015", name="Grøn Vask ApS", role=CompanyRole.ACCELERATOR)


def post(api_as, user, body):
    return api_as(user).post(reverse("siv_api:exit-list"), body, format="json")


def test_an_employed_exit_without_an_employer_is_a_400(personas, api_as, citizen):
    body = {"citizen": citizen.pk, "exit_date": "2024-12-20", "status": "employed_ordinary"}
    response = post(api_as, personas.caseworker, body)
    assert response.status_code == 400
    assert response.json() == {
        "employer_company": [
            "Angiv arbejdsgiveren: en partnervirksomhed eller en anden arbejdsgiver."
        ]
    }
    assert not ExitForm.objects.exists()


def test_an_employed_exit_to_a_partner_company_ends_the_practice(
    personas, api_as, citizen, partner
):
    practice = PlacementFactory(citizen=citizen, company=partner, kind=PlacementKind.PRAKTIK)
    body = {
        "citizen": citizen.pk,
        "exit_date": "2024-12-20",
        "status": "employed_flex",
        "employer_company": partner.pk,
    }
    response = post(api_as, personas.actor, body)
    assert response.status_code == 201, response.content
    assert (response.json()["employer_company"], response.json()["employer_name"]) == (
        partner.pk,
        "",
    )
    practice.refresh_from_db()
    assert practice.end == date(2024, 12, 20)


def test_another_employer_is_named(personas, api_as, citizen):
    body = {
        "citizen": citizen.pk,
        "exit_date": "2024-12-20",
        "status": "employed_small_job",
        "employer_name": "Netto Køge",
    }
    response = post(api_as, personas.caseworker, body)
    assert response.status_code == 201, response.content
    assert ExitForm.objects.get().employer_name == "Netto Køge"


def test_an_employer_on_an_exit_that_is_not_employment_is_a_400(personas, api_as, citizen):
    body = {
        "citizen": citizen.pk,
        "exit_date": "2024-12-20",
        "status": "unemployed",
        "employer_name": "Netto Køge",
    }
    response = post(api_as, personas.caseworker, body)
    assert response.status_code == 400
    assert "kun ved ophør til beskæftigelse" in response.content.decode()
    assert not ExitForm.objects.exists()


def test_a_support_company_is_not_offered_as_a_partner(personas, api_as, citizen):
    support = CompanyFactory(cvr="35740023", role=CompanyRole.SUPPORT)
    body = {
        "citizen": citizen.pk,
        "exit_date": "2024-12-20",
        "status": "employed_ordinary",
        "employer_company": support.pk,
    }
    response = post(api_as, personas.caseworker, body)
    assert response.status_code == 400
    assert "employer_company" in response.json()
    assert not ExitForm.objects.exists()
