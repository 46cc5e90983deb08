"""Every page that shows a citizen's name, CPR number or contact data writes one log row; a
list names the citizens shown by id, never by name or CPR number."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from participants.models import VisitationStatus
from siv.models import AuditAction, AuditEntry
from tests.factories.participants import ExitFormFactory, VisitationFactory

from .helpers import citizen_in

LIST = reverse("participants:citizen_list")


def only_row():
    (entry,) = AuditEntry.objects.all()
    return entry


def start_page_shows(client, *citizens):
    """The start page names the citizens, and its panels' log rows (one per panel that
    names citizens) name them by id only, together exactly these."""
    html = client.get(reverse("home")).content.decode()
    for citizen in citizens:
        assert citizen.first_name in html
    entries = list(AuditEntry.objects.all())
    assert entries
    ids = set()
    for entry in entries:
        assert (entry.action, entry.purpose) == (AuditAction.VIEW, "startside")
        assert_no_personal_data(entry, *citizens)
        ids |= set(entry.details["ids"])
    assert ids == {str(c.pk) for c in citizens}


def assert_no_personal_data(entry, *citizens):
    text = f"{entry.object_label} {entry.purpose} {entry.details}"
    for citizen in citizens:
        assert citizen.first_name not in text
        assert citizen.last_name not in text
        assert citizen.cpr_masked[:6] not in text


def shown_by(client, url, *citizens, **params):
    """Open the page, check that it names the citizens, and return its one log row, after
    checking that it names them by id only."""
    html = client.get(url, params).content.decode()
    for citizen in citizens:
        assert citizen.first_name in html
    entry = only_row()
    assert entry.action == AuditAction.VIEW
    assert sorted(entry.details["ids"]) == sorted(str(c.pk) for c in citizens)
    assert_no_personal_data(entry, *citizens)
    return entry


def inserts(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]


@pytest.mark.django_db
class TestListsShown:
    def test_the_citizen_list_without_criteria_logs_the_citizens_shown(self, client, personas):
        first = citizen_in(personas.own, personas.cluster, first_name="Quirina", cpr="150685-1234")
        second = citizen_in(personas.own, personas.cluster, first_name="Xaver")
        citizen_in(personas.foreign, personas.cluster, first_name="Fremmed")
        client.force_login(personas.caseworker)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        entry = only_row()
        assert entry.action == AuditAction.VIEW
        assert entry.actor == personas.caseworker
        assert entry.details["model"] == "participants.citizen"
        assert sorted(entry.details["ids"]) == sorted([str(first.pk), str(second.pk)])
        assert_no_personal_data(entry, first, second)
        assert len(inserts(queries)) == 1

    def test_a_search_writes_one_row_with_the_citizens_it_shows(self, client, personas):
        found = citizen_in(personas.own, personas.cluster, first_name="Mette", last_name="Qvist")
        citizen_in(personas.own, personas.cluster, first_name="Ole", last_name="Zbyszko")
        client.force_login(personas.caseworker)
        client.get(LIST, {"q": "Qvist", "status": "active"}, follow=True)
        entry = only_row()
        assert entry.action == AuditAction.SEARCH
        assert entry.details["ids"] == [str(found.pk)]
        # A choice stays as chosen; the typed text does not.
        assert entry.details["criteria"]["status"] == "active"
        assert entry.details["criteria"]["q"]["kind"] == "text"

    def test_roles_that_see_only_pseudonyms_leave_no_row(self, client, personas):
        citizen_in(personas.own, personas.cluster)
        client.force_login(personas.controller)
        assert client.get(LIST).status_code == 200
        assert not AuditEntry.objects.exists()

    def test_the_visitation_list_logs_its_citizens(self, client, personas):
        waiting = citizen_in(personas.own, personas.cluster, first_name="Venter")
        VisitationFactory(
            citizen=waiting,
            status=VisitationStatus.PROPOSED,
            proposed_on=timezone.localdate() - timedelta(days=3),
        )
        client.force_login(personas.actor)
        shown_by(client, reverse("participants:visitation_list"), waiting)

    def test_the_revisitation_overview_logs_the_citizens_who_left(self, client, personas):
        left = citizen_in(personas.own, personas.cluster, first_name="Tidlig")
        ExitFormFactory(
            citizen=left, exit_date=timezone.localdate() - timedelta(days=40), early=True
        )
        client.force_login(personas.caseworker)
        shown_by(client, reverse("participants:revisitation_overview"), left)

    def test_the_weekly_hours_grid_logs_its_citizens(self, client, personas):
        mine = citizen_in(personas.own, personas.cluster, first_name="Mette")
        client.force_login(personas.actor)
        shown_by(client, reverse("participants:hours_week"), mine, uge="2024-W10")

    def test_the_actors_start_page_logs_the_citizens_its_panels_name(self, client, personas):
        # Not screened and without last week's hours: named by two panels, a row each.
        missing = citizen_in(personas.own, personas.cluster, first_name="Karoline")
        client.force_login(personas.actor)
        start_page_shows(client, missing)

    def test_the_caseworkers_start_page_logs_the_citizens_its_panels_name(self, client, personas):
        today = timezone.localdate()
        late = citizen_in(personas.own, personas.cluster, first_name="Sen")
        VisitationFactory(
            citizen=late, status=VisitationStatus.PROPOSED, proposed_on=today - timedelta(days=35)
        )
        old = citizen_in(personas.own, personas.cluster, first_name="Gammel")
        ExitFormFactory(citizen=old, exit_date=today - timedelta(days=200))
        client.force_login(personas.caseworker)
        start_page_shows(client, late, old)

    def test_an_empty_list_writes_no_row(self, client, personas):
        client.force_login(personas.caseworker)
        assert client.get(LIST).status_code == 200
        assert not AuditEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "role"),
    [
        ("participants:citizen_edit", "caseworker"),  # name and contact data
        ("participants:note_add", "actor"),  # a track form naming the citizen
        ("participants:placement_add", "actor"),
    ],
)
def test_a_form_showing_a_citizen_logs_a_view_of_them(client, personas, url_name, role):
    citizen = citizen_in(personas.own, personas.cluster)
    client.force_login(getattr(personas, role))
    assert client.get(reverse(url_name, args=[citizen.pk])).status_code == 200
    entry = only_row()
    assert (entry.action, entry.object_id) == (AuditAction.VIEW, str(citizen.pk))
