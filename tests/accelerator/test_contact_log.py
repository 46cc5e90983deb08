"""The company's contact log: the jobcentre, the actors and the fund's developers note their
contacts with a company, newest first; the history stays, encrypted where it may name people."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accelerator import services
from accelerator.models import ContactChannel, ContactLogEntry
from siv.models import AuditAction, AuditEntry

from .conftest import foreign_company, own_company

pytestmark = pytest.mark.usefixtures("today")


def _log(company):
    return reverse("accelerator:company_log", args=[company.pk])


def _add(company, by, **fields):
    values = {
        "date": datetime.date(2021, 3, 10),
        "channel": ContactChannel.PHONE,
        "subject": "Opfølgning på praktik",
    }
    values.update(fields)
    return services.contact_log_add(company=company, by=by, **values)


@pytest.mark.parametrize("role", ["caseworker", "actor", "developer"])
def test_the_roles_that_keep_the_log_register_a_contact(personas, signed_in, role):
    company = own_company(personas)
    user = getattr(personas, role)
    client = signed_in(user)
    response = client.post(
        _log(company),
        {
            "date": "2021-03-12",
            "channel": "visit",
            "subject": "Besøg om nye praktikpladser",
            "summary": "Talte med indehaveren om to pladser i køkkenet.",
            "follow_up_on": "2021-04-01",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Kontakten er registreret." in page
    assert "Besøg om nye praktikpladser" in page
    assert "Talte med indehaveren om to pladser i køkkenet." in page
    assert "12.03.2021 · Besøg" in page
    assert "opfølgning 01.04.2021" in page
    entry = ContactLogEntry.objects.get(company=company)
    assert (entry.author, entry.organisation_id) == (user, user.organisation_id)
    created = AuditEntry.objects.about(entry).get(action=AuditAction.CREATE)
    # Free text is logged by name only, never its words.
    assert "Besøg om nye praktikpladser" not in str(created.details)


def test_a_contact_dated_ahead_is_refused_in_danish(personas, signed_in):
    company = own_company(personas)
    client = signed_in(personas.actor)
    response = client.post(
        _log(company), {"date": "2021-03-16", "channel": "phone", "subject": "Aftale"}
    )
    assert response.status_code == 200
    assert "En kontakt kan ikke registreres på en dato, der ikke er kommet endnu." in (
        response.content.decode()
    )
    assert not ContactLogEntry.objects.exists()


def test_a_follow_up_before_the_contact_is_refused(personas):
    with pytest.raises(ValidationError, match="Opfølgningen kan ikke ligge før kontakten."):
        _add(own_company(personas), personas.caseworker, follow_up_on=datetime.date(2021, 3, 1))


def test_the_log_lists_newest_first_and_pages(personas, signed_in):
    company = own_company(personas)
    for day in range(1, 28):
        _add(company, personas.developer, date=datetime.date(2021, 2, day), subject=f"Emne {day}")
    client = signed_in(personas.caseworker)
    first = client.get(_log(company)).content.decode()
    assert first.index("Emne 27") < first.index("Emne 26")
    assert "Emne 2<" not in first  # the 26th and 27th newest are on page two
    second = client.get(_log(company), {"side": 2}).content.decode()
    assert "Emne 2<" in second and "Emne 1<" in second


def test_showing_the_log_is_audited_by_id(personas, signed_in):
    company = own_company(personas)
    entry = _add(company, personas.actor, subject="Møde med Hanne Hansen")
    signed_in(personas.lead).get(_log(company))
    viewed = AuditEntry.objects.filter(action=AuditAction.VIEW, actor=personas.lead).get()
    assert str(entry.pk) in str(viewed.details)
    assert "Hanne" not in str(viewed.details)


def test_the_subject_and_summary_are_encrypted_at_rest(personas):
    entry = _add(own_company(personas), personas.actor, summary="Hanne Hansen ringede")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT subject, summary FROM accelerator_contactlogentry WHERE id = %s", [entry.pk]
        )
        subject, summary = cursor.fetchone()
    assert "praktik" not in subject and "Hanne" not in summary


def test_a_reader_without_the_right_to_write_gets_no_form(personas, signed_in):
    company = own_company(personas)
    client = signed_in(personas.controller)
    assert "Registrer kontakt" not in client.get(_log(company)).content.decode()
    response = client.post(_log(company), {"date": "2021-03-10", "channel": "mail", "subject": "X"})
    assert response.status_code == 404
    assert not ContactLogEntry.objects.exists()


def test_the_company_contact_does_not_see_the_log(personas, signed_in):
    company = own_company(personas)
    _add(company, personas.actor)
    client = signed_in(personas.contact)
    assert client.get(_log(company)).status_code == 404
    page = client.get(reverse("accelerator:company_detail", args=[company.pk])).content.decode()
    assert "Kontaktlog" not in page


def test_another_municipalitys_company_log_is_not_found(personas, signed_in):
    company = foreign_company(personas)
    client = signed_in(personas.caseworker)
    assert client.get(_log(company)).status_code == 404
    response = client.post(_log(company), {"date": "2021-03-10", "channel": "mail", "subject": "X"})
    assert response.status_code == 404
    assert not ContactLogEntry.objects.exists()


def test_the_log_takes_constant_queries(personas, signed_in):
    company = own_company(personas)
    client = signed_in(personas.actor)
    _add(company, personas.developer)
    with CaptureQueriesContext(connection) as few:
        client.get(_log(company))
    for day in range(1, 20):
        _add(
            company,
            [personas.caseworker, personas.actor][day % 2],
            date=datetime.date(2021, 1, day),
        )
    with CaptureQueriesContext(connection) as many:
        client.get(_log(company))
    assert len(few) == len(many)
