"""The start page's worklists for the actor and the caseworker: citizens not screened, and
citizens in phase 1 under 10 hours a week over the last 4 full weeks; the first few of
each, how many there are, and a link to the citizen list filtered to all of them."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.factories.participants import HoursEntryFactory, ScreeningFactory

from .helpers import citizen_in

HOME = reverse("home")
TODAY = datetime(2026, 3, 11, 12, tzinfo=ZoneInfo("Europe/Copenhagen"))
# The four full weeks before Wednesday 11 March 2026.
WEEKS = [date(2026, 2, 9) + timedelta(weeks=n) for n in range(4)]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def in_phase1(personas, hours: int, *, screened: bool = True, **fields):
    citizen = citizen_in(personas.own, personas.cluster, phase1_start=date(2026, 2, 2), **fields)
    for monday in WEEKS:
        HoursEntryFactory(citizen=citizen, week_start=monday, hours=Decimal(hours))
    if screened:
        ScreeningFactory(citizen=citizen, screened_on=date(2026, 2, 3))
    return citizen


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["actor", "caseworker"])
def test_the_worklists_show_unscreened_and_low_hours(client, personas, role):
    in_phase1(personas, 4, first_name="Lavtimer")
    in_phase1(personas, 12, screened=False, first_name="Uscreenet")
    in_phase1(personas, 12, first_name="Iorden")
    client.force_login(getattr(personas, role))
    html = client.get(HOME).content.decode()
    assert "Ikke screenet" in html and "Uscreenet" in html
    assert "Fase 1 under 10 timer om ugen" in html and "Lavtimer" in html
    assert "4,0 t/uge" in html
    assert "Iorden" not in html
    assert f"{reverse('participants:citizen_list')}?worklist=not_screened" in html
    assert f"{reverse('participants:citizen_list')}?worklist=low_hours" in html


@pytest.mark.django_db
def test_the_panel_shows_a_few_of_many_and_the_list_all_of_them(client, personas):
    for n in range(7):
        in_phase1(personas, 2, screened=False, first_name=f"Borger{n}")
    client.force_login(personas.actor)
    html = client.get(HOME).content.decode()
    assert html.count("Viser 5 af 7") == 2
    listed = client.get(reverse("participants:citizen_list"), {"worklist": "low_hours"})
    assert all(f"Borger{n}" in listed.content.decode() for n in range(7))


@pytest.mark.django_db
def test_the_filtered_list_holds_only_the_worklist(client, personas):
    in_phase1(personas, 12, screened=False, first_name="Uscreenet")
    in_phase1(personas, 12, first_name="Iorden")
    client.force_login(personas.caseworker)
    html = client.get(reverse("participants:citizen_list"), {"worklist": "not_screened"})
    assert "Uscreenet" in html.content.decode()
    assert "Iorden" not in html.content.decode()


@pytest.mark.django_db
def test_the_start_page_makes_the_same_queries_with_more_citizens(
    client, personas, django_assert_max_num_queries
):
    in_phase1(personas, 2, screened=False)
    client.force_login(personas.actor)
    client.get(HOME)
    with django_assert_max_num_queries(60) as few:
        client.get(HOME)
    for _n in range(8):
        in_phase1(personas, 2, screened=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(HOME)
