"""The handover and bulk actions' screens: form → preview (who, by name or pseudonym, in a
constant number of queries, logged) → confirmation, refused when the set has changed."""

from datetime import date, datetime
from decimal import Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from participants.models import Citizen, HoursEntry, HoursKind, Pause
from participants.track.services import citizen_update
from siv.models import AuditAction, AuditEntry
from siv.roles import Role
from tests.factories.participants import ExitFormFactory, HoursEntryFactory
from tests.factories.partnerships import UserFactory

from .helpers import citizen_in

pytestmark = pytest.mark.django_db

HANDOVER = reverse("participants:bulk_handover")
PAUSE = reverse("participants:bulk_pause")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(
        datetime(2024, 10, 1, 10, tzinfo=ZoneInfo("Europe/Copenhagen")), tick=False
    ):
        yield


@pytest.fixture
def colleague(personas):
    return UserFactory(
        username="koege-kollega",
        first_name="Mads",
        last_name="Kollega",
        role=Role.CASEWORKER,
        organisation=personas.own.jobcentre,
        municipality=personas.own.municipality,
    )


def preview_url(base, **chosen):
    return f"{base}?{urlencode(chosen)}"


def test_a_caseworker_previews_and_confirms_a_handover(client, personas, colleague):
    me = personas.caseworker
    mine = citizen_in(personas.own, personas.cluster, caseworker=me, first_name="Ulla")
    client.force_login(me)

    form = client.get(HANDOVER)
    assert form.status_code == 200
    offered = [str(c) for c in form.context["form"].fields["to_caseworker"].queryset]
    assert offered == [str(colleague)]

    chosen = {"from_caseworker": me.pk, "to_caseworker": colleague.pk}
    sent = client.post(HANDOVER, chosen)
    assert sent.status_code == 302 and sent["Location"] == preview_url(HANDOVER, **chosen)

    preview = client.get(sent["Location"])
    html = preview.content.decode()
    assert "1 deltager får Mads Kollega som sagsbehandler" in html
    assert mine.full_name in html
    assert "Bekræft" in html
    logged = AuditEntry.objects.filter(action=AuditAction.VIEW).latest("pk")
    assert logged.details["ids"] == [str(mine.pk)]

    done = client.post(HANDOVER, {**chosen, "token": preview.context["plan"].token}, follow=True)
    assert "1 deltager er overdraget." in done.content.decode()
    mine.refresh_from_db()
    assert mine.caseworker == colleague


def test_a_citizen_changed_after_the_preview_stops_the_confirmation(client, personas, colleague):
    me = personas.caseworker
    citizen = citizen_in(personas.own, personas.cluster, caseworker=me)
    client.force_login(me)
    chosen = {"from_caseworker": me.pk, "to_caseworker": colleague.pk}
    token = client.get(preview_url(HANDOVER, **chosen)).context["plan"].token
    citizen_update(citizen=citizen, by=personas.actor, phone="22334455")

    answer = client.post(HANDOVER, {**chosen, "token": token}, follow=True)
    assert "ændret siden forhåndsvisningen" in answer.content.decode()
    citizen.refresh_from_db()
    assert citizen.caseworker == me


def test_a_colleague_in_another_jobcentre_is_not_offered(client, personas):
    me = personas.caseworker
    client.force_login(me)
    elsewhere = personas.foreign[Role.CASEWORKER]
    answer = client.get(preview_url(HANDOVER, from_caseworker=me.pk, to_caseworker=elsewhere.pk))
    assert answer.context["form"].errors["to_caseworker"]
    assert "Bekræft" not in answer.content.decode()


def test_the_controller_sees_pseudonyms_in_the_pause_preview(client, personas):
    citizen = citizen_in(personas.own, personas.cluster, first_name="Hemmelig")
    client.force_login(personas.controller)
    chosen = {
        "municipality": personas.own.municipality.pk,
        "start": "2024-03-11",
        "end": "2024-04-14",
        "reason": "lockdown",
    }
    html = client.get(preview_url(PAUSE, **chosen)).content.decode()
    assert citizen.pseudonym in html and "Hemmelig" not in html
    assert "1 aktiv deltager i Køge sættes på pause fra 11.03.2024 til 14.04.2024" in html


