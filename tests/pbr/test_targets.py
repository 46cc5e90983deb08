"""On the contract's page the controller sets how many outcomes of each kind the contract aims
at per year; the page shows each target beside the outcomes achieved that year."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pbr import services
from pbr.models import ContractTarget, Outcome, OutcomeStatus
from tests.factories.pbr import make_contract
from tests.opened import opened

pytestmark = pytest.mark.django_db

COUNTS = {
    "job_started": "4",
    "retained_13": "3",
    "retained_26": "2",
    "retained_52": "1",
    "ebitda_growth": "0",
}


@pytest.fixture
def contract(personas):
    return make_contract(personas.own.municipality, personas.cluster)


def outcome(contract, kind, achieved_on, n, status=OutcomeStatus.ACCRUED):
    return Outcome.objects.create(
        contract=contract, kind=kind, subject=f"citizen:{n}", achieved_on=achieved_on, status=status
    )


def test_the_controller_sets_a_years_targets_and_sees_them_beside_the_outcomes(
    signed_in, personas, contract
):
    outcome(contract, "job_started", date(2024, 3, 4), 1)
    outcome(contract, "job_started", date(2024, 9, 2), 2)
    outcome(contract, "job_started", date(2024, 10, 7), 3, status=OutcomeStatus.REVERSED)
    outcome(contract, "retained_13", date(2025, 1, 6), 1)
    client = signed_in(personas.controller)
    response = client.post(
        reverse("pbr:target_create", args=[contract.pk]), {"year": "2024", **COUNTS}
    )
    assert response.status_code == 302
    target = ContractTarget.objects.get(contract=contract, year=2024)
    assert target.counts() == {kind: int(n) for kind, n in COUNTS.items()}

    page = client.get(reverse("pbr:contract_detail", args=[contract.pk])).content.decode()
    # 2024: four jobs aimed at, two achieved (the reversed one does not count).
    assert '<th scope="row">2024</th><td class="num">4 / 2</td><td class="num">3 / 0</td>' in page
    # 2025 has an outcome and no target yet.
    assert '<th scope="row">2025</th><td class="num">– / 0</td><td class="num">– / 1</td>' in page
    assert reverse("pbr:target_edit", args=[target.pk]) in page


def test_a_second_target_for_the_same_year_is_refused_in_danish(signed_in, personas, contract):
    services.contract_target_add(contract=contract, by=None, year=2024, job_started=1)
    response = signed_in(personas.controller).post(
        reverse("pbr:target_create", args=[contract.pk]), {"year": "2024", **COUNTS}
    )
    assert response.status_code == 200
    assert "Kontrakten har allerede mål for 2024. Ret dem i stedet." in response.content.decode()
    assert ContractTarget.objects.filter(contract=contract).count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"year": "2017"}, "Året skal ligge mellem 2018 og 2100."),
        ({"job_started": "-1"}, "Denne værdi skal være større end eller lig 0."),
    ],
)
def test_an_impossible_target_is_a_form_error(signed_in, personas, contract, changes, message):
    response = signed_in(personas.controller).post(
        reverse("pbr:target_create", args=[contract.pk]), {"year": "2024", **COUNTS, **changes}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ContractTarget.objects.exists()


def test_targets_changed_by_a_colleague_meanwhile_are_a_conflict_not_overwritten(
    client, personas, contract
):
    target = services.contract_target_add(contract=contract, by=None, year=2024, job_started=4)
    url = reverse("pbr:target_edit", args=[target.pk])
    client.force_login(personas.controller)
    mine, theirs = opened(client.get(url)), opened(client.get(url))
    shown = {"year": "2024", **COUNTS}
    assert client.post(url, {**shown, **mine, "job_started": "6"}).status_code == 302
    response = client.post(url, {**shown, **theirs, "job_started": "5"})
    assert response.status_code == 200
    assert "Posten er ændret af en anden, siden du åbnede den." in response.content.decode()
    target.refresh_from_db()
    assert target.job_started == 6 and target.version == 2


def test_a_lead_sees_the_targets_but_cannot_set_them(signed_in, personas, contract):
    services.contract_target_add(contract=contract, by=None, year=2024, job_started=4)
    client = signed_in(personas.lead)
    page = client.get(reverse("pbr:contract_detail", args=[contract.pk])).content.decode()
    assert "4 / 0" in page
    assert reverse("pbr:target_create", args=[contract.pk]) not in page
    response = client.post(
        reverse("pbr:target_create", args=[contract.pk]), {"year": "2025", **COUNTS}
    )
    assert response.status_code == 404
    assert ContractTarget.objects.count() == 1


def test_the_contract_page_takes_the_same_number_of_queries_for_more_years(
    signed_in, personas, contract, django_assert_max_num_queries
):
    client = signed_in(personas.controller)
    url = reverse("pbr:contract_detail", args=[contract.pk])
    services.contract_target_add(contract=contract, by=None, year=2023, job_started=1)
    outcome(contract, "job_started", date(2023, 5, 1), 99)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n, year in enumerate(range(2024, 2030)):
        services.contract_target_add(contract=contract, by=None, year=year, job_started=2)
        outcome(contract, "job_started", date(year, 5, 1), n)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert len(response.context["targets"]) == 7
    assert response.content.decode().count(" / 1</td>") == 7
