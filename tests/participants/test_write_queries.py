"""The citizen edit, the visitation proposal and the re-visitation overview ask the database
as many times with a few records as with many: no query per citizen, exit, choice or slot."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships.models import Municipality, OrganisationKind, Role
from tests.factories.participants import ExitFormFactory
from tests.factories.partnerships import (
    ClusterMembershipFactory,
    GrowthPartnershipFactory,
    OrganisationFactory,
    UserFactory,
)

from .helpers import citizen_in, freeze_today
from .test_views_edit import form_data
from .test_views_visitation import PROPOSE, proposal_data

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 16)
OVERVIEW = reverse("participants:revisitation_overview")


def more_of_everything(personas, n: int = 6) -> None:
    """More citizens with early exits (open places), actors, partnerships, caseworkers and
    municipalities with slots: what the forms' choices and the overview's cards read."""
    for i in range(n):
        citizen = citizen_in(personas.own, personas.cluster)
        ExitFormFactory(citizen=citizen, exit_date=date(2026, 10, 1 + i), early=True)
        OrganisationFactory(kind=OrganisationKind.EMPLOYMENT_ACTOR, name=f"Aktør {i}")
        GrowthPartnershipFactory(
            municipality=personas.own.municipality, cluster=personas.cluster, name=f"VP {i}"
        )
        UserFactory(
            username=f"sagsbehandler-{i}",
            role=Role.CASEWORKER,
            municipality=personas.own.municipality,
        )
    for name in Municipality.objects.order_by("name").values_list("name", flat=True)[:n]:
        ClusterMembershipFactory(
            cluster=personas.cluster, municipality=Municipality.objects.get(name=name)
        )


def _counted(send, status: int = 302) -> list[str]:
    """The queries of a request that answered `status` (a save: its redirect)."""
    with CaptureQueriesContext(connection) as queries:
        response = send()
    assert response.status_code == status, response.content.decode()[-3000:]
    return [q["sql"] for q in queries.captured_queries]


def test_a_citizen_edit_asks_as_often_with_many_records(client, personas, monkeypatch):
    freeze_today(monkeypatch, TODAY)
    citizen = citizen_in(personas.own, personas.cluster)
    url = reverse("participants:citizen_edit", args=[citizen.pk])
    client.force_login(personas.caseworker)
    client.get(url)
    few = _counted(lambda: client.post(url, form_data(citizen, phone="20 30 40 50")))
    more_of_everything(personas)
    citizen.refresh_from_db()
    many = _counted(lambda: client.post(url, form_data(citizen, phone="20 30 40 51")))
    assert len(many) == len(few), many
    citizen.refresh_from_db()
    assert citizen.phone == "20 30 40 51"


def test_a_visitation_proposal_asks_as_often_with_many_records(client, personas, monkeypatch):
    freeze_today(monkeypatch, TODAY)
    client.force_login(personas.caseworker)
    # The first save looks up the content types its log rows name (then kept).
    client.post(PROPOSE, proposal_data(personas, cpr="030390-1234"))
    few = _counted(lambda: client.post(PROPOSE, proposal_data(personas, cpr="010190-1234")))
    more_of_everything(personas)
    many = _counted(lambda: client.post(PROPOSE, proposal_data(personas, cpr="020290-1234")))
    assert len(many) == len(few), many


def test_the_overview_asks_as_often_with_many_slots_and_exits(client, personas, monkeypatch):
    freeze_today(monkeypatch, TODAY)
    citizen = citizen_in(personas.own, personas.cluster)
    ExitFormFactory(citizen=citizen, exit_date=date(2026, 9, 1), early=True)
    client.force_login(personas.controller)
    client.get(OVERVIEW)
    few = _counted(lambda: client.get(OVERVIEW), 200)
    more_of_everything(personas, n=8)
    many = _counted(lambda: client.get(OVERVIEW), 200)
    assert len(many) == len(few), many
    html = client.get(OVERVIEW).content.decode()
    # A phone keeps each exit on one line: the pseudonym is not broken at its hyphen.
    assert f'<td class="text-nowrap"><a href="/deltagere/{citizen.pk}/">' in html
    assert '<td class="revisitation-proposals">' in html


def test_the_overview_reads_only_what_the_user_sees_of_each_citizen(client, personas, monkeypatch):
    freeze_today(monkeypatch, TODAY)
    citizen = citizen_in(personas.own, personas.cluster)
    ExitFormFactory(citizen=citizen, exit_date=date(2026, 9, 1), early=True)
    client.force_login(personas.controller)
    response = client.get(OVERVIEW)
    (shown,) = [e.citizen for row in response.context["rows"] for e in row.waiting_exits]
    # The pseudonym alone: the encrypted name and the birth date are not read.
    assert {"first_name", "last_name", "birth_date"} <= shown.get_deferred_fields()
    assert citizen.pseudonym in response.content.decode()
    client.force_login(personas.caseworker)
    response = client.get(OVERVIEW)
    html = response.content.decode()
    assert citizen.full_name in html
    assert citizen.cpr_masked in html
