"""A user's calendar as an iCalendar feed at a secret address: the camps, boot camps and
meetings they see in SIV and the deadlines of their role, never a citizen's name or CPR."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from calendars import services
from calendars.models import CalendarFeed
from siv.registry import revoke_credentials
from tests.accelerator.conftest import own_company
from tests.factories.accelerator import CampaignFactory, CampFactory, MilestoneFactory
from tests.factories.participants import CitizenFactory, ExitFormFactory
from tests.factories.partnerships import (
    ClusterFactory,
    ClusterMembershipFactory,
    GrowthPartnershipFactory,
    PartnershipMeetingFactory,
    SteeringGroupMeetingFactory,
    municipality,
)

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture(autouse=True)
def _fresh_counters():
    """Wrong addresses count against the client's address in the cache: start from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen():
    with time_machine.travel("2021-03-15 10:00 +01:00", tick=False):
        yield


def _url(key):
    return reverse("calendars:feed", args=[key])


def _events(response) -> dict[str, dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {
        str(event["summary"]): {
            "start": event.decoded("dtstart"),
            "end": event.decoded("dtend"),
            "location": str(event.get("location", "")),
        }
        for event in calendar.walk("VEVENT")
    }


def _feed(user):
    return _events(Client().get(_url(services.feed_issue(user=user).key)))


def _other_cluster():
    cluster = ClusterFactory(number=2, start_year=2020)
    ClusterMembershipFactory(cluster=cluster, municipality=municipality("Silkeborg"))
    return cluster


def test_the_caseworker_sees_the_camps_and_boot_camps_of_the_own_clusters(personas):
    CampFactory(cluster=personas.cluster, title="Brand og salg", date=datetime.date(2021, 4, 20))
    CampFactory(cluster=_other_cluster(), title="Silkeborg-camp", date=datetime.date(2021, 4, 21))
    CampFactory(
        cluster=personas.cluster, title="Aflyst", date=datetime.date(2021, 5, 1), cancelled=True
    )
    CampaignFactory(
        municipality=personas.own.municipality,
        cluster=personas.cluster,
        title="Køge 2021",
        boot_camp_date=datetime.date(2021, 6, 3),
        boot_camp_place="Køge Rådhus",
    )
    events = _feed(personas.caseworker)
    assert events["Camp: Brand og salg"]["start"] == datetime.date(2021, 4, 20)
    boot_camp = events["Boot camp: Køge 2021"]
    # Two days: the 3rd and the 4th (an all-day event ends the day after).
    assert (boot_camp["start"], boot_camp["end"]) == (
        datetime.date(2021, 6, 3),
        datetime.date(2021, 6, 5),
    )
    assert boot_camp["location"] == "Køge Rådhus"
    assert "Camp: Silkeborg-camp" not in events and "Camp: Aflyst" not in events


def test_each_role_gets_its_own_deadlines(personas):
    company = own_company(personas, name="Grøn Vask ApS")
    MilestoneFactory(company=company, due_on=datetime.date(2021, 4, 1))
    developer = _feed(personas.developer)
    assert developer["Frist: Værdiskabende opgaver identificeret, Grøn Vask ApS"]["start"] == (
        datetime.date(2021, 4, 1)
    )
    assert not any(title.startswith("Halvåret slutter") for title in developer)
    controller = _feed(personas.controller)
    assert not any(title.startswith("Frist:") for title in controller)
    half_year = "Halvåret slutter: halvårsrapport til Erhvervsstyrelsen"
    assert half_year in controller
    # The caseworker has neither.
    caseworker = _feed(personas.caseworker)
    assert half_year not in caseworker
    assert not any(title.startswith("Frist:") for title in caseworker)


def test_revisitation_deadlines_are_counts_of_places_without_names(personas):
    for _ in range(2):
        citizen = CitizenFactory(municipality=personas.own.municipality, last_name="Kildegaard")
        ExitFormFactory(citizen=citizen, exit_date=datetime.date(2021, 3, 1), early=True)
    ExitFormFactory(
        citizen=CitizenFactory(municipality=personas.own.municipality),
        exit_date=datetime.date(2021, 3, 2),
        early=True,
    )
    ExitFormFactory(
        citizen=CitizenFactory(municipality=personas.foreign.municipality),
        exit_date=datetime.date(2021, 3, 1),
        early=True,
    )
    caseworker = _feed(personas.caseworker)
    # Four weeks after the exits, the places must be re-visited.
    assert caseworker["Genvisitering: frist for 2 ledige pladser"]["start"] == (
        datetime.date(2021, 3, 29)
    )
    assert caseworker["Genvisitering: frist for 1 ledig plads"]["start"] == (
        datetime.date(2021, 3, 30)
    )
    assert not any("Kildegaard" in title for title in caseworker)
    assert not any(title.startswith("Genvisitering") for title in _feed(personas.developer))


def test_meetings_come_as_their_screens_scope_them(personas):
    SteeringGroupMeetingFactory(date=datetime.date(2021, 4, 15), place="Køge Rådhus")
    PartnershipMeetingFactory(
        partnership=GrowthPartnershipFactory(
            municipality=personas.own.municipality, cluster=personas.cluster
        ),
        date=datetime.date(2021, 4, 8),
    )
    PartnershipMeetingFactory(
        partnership=GrowthPartnershipFactory(
            municipality=personas.foreign.municipality, cluster=personas.cluster
        ),
        date=datetime.date(2021, 4, 9),
    )
    lead = _feed(personas.lead)
    assert lead["Styregruppemøde"]["location"] == "Køge Rådhus"
    assert "Partnerskabsmøde: Vækstpartnerskab Køge" in lead
    assert "Partnerskabsmøde: Vækstpartnerskab Næstved" not in lead
    # The caseworker does not follow the steering group.
    assert "Styregruppemøde" not in _feed(personas.caseworker)


def test_the_feed_carries_no_citizen_name_or_cpr(personas):
    citizen = CitizenFactory(first_name="Hanne", last_name="Kildegaard", cpr="150685-1234")
    named = f"{citizen.first_name} {citizen.last_name} (150685-1234)"
    # Free texts beside the events may name a citizen; none of them goes into the feed.
    PartnershipMeetingFactory(
        partnership=GrowthPartnershipFactory(
            municipality=personas.own.municipality, cluster=personas.cluster
        ),
        date=datetime.date(2021, 4, 8),
        notes=f"Praktik for {named}",
    )
    SteeringGroupMeetingFactory(date=datetime.date(2021, 4, 15), minutes=named, attendees=named)
    CampFactory(cluster=personas.cluster, date=datetime.date(2021, 4, 20), experts=named)
    MilestoneFactory(
        company=own_company(personas), due_on=datetime.date(2021, 4, 1), note=f"Til {named}"
    )
    for user in (personas.lead, personas.developer, personas.controller, personas.caseworker):
        response = Client().get(_url(services.feed_issue(user=user).key))
        body = response.content.decode()
        assert "BEGIN:VEVENT" in body
        assert "Kildegaard" not in body and "1506851234" not in body and "150685" not in body


def test_a_new_address_ends_the_old_one(personas):
    old = services.feed_issue(user=personas.caseworker).key
    assert Client().get(_url(old)).status_code == 200
    new = services.feed_issue(user=personas.caseworker).key
    assert Client().get(_url(old)).status_code == 404
    assert Client().get(_url(new)).status_code == 200
    assert CalendarFeed.objects.filter(user=personas.caseworker).count() == 1


def test_a_wrong_secret_an_unknown_prefix_or_an_inactive_user_is_not_found(personas):
    key = services.feed_issue(user=personas.actor).key
    prefix, secret = key.split(".")
    client = Client()
    assert client.get(_url(f"{prefix}.{secret[:-1]}x")).status_code == 404
    assert client.get(_url(f"00000000.{secret}")).status_code == 404
    assert client.get(_url(prefix)).status_code == 404
    personas.actor.is_active = False
    personas.actor.save(update_fields=["is_active"])
    assert client.get(_url(key)).status_code == 404


def test_guessing_addresses_meets_the_sign_in_throttle(personas, settings):
    settings.SIV_SIGNIN_ADDRESS_FAILURES = 2
    key = services.feed_issue(user=personas.actor).key
    prefix = key.split(".")[0]
    guesser, other = Client(REMOTE_ADDR="10.0.0.66"), Client(REMOTE_ADDR="10.0.0.7")
    for guess in range(3):
        assert guesser.get(_url(f"{prefix}.gaet{guess}")).status_code == 404
    # The address guessing from there now waits, even with the right key; others do not.
    assert guesser.get(_url(key)).status_code == 429
    assert other.get(_url(key)).status_code == 200


def test_a_credential_reset_ends_the_address(personas):
    key = services.feed_issue(user=personas.actor).key
    revoke_credentials(user=personas.actor, by=personas.admin)
    assert Client().get(_url(key)).status_code == 404


def test_the_address_is_made_on_the_account_page_and_shown_once(personas, signed_in):
    client = signed_in(personas.caseworker)
    account = client.get(reverse("account")).content.decode()
    assert "Kalender i Outlook" in account and "Du har ingen kalenderadresse." in account
    response = client.post(reverse("calendars:feed_reset"))
    page = response.content.decode()
    feed = CalendarFeed.objects.get(user=personas.caseworker)
    assert f"/kalender/{feed.prefix}." in page
    key = page.split("/kalender/")[1].split(".ics")[0]
    assert Client().get(_url(key)).status_code == 200
    again = client.get(reverse("account")).content.decode()
    assert "Du har en kalenderadresse fra" in again and key not in again


def test_the_feed_takes_constant_queries(personas):
    key = services.feed_issue(user=personas.controller).key
    CampFactory(cluster=personas.cluster, date=datetime.date(2021, 4, 20))
    with CaptureQueriesContext(connection) as few:
        Client().get(_url(key))
    CampFactory.create_batch(10, cluster=personas.cluster, date=datetime.date(2021, 5, 20))
    CampaignFactory.create_batch(
        5, municipality=personas.own.municipality, boot_camp_date=datetime.date(2021, 6, 3)
    )
    PartnershipMeetingFactory.create_batch(5, date=datetime.date(2021, 4, 8))
    with CaptureQueriesContext(connection) as many:
        Client().get(_url(key))
    assert len(few) == len(many)
