"""The data-quality screen, the start-page panel that brings each finding to the people who
can fix it, and `manage.py check_data`."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from participants.track.rules import Rule
from siv.models import AuditEntry
from siv.roles import Role
from tests.factories.participants import CitizenFactory, ExitFormFactory, HoursEntryFactory
from tests.factories.partnerships import UserFactory

from .helpers import citizen_in

pytestmark = pytest.mark.django_db

URL = reverse("participants:data_quality")
HOME = reverse("home")
TODAY = date(2024, 6, 12)


@pytest.fixture(autouse=True)
def frozen():
    moment = datetime(2024, 6, 12, 12, tzinfo=ZoneInfo("Europe/Copenhagen"))
    with time_machine.travel(moment, tick=False):
        yield


def future_hours(citizen, weeks: int = 1) -> None:
    """Hours for weeks that have not begun (the rule hours_in_future)."""
    for n in range(weeks):
        HoursEntryFactory(citizen=citizen, week_start=date(2024, 6, 17) + timedelta(weeks=n))


def test_the_lead_sees_the_count_per_rule_and_the_findings_of_their_municipality(client, personas):
    own = citizen_in(personas.own, personas.cluster, first_name="Ejnar")
    future_hours(own, 2)
    ExitFormFactory(citizen=own, exit_date=date(2023, 12, 1))  # before phase 1
    foreign = citizen_in(personas.foreign, personas.cluster, first_name="Fremmed")
    future_hours(foreign)
    client.force_login(personas.lead)
    html = client.get(URL).content.decode()
    assert "Datakvalitet" in html
    assert str(Rule.HOURS_IN_FUTURE.label) in html and str(Rule.EXIT_BEFORE_START.label) in html
    assert "Ejnar" in html and "Fremmed" not in html
    assert own.cpr_masked[:6] not in html
    assert reverse("participants:citizen_detail", args=[own.pk]) in html
    assert "17.06.2024" in html and "01.12.2023" in html
    (entry,) = AuditEntry.objects.all()
    assert entry.details["ids"] == [str(own.pk)]
    assert "Ejnar" not in f"{entry.details} {entry.object_label}"


def test_the_list_is_filtered_by_rule_and_an_unknown_rule_shows_every_rule(client, personas):
    own = citizen_in(personas.own, personas.cluster)
    future_hours(own)
    ExitFormFactory(citizen=own, exit_date=date(2023, 12, 1))
    client.force_login(personas.controller)
    only = client.get(URL, {"regel": Rule.EXIT_BEFORE_START}).context["shown"]
    assert [f.rule for f, _label in only] == [Rule.EXIT_BEFORE_START]
    every = client.get(URL, {"regel": "nonsense", "side": "x"}).context["shown"]
    # The hours after that exit are outside the track as well.
    assert {f.rule for f, _label in every} == {
        Rule.EXIT_BEFORE_START,
        Rule.HOURS_IN_FUTURE,
        Rule.HOURS_OUTSIDE_TRACK,
    }


def test_the_controller_sees_pseudonyms_and_no_audit_row(client, personas):
    own = citizen_in(personas.own, personas.cluster, first_name="Ejnar")
    future_hours(own)
    client.force_login(personas.controller)
    html = client.get(URL).content.decode()
    assert own.pseudonym in html and "Ejnar" not in html
    assert not AuditEntry.objects.exists()


def test_no_findings_is_said_so(client, personas):
    citizen_in(personas.own, personas.cluster)
    client.force_login(personas.lead)
    html = client.get(URL).content.decode()
    assert "Ingen fund – alle registreringer overholder reglerne." in html


def test_the_screen_makes_as_many_queries_for_many_findings_as_for_few(
    client, personas, django_assert_max_num_queries
):
    future_hours(citizen_in(personas.own, personas.cluster))
    client.force_login(personas.lead)
    with django_assert_max_num_queries(20) as few:
        client.get(URL)
    for _n in range(6):
        person = citizen_in(personas.own, personas.cluster)
        future_hours(person, 3)
        ExitFormFactory(citizen=person, exit_date=date(2023, 12, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert len(response.context["shown"]) == 1 + 6 * (1 + 3 + 3)


def test_the_caseworker_and_the_actor_see_their_citizens_findings_on_the_start_page(
    client, personas
):
    own = citizen_in(personas.own, personas.cluster, first_name="Ejnar")
    future_hours(own)
    colleague = CitizenFactory(
        municipality=personas.own.municipality,
        employment_actor=personas.foreign.actor_org,
        caseworker=UserFactory(role=Role.CASEWORKER, municipality=personas.own.municipality),
        first_name="Kollegas",
        phase1_start=None,
    )
    future_hours(colleague)
    for user in (personas.caseworker, personas.actor):
        client.force_login(user)
        html = client.get(HOME).content.decode()
        assert "Registreringer der bryder reglerne" in html, user.role
        assert "Ejnar" in html and "Kollegas" not in html, user.role
        assert URL in html
    client.force_login(personas.lead)
    assert "Registreringer der bryder reglerne" not in client.get(HOME).content.decode()


def test_the_panel_shows_at_most_ten_findings_and_the_total(client, personas):
    future_hours(citizen_in(personas.own, personas.cluster), 12)
    client.force_login(personas.actor)
    response = client.get(HOME)
    html = response.content.decode()
    assert html.count("Timer for en uge, der ikke er begyndt") == 10
    assert "Viser de første 10." in html


def test_check_data_prints_each_finding_and_exits_with_1(personas):
    own = citizen_in(personas.own, personas.cluster)
    future_hours(own)
    exit_form = ExitFormFactory(citizen=own, exit_date=date(2023, 12, 1))
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("check_data", stdout=out)
    assert raised.value.returncode == 1
    text = out.getvalue()
    assert "hours_in_future: 1" in text and "phase_order: 0" in text
    assert f"exit_before_start {own.pseudonym} exit#{exit_form.pk} date=2023-12-01" in text
    assert own.first_name not in text

    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check_data", "--rule", "exit_before_start", stdout=out)
    assert "hours_in_future" not in out.getvalue()
    assert out.getvalue().startswith("exit_before_start: 1")


def test_check_data_exits_with_0_without_findings(personas):
    citizen_in(personas.own, personas.cluster)
    out = io.StringIO()
    call_command("check_data", stdout=out)
    assert "No findings." in out.getvalue()


def test_the_findings_are_paged_and_counted_once(client, personas):
    future_hours(citizen_in(personas.own, personas.cluster), 60)
    client.force_login(personas.controller)
    first = client.get(URL)
    assert len(first.context["shown"]) == 50
    assert "60 rækker" in first.content.decode()
    second = client.get(URL, {"side": 2, "regel": Rule.HOURS_IN_FUTURE})
    assert len(second.context["shown"]) == 10
    assert {f.day for f, _label in first.context["shown"] + second.context["shown"]} == {
        date(2024, 6, 17) + timedelta(weeks=n) for n in range(60)
    }


def test_the_menu_offers_the_screen_to_the_roles_that_may_open_it(client, personas):
    for user in (personas.controller, personas.lead, personas.caseworker, personas.actor):
        client.force_login(user)
        assert URL in client.get(HOME).content.decode(), user.role
    client.force_login(personas.developer)
    assert URL not in client.get(HOME).content.decode()
