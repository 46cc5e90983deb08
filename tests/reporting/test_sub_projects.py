"""The controller's screen of the regional sub-projects: the list, and an edit form that
keeps someone else's change made meanwhile."""

import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships.models import Region
from reporting.models import SubProject
from siv.models import AuditAction, AuditEntry
from tests.factories.partnerships import OrganisationFactory
from tests.factories.reporting import SubProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sjaelland(personas):
    sub_project = SubProjectFactory(
        name="Social inklusion i Region Sjælland", journal_number="SFNPO-18-0044"
    )
    sub_project.partners.set([personas.own.jobcentre, personas.own.actor_org])
    return sub_project


def _edit_data(form) -> dict:
    """What the edit form posts as it was opened."""
    data = {}
    for field in form:
        value = field.value()
        if isinstance(value, list):
            data[field.name] = [str(v) for v in value]
        elif value is None:
            data[field.name] = ""
        elif hasattr(value, "isoformat"):
            data[field.name] = value.isoformat()
        else:
            data[field.name] = str(value)
    return data


def _opened(client, sub_project) -> dict:
    response = client.get(reverse("reporting:sub_project_edit", args=[sub_project.pk]))
    page = response.content.decode()
    assert 'type="hidden" name="version"' in page and 'type="hidden" name="shown"' in page
    return _edit_data(response.context["form"])


def test_the_list_shows_each_sub_project_with_its_partners(signed_in, personas, sjaelland):
    page = signed_in(personas.controller).get(reverse("reporting:sub_project_list")).content
    page = page.decode()
    assert "Social inklusion i Region Sjælland" in page
    assert "SFNPO-18-0044" in page
    assert "01.01.2018 – 30.09.2022" in page
    assert "Jobcenter Køge, Stevns Beskæftigelse" in page
    assert f"{reverse('reporting:report_texts_progress')}?delprojekt={sjaelland.pk}" in page


def test_the_list_reads_a_constant_number_of_queries(signed_in, personas, sjaelland):
    client = signed_in(personas.controller)
    url = reverse("reporting:sub_project_list")
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for name in ("Region Hovedstaden", "Region Midtjylland", "Region Syddanmark"):
        other = SubProjectFactory(region=Region.objects.get(name=name))
        other.partners.set([OrganisationFactory(), OrganisationFactory()])
    with CaptureQueriesContext(connection) as second:
        page = client.get(url).content.decode()
    assert page.count("SFNPO-18-") == 4
    assert len(second.captured_queries) == len(first.captured_queries)


def test_the_controller_changes_the_journal_number_period_and_partners(
    signed_in, personas, sjaelland
):
    client = signed_in(personas.controller)
    data = _opened(client, sjaelland)
    data.update(
        journal_number="SFNPO-18-0045",
        project_end="2022-12-31",
        partners=[str(personas.own.jobcentre.pk), str(personas.foreign.jobcentre.pk)],
    )
    response = client.post(reverse("reporting:sub_project_edit", args=[sjaelland.pk]), data)
    assert response.status_code == 302
    sjaelland.refresh_from_db()
    assert sjaelland.journal_number == "SFNPO-18-0045"
    assert sjaelland.project_end == date(2022, 12, 31)
    assert set(sjaelland.partners.all()) == {personas.own.jobcentre, personas.foreign.jobcentre}
    assert sjaelland.version == 2
    entry = AuditEntry.objects.get(action=AuditAction.CHANGE, object_id=str(sjaelland.pk))
    assert set(entry.details["fields"]) == {"journal_number", "partners", "project_end"}
    assert "Delprojektet er gemt." in client.get(response.url).content.decode()


def test_a_change_made_meanwhile_is_a_danish_conflict_and_nothing_is_lost(
    signed_in, personas, sjaelland
):
    client = signed_in(personas.controller)
    url = reverse("reporting:sub_project_edit", args=[sjaelland.pk])
    mine = _opened(client, sjaelland)
    theirs = _opened(client, sjaelland)
    theirs["journal_number"] = "SFNPO-18-0046"
    assert client.post(url, theirs).status_code == 302

    mine["journal_number"] = "SFNPO-18-0047"
    response = client.post(url, mine)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Posten er ændret af en anden, siden du åbnede den." in body
    assert "SFNPO-18-0046" in body and "SFNPO-18-0047" in body
    assert SubProject.objects.get().journal_number == "SFNPO-18-0046"

    # Saved again from the form as shown, the user's value wins knowingly.
    again = _edit_data(response.context["form"])
    assert client.post(url, again).status_code == 302
    assert SubProject.objects.get().journal_number == "SFNPO-18-0047"


def test_a_change_to_another_field_meanwhile_is_kept_beside_the_users(
    signed_in, personas, sjaelland
):
    client = signed_in(personas.controller)
    url = reverse("reporting:sub_project_edit", args=[sjaelland.pk])
    mine = _opened(client, sjaelland)
    theirs = _opened(client, sjaelland)
    theirs["name"] = "Delprojekt Sjælland"
    client.post(url, theirs)
    mine["journal_number"] = "SFNPO-18-0047"
    assert client.post(url, mine).status_code == 302
    stored = SubProject.objects.get()
    assert (stored.name, stored.journal_number) == ("Delprojekt Sjælland", "SFNPO-18-0047")


def test_a_period_ending_before_it_starts_is_a_danish_form_error(signed_in, personas, sjaelland):
    client = signed_in(personas.controller)
    data = _opened(client, sjaelland)
    data["project_end"] = "2017-12-31"
    response = client.post(reverse("reporting:sub_project_edit", args=[sjaelland.pk]), data)
    assert response.status_code == 200
    assert "Projektperioden skal starte før den slutter." in response.content.decode()
    assert SubProject.objects.get().project_end == date(2022, 9, 30)


def test_an_unreadable_form_is_a_danish_error_not_a_500(signed_in, personas, sjaelland):
    client = signed_in(personas.controller)
    data = _opened(client, sjaelland)
    data["shown"] = json.dumps([1])
    response = client.post(reverse("reporting:sub_project_edit", args=[sjaelland.pk]), data)
    assert response.status_code == 200
    assert "Formularen kunne ikke læses." in response.content.decode()