def test_the_pause_preview_lists_who_is_refused_and_offers_no_confirmation(client, personas):
    fine = citizen_in(personas.own, personas.cluster, first_name="Rask")
    leaving = citizen_in(personas.own, personas.cluster, first_name="Rejst")
    ExitFormFactory(citizen=leaving, exit_date=date(2024, 3, 25))
    client.force_login(personas.lead)
    chosen = {
        "municipality": personas.own.municipality.pk,
        "start": "2024-03-11",
        "end": "2024-04-14",
        "reason": "lockdown",
    }
    answer = client.get(preview_url(PAUSE, **chosen))
    html = answer.content.decode()
    assert "1 deltager kan ikke tages med" in html
    assert "Slutdatoen skal ligge senest på ophørsdagen (25.03.2024)." in html
    assert "Bekræft" not in html
    only = client.get(preview_url(PAUSE, **chosen, afviste=1)).content.decode()
    assert leaving.full_name in only and fine.full_name not in only
    # A confirmation sent anyway changes nothing.
    client.post(PAUSE, {**chosen, "token": answer.context["plan"].token})
    assert not Pause.objects.exists()


def test_a_reversed_period_is_a_form_error(client, personas):
    client.force_login(personas.lead)
    answer = client.get(
        preview_url(
            PAUSE,
            municipality=personas.own.municipality.pk,
            start="2024-04-14",
            end="2024-03-11",
            reason="lockdown",
        )
    )
    assert "Slutdatoen ligger før startdatoen." in answer.content.decode()


def _queries(client, url, django_assert_max_num_queries, most=40) -> int:
    with django_assert_max_num_queries(most) as counted:
        assert client.get(url).status_code == 200
    return len(counted.captured_queries)


def test_the_handover_preview_takes_the_same_queries_for_2_or_30_citizens(
    client, personas, colleague, django_assert_max_num_queries
):
    me = personas.caseworker
    for _ in range(2):
        citizen_in(personas.own, personas.cluster, caseworker=me)
    client.force_login(me)
    url = preview_url(HANDOVER, from_caseworker=me.pk, to_caseworker=colleague.pk)
    few = _queries(client, url, django_assert_max_num_queries)
    for _ in range(28):
        citizen_in(personas.own, personas.cluster, caseworker=me)
    assert _queries(client, url, django_assert_max_num_queries, few) <= few


def test_the_pause_preview_takes_the_same_queries_for_2_or_30_citizens(
    client, personas, django_assert_max_num_queries
):
    for _ in range(2):
        citizen_in(personas.own, personas.cluster)
    client.force_login(personas.lead)
    url = preview_url(
        PAUSE,
        municipality=personas.own.municipality.pk,
        start="2024-03-11",
        end="2024-04-14",
        reason="lockdown",
    )
    few = _queries(client, url, django_assert_max_num_queries)
    for n in range(28):
        citizen = citizen_in(personas.own, personas.cluster)
        if n % 3 == 0:
            ExitFormFactory(citizen=citizen, exit_date=date(2024, 3, 25))
    assert _queries(client, url, django_assert_max_num_queries, few) <= few


def test_the_controller_recategorises_hours_from_the_citizens_page(client, personas):
    citizen = citizen_in(personas.own, personas.cluster)
    HoursEntryFactory(
        citizen=citizen, week_start=date(2024, 3, 4), kind=HoursKind.PRACTICE, hours=Decimal(9)
    )
    client.force_login(personas.controller)
    page = reverse("participants:citizen_detail", args=[citizen.pk])
    url = reverse("participants:hours_recategorise", args=[citizen.pk])
    assert url in client.get(page).content.decode()
    chosen = {
        "from_kind": "practice",
        "to_kind": "paid",
        "start": "2024-03-04",
        "end": "2024-03-10",
    }
    preview = client.get(preview_url(url, **chosen))
    html = preview.content.decode()
    assert "2024-W10" in html and "Bekræft" in html
    done = client.post(url, {**chosen, "token": preview.context["plan"].token}, follow=True)
    assert "Timerne i 1 uge er omkategoriseret." in done.content.decode()
    assert HoursEntry.objects.get(citizen=citizen).kind == HoursKind.PAID


def test_a_foreign_citizen_is_not_found_for_recategorisation(client, personas):
    citizen = citizen_in(personas.foreign, personas.cluster)
    # Only the controller holds the permission, and sees every citizen; a citizen that does
    # not exist is not found.
    client.force_login(personas.controller)
    missing = Citizen.objects.order_by("-pk").first().pk + 1
    url = reverse("participants:hours_recategorise", args=[missing])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("participants:hours_recategorise", args=[citizen.pk])).status_code == 200
    )
