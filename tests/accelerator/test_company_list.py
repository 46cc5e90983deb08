"""The company list: scoped, filtered, paginated, and in a constant number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accelerator.models import Company, CompanyRole
from siv.models import AuditAction, AuditEntry
from tests.factories.accelerator import CompanyFactory, MilestoneFactory

from .conftest import foreign_company, own_company


def _companies(n, personas):
    for company in CompanyFactory.create_batch(
        n, business_developer=personas.developer, enrolled_cluster=personas.cluster
    ):
        MilestoneFactory(company=company)


def test_the_list_takes_the_same_queries_for_10_and_50_companies(personas, signed_in):
    client = signed_in(personas.controller)
    _companies(10, personas)
    with CaptureQueriesContext(connection) as ten:
        response = client.get(reverse("accelerator:company_list"))
    assert "10 rækker" in response.content.decode()
    _companies(40, personas)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(reverse("accelerator:company_list"))
    assert "50 rækker" in response.content.decode()
    assert len(ten) == len(fifty)


def test_a_developer_sees_only_own_companies(personas, signed_in):
    own_company(personas)
    foreign_company(personas)
    page = signed_in(personas.developer).get(reverse("accelerator:company_list")).content.decode()
    assert "Grøn Vask ApS" in page
    assert "Sydhavn Café ApS" not in page


def test_a_developer_gets_404_on_another_developers_company(personas, signed_in):
    company = foreign_company(personas)
    client = signed_in(personas.developer)
    assert client.get(reverse("accelerator:company_detail", args=[company.pk])).status_code == 404
    assert client.get(reverse("accelerator:company_edit", args=[company.pk])).status_code == 404


def test_a_caseworker_sees_the_companies_of_her_municipality(personas, signed_in):
    own_company(personas)
    foreign_company(personas)
    page = signed_in(personas.caseworker).get(reverse("accelerator:company_list")).content.decode()
    assert "Grøn Vask ApS" in page
    assert "Sydhavn Café ApS" not in page


def test_filters_narrow_the_list_and_the_search_is_logged(personas, signed_in):
    own_company(personas)
    CompanyFactory(name="Stevns Køkken ApS", role=CompanyRole.SUPPORT)
    foreign_company(personas)
    client = signed_in(personas.controller)
    page = client.get(reverse("accelerator:company_list"), {"role": "support"}).content.decode()
    assert "Stevns Køkken ApS" in page and "Grøn Vask ApS" not in page

    page = client.get(
        reverse("accelerator:company_list"), {"developer": personas.developer.pk}
    ).content.decode()
    assert "Grøn Vask ApS" in page and "Sydhavn Café ApS" not in page
    assert f">{personas.developer.get_full_name()}</option>" in page

    page = client.get(
        reverse("accelerator:company_list"), {"municipality": personas.foreign.municipality.pk}
    ).content.decode()
    assert "Sydhavn Café ApS" in page and "Grøn Vask ApS" not in page
    assert AuditEntry.objects.filter(action=AuditAction.SEARCH).count() == 3


def test_the_list_is_paginated(personas, signed_in):
    CompanyFactory.create_batch(30)
    client = signed_in(personas.controller)
    first = client.get(reverse("accelerator:company_list")).content.decode()
    second = client.get(reverse("accelerator:company_list"), {"side": 2}).content.decode()
    assert "Side 1 af 2" in first and "Side 2 af 2" in second
    assert Company.objects.count() == 30


def test_an_empty_list_says_so(personas, signed_in):
    page = signed_in(personas.contact).get(reverse("accelerator:company_list")).content.decode()
    assert "Der er ingen virksomheder, der matcher." in page


def test_a_developer_edits_own_company_but_cannot_reassign_it(personas, signed_in):
    company = own_company(personas)
    client = signed_in(personas.developer)
    url = reverse("accelerator:company_edit", args=[company.pk])
    assert 'name="business_developer"' not in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "cvr": company.cvr,
            "name": "Grøn Vask og Rens ApS",
            "size": "small",
            "municipality": company.municipality_id,
            "organisation": company.organisation_id,
            "role": "accelerator",
            "industry": "Vaskeri",
        },
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.name == "Grøn Vask og Rens ApS"
    assert company.business_developer == personas.developer
    entry = AuditEntry.objects.about(company).get(action=AuditAction.CHANGE)
    assert set(entry.details["fields"]) == {"industry", "name"}


def test_an_actor_in_two_partnerships_with_a_company_sees_it_once_with_true_counts(
    personas, signed_in
):
    from partnerships.models import GrowthPartnership, Municipality

    company = own_company(personas)
    stevns, _ = GrowthPartnership.objects.get_or_create(
        municipality=Municipality.objects.get(name="Stevns"),
        cluster=personas.cluster,
        name="Vækstpartnerskab Stevns",
    )
    stevns.partners.add(personas.own.actor_org, personas.own.company_org)
    MilestoneFactory(company=company, kind="tasks_identified")
    MilestoneFactory(company=company, kind="buddy_training")

    page = signed_in(personas.actor).get(reverse("accelerator:company_list")).content.decode()
    assert page.count("Grøn Vask ApS</a>") == 1
    assert "1 række" in page
    assert '<td class="num">2</td>' in page
