"""Financials, milestones, commitments, sessions, buddies and contacts on a company."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accelerator.models import CompanyFinancial, DevelopmentSession, JobCommitment, Milestone
from siv.models import AuditAction, AuditEntry
from tests.factories.accelerator import JobCommitmentFactory
from tests.opened import opened

from .conftest import foreign_company, own_company


def _url(kind, company):
    return reverse(f"accelerator:company_{kind}", args=[company.pk])


def test_saving_a_year_again_corrects_its_figures(personas, signed_in):
    company = own_company(personas)
    client = signed_in(personas.developer)
    data = {"year": 2020, "revenue": "1500000", "ebitda": "120000", "full_time_employees": "4,5"}
    assert client.post(_url("financials", company), data).status_code == 302
    data["ebitda"] = "130000"
    client.post(_url("financials", company), data)
    figures = CompanyFinancial.objects.get(company=company, year=2020)
    assert figures.ebitda == Decimal("130000")
    assert figures.full_time_employees == Decimal("4.5")
    assert AuditEntry.objects.about(figures).filter(action=AuditAction.CHANGE).exists()
    page = client.get(_url("financials", company)).content.decode()
    assert "130.000,00 kr." in page


def test_a_milestone_is_planned_and_later_marked_reached(personas, signed_in):
    company = own_company(personas)
    client = signed_in(personas.developer)
    client.post(_url("milestones", company), {"kind": "buddy_training", "due_on": "2020-03-01"})
    milestone = Milestone.objects.get(company=company)
    edit = reverse("accelerator:company_milestones_edit", args=[company.pk, milestone.pk])
    client.post(edit, {"due_on": "2020-03-01", "done_on": "2020-02-20", **opened(client.get(edit))})
    milestone.refresh_from_db()
    assert milestone.done_on == datetime.date(2020, 2, 20)
    page = client.get(_url("milestones", company)).content.decode()
    assert "Buddy-træning afholdt" in page and "20.02.2020" in page


def test_a_commitment_must_be_explicit(personas, signed_in):
    company = own_company(personas)
    client = signed_in(personas.developer)
    response = client.post(
        _url("commitments", company), {"openings": "", "description": "Nogle job"}
    )
    assert response.status_code == 200
    assert not JobCommitment.objects.exists()
    response = client.post(
        _url("commitments", company),
        {"openings": 2, "hours_per_week": "15", "due_on": "2021-06-30", "description": "Køkken"},
    )
    assert response.status_code == 302
    detail = client.get(reverse("accelerator:company_detail", args=[company.pk])).content.decode()
    assert "30.06.2021" in detail and "Jobtilsagn for Grøn Vask ApS" in detail


def test_a_session_records_hours_and_the_developer(personas, signed_in):
    company = own_company(personas)
    client = signed_in(personas.developer)
    client.post(
        _url("sessions", company),
        {"date": "2020-01-14", "hours": "2,5", "topic": "Prissætning", "notes": "Følg op"},
    )
    session = DevelopmentSession.objects.get(company=company)
    assert session.hours == Decimal("2.5")
    assert session.developer == personas.developer
    detail = client.get(reverse("accelerator:company_detail", args=[company.pk])).content.decode()
    assert "2,5 timer" in detail


@pytest.mark.parametrize("kind", ["contacts", "buddies"])
def test_contacts_and_buddies_are_added(personas, signed_in, kind):
    company = own_company(personas)
    client = signed_in(personas.controller)
    client.post(_url(kind, company), {"name": "Mette Hansen", "trained_on": "2020-02-20"})
    assert "Mette Hansen" in client.get(_url(kind, company)).content.decode()


def test_readers_see_the_records_but_no_form_and_cannot_post(personas, signed_in):
    company = own_company(personas)
    client = signed_in(personas.contact)
    page = client.get(_url("buddies", company)).content.decode()
    assert "Tilføj" not in page
    response = client.post(_url("buddies", company), {"name": "Indtrængende"})
    assert response.status_code == 404
    assert not company.buddies.exists()


def test_a_developer_cannot_add_to_another_developers_company(personas, signed_in):
    company = foreign_company(personas)
    response = signed_in(personas.developer).post(
        _url("financials", company), {"year": 2020, "ebitda": "1"}
    )
    assert response.status_code == 404
    assert not CompanyFinancial.objects.exists()


def test_the_company_page_counts_session_hours_and_camps_separately(personas, signed_in):
    from accelerator import services
    from tests.factories.accelerator import CampFactory

    company = own_company(personas, enrolled_cluster=personas.cluster)
    for day in (1, 2):
        services.session_add(
            company=company,
            date=datetime.date(2020, 1, day),
            hours=Decimal("2"),
            topic="Sparring",
            by=personas.developer,
        )
    for _ in range(3):
        services.camp_register_attendance(
            camp=CampFactory(cluster=personas.cluster),
            companies=[company],
            staff=[],
            by=personas.developer,
        )
    page = (
        signed_in(personas.developer)
        .get(reverse("accelerator:company_detail", args=[company.pk]))
        .content.decode()
    )
    assert 'Sparring i alt</dt><dd class="col-sm-7">4,0 timer' in page
    assert 'Camps deltaget i</dt><dd class="col-sm-7">3</dd>' in page


def test_an_implausible_year_is_a_form_error(personas, signed_in):
    company = own_company(personas)
    response = signed_in(personas.developer).post(
        _url("financials", company), {"year": 1850, "ebitda": "1"}
    )
    assert response.status_code == 200
    assert not CompanyFinancial.objects.exists()


def test_a_buddy_trained_later_gets_the_date_and_a_contact_can_be_removed(personas, signed_in):
    company = own_company(personas)
    buddy = company.buddies.create(name="Jens")
    contact = company.contacts.create(name="Tidligere direktør")
    client = signed_in(personas.developer)
    list_page = client.get(_url("buddies", company)).content.decode()
    edit = reverse("accelerator:company_buddies_edit", args=[company.pk, buddy.pk])
    assert edit in list_page

    response = client.post(edit, {"name": "Jens", "trained_on": "2020-02-20"})
    assert response.status_code == 302
    buddy.refresh_from_db()
    assert buddy.trained_on == datetime.date(2020, 2, 20)
    assert AuditEntry.objects.about(buddy).get(action=AuditAction.CHANGE).details == {
        "fields": ["trained_on"],
        "before": {"trained_on": None},
        "after": {"trained_on": "2020-02-20"},
    }

    delete = reverse("accelerator:company_contacts_edit", args=[company.pk, contact.pk])
    assert "data-confirm=" in client.get(delete).content.decode()
    assert client.post(delete, {"delete": "1"}).status_code == 302
    assert not company.contacts.exists()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, object_id=str(contact.pk)).exists()


def test_commitments_can_be_corrected_but_not_deleted(personas, signed_in):
    company = own_company(personas)
    commitment = JobCommitmentFactory(company=company)
    client = signed_in(personas.developer)
    url = reverse("accelerator:company_commitments_edit", args=[company.pk, commitment.pk])
    assert 'name="delete"' not in client.get(url).content.decode()
    assert client.post(url, {"delete": "1"}).status_code == 404
    assert JobCommitment.objects.filter(pk=commitment.pk).exists()


def test_a_row_of_another_company_is_not_found_through_mine(personas, signed_in):
    mine = own_company(personas)
    theirs = foreign_company(personas).buddies.create(name="Fremmed")
    response = signed_in(personas.developer).get(
        reverse("accelerator:company_buddies_edit", args=[mine.pk, theirs.pk])
    )
    assert response.status_code == 404


def test_the_company_page_takes_the_same_queries_for_few_and_many_rows(personas, signed_in):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories.accelerator import CompanyFinancialFactory

    company = own_company(personas)
    client = signed_in(personas.developer)
    url = reverse("accelerator:company_detail", args=[company.pk])

    def add_rows(years):
        for year in years:
            CompanyFinancialFactory(company=company, year=year)
            JobCommitmentFactory(company=company, due_on=datetime.date(year, 12, 31))
            company.buddies.create(name=f"Buddy {year}")

    add_rows([2019])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_rows(range(2020, 2027))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)
