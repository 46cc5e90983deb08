"""Job openings: a company's concrete jobs, kept on its page and listed for the actors and the
jobcentre to match citizens against, filtered within what the user sees."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accelerator import services
from accelerator.models import JobOpening, OpeningStatus
from siv.models import AuditAction, AuditEntry
from tests.factories.accelerator import JobOpeningFactory
from tests.opened import opened

from .conftest import foreign_company, own_company

pytestmark = pytest.mark.usefixtures("today")

LIST = reverse("accelerator:opening_list")


def _openings(company):
    return reverse("accelerator:company_openings", args=[company.pk])


def test_the_developer_adds_an_opening_shown_on_the_company_page(personas, signed_in):
    company = own_company(personas)
    client = signed_in(personas.developer)
    response = client.post(
        _openings(company),
        {
            "title": "Opvasker",
            "positions": "2",
            "hours_per_week": "12,5",
            "kind": "loentilskud",
            "starts_on": "2021-05-01",
            "status": "open",
        },
    )
    assert response.status_code == 302
    opening = JobOpening.objects.get(company=company)
    assert opening.hours_per_week == Decimal("12.5")
    assert AuditEntry.objects.about(opening).filter(action=AuditAction.CREATE).exists()
    page = client.get(reverse("accelerator:company_detail", args=[company.pk])).content.decode()
    assert "Opvasker" in page and "Løntilskud" in page and "01.05.2021" in page


def test_a_dropped_out_company_gets_no_new_opening(personas):
    company = own_company(personas, status="dropped_out", dropped_out_on=datetime.date(2021, 1, 1))
    with pytest.raises(ValidationError, match="En frafaldet virksomhed kan ikke få nye"):
        services.opening_add(
            company=company,
            by=personas.developer,
            title="Opvasker",
            positions=1,
            hours_per_week=Decimal(10),
            kind="praktik",
            starts_on=datetime.date(2021, 4, 1),
        )


def test_an_edit_over_someone_elses_change_is_a_conflict(personas, signed_in):
    opening = JobOpeningFactory(company=own_company(personas), title="Opvasker")
    url = reverse("accelerator:company_openings_edit", args=[opening.company_id, opening.pk])
    client = signed_in(personas.developer)
    hidden = opened(client.get(url))
    services.opening_update(opening=opening, by=personas.controller, status=OpeningStatus.FILLED)
    response = client.post(
        url,
        {
            **hidden,
            "title": "Opvasker",
            "positions": "1",
            "hours_per_week": "20,0",
            "kind": "praktik",
            "starts_on": "2021-04-01",
            "status": "closed",
        },
    )
    assert response.status_code == 200
    opening.refresh_from_db()
    assert opening.status == OpeningStatus.FILLED
    assert "Besat" in response.content.decode()


def test_the_list_shows_only_openings_in_the_users_scope(personas, signed_in):
    JobOpeningFactory(company=own_company(personas), title="Opvasker i Køge")
    JobOpeningFactory(company=foreign_company(personas), title="Tjener i Næstved")
    page = signed_in(personas.actor).get(LIST).content.decode()
    assert "Opvasker i Køge" in page
    assert "Tjener i Næstved" not in page
    # The municipality filter offers only the municipalities of the rows the user sees.
    assert "Alle kommuner" in page and "Køge" in page and "Næstved" not in page


def test_the_filters_narrow_by_kind_hours_and_status(personas, signed_in):
    company = own_company(personas)
    JobOpeningFactory(company=company, title="Kort praktik", hours_per_week=Decimal(8))
    JobOpeningFactory(company=company, title="Fuldtid", hours_per_week=Decimal(37), kind="ordinaer")
    JobOpeningFactory(
        company=company, title="Besat plads", hours_per_week=Decimal(20), status="filled"
    )
    client = signed_in(personas.caseworker)
    page = client.get(LIST).content.decode()
    assert all(label in page for label in ("Alle typer", "Alle timetal", "Alle statusser"))
    short = client.get(LIST, {"hours": "under15"}).content.decode()
    assert "Kort praktik" in short and "Fuldtid" not in short and "Besat plads" not in short
    ordinary = client.get(LIST, {"kind": "ordinaer"}).content.decode()
    assert "Fuldtid" in ordinary and "Kort praktik" not in ordinary
    still_open = client.get(LIST, {"status": "open"}).content.decode()
    assert "Besat plads" not in still_open and "Kort praktik" in still_open


def test_the_company_contact_has_no_list_but_sees_the_own_openings(personas, signed_in):
    company = own_company(personas)
    JobOpeningFactory(company=company, title="Opvasker")
    client = signed_in(personas.contact)
    assert client.get(LIST).status_code == 404
    page = client.get(reverse("accelerator:company_detail", args=[company.pk])).content.decode()
    assert "Opvasker" in page


def test_the_list_takes_constant_queries(personas, signed_in):
    company = own_company(personas)
    client = signed_in(personas.caseworker)
    JobOpeningFactory(company=company)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST, {"kind": "praktik"})
    JobOpeningFactory.create_batch(30, company=company)
    JobOpeningFactory.create_batch(
        5, company=own_company(personas, name="Anden ApS", organisation=None)
    )
    with CaptureQueriesContext(connection) as many:
        client.get(LIST, {"kind": "praktik"})
    assert len(few) == len(many)


def test_the_company_page_takes_constant_queries_whatever_its_openings(personas, signed_in):
    company = own_company(personas)
    client = signed_in(personas.actor)
    url = reverse("accelerator:company_detail", args=[company.pk])
    JobOpeningFactory(company=company)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    JobOpeningFactory.create_batch(12, company=company)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(few) == len(many)
    assert page.count("Køkkenmedhjælper") == 13
