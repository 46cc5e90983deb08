"""Company slots and citizen places are two numbers: enrolling companies counts slots, the
citizen screens' open places count places (slots × places per slot − citizens in the track)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accelerator import selectors as accelerator_selectors
from accelerator import services as accelerator_services
from participants.models import VisitationStatus
from participants.track import selectors as track_selectors
from partnerships.models import ClusterMembership
from tests.factories.accelerator import CompanyFactory
from tests.factories.participants import CitizenFactory, ExitFormFactory, VisitationFactory
from tests.factories.partnerships import ClusterMembershipFactory, municipality

from .helpers import citizen_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def koege(personas):
    """Køge in cluster 1 with two company slots of eight citizen places each."""
    membership = ClusterMembership.objects.get(
        cluster=personas.cluster, municipality=personas.own.municipality
    )
    membership.slots, membership.places_per_slot = 2, 8
    membership.save()
    return membership


def _in_track(personas, n):
    today = timezone.localdate()
    return [
        citizen_in(personas.own, personas.cluster, phase1_start=today - timedelta(days=30))
        for _ in range(n)
    ]


def _not_in_track(personas):
    """Citizens of Køge who hold no place: one who left, one only proposed, one rejected;
    and a citizen of another municipality."""
    today = timezone.localdate()
    left = citizen_in(personas.own, personas.cluster, phase1_start=today - timedelta(days=90))
    ExitFormFactory(citizen=left, exit_date=today - timedelta(days=10), early=True)
    for status in (VisitationStatus.PROPOSED, VisitationStatus.REJECTED):
        citizen = CitizenFactory(
            municipality=personas.own.municipality,
            cluster=personas.cluster,
            employment_actor=personas.own.actor_org,
            phase1_start=None,
        )
        VisitationFactory(
            citizen=citizen,
            status=status,
            proposed_on=today - timedelta(days=5),
            rejection_reason="Ikke realistisk nu" if status == VisitationStatus.REJECTED else "",
        )
    citizen_in(personas.foreign, personas.cluster, phase1_start=today - timedelta(days=30))


def _enrol_companies(personas, n):
    for _ in range(n):
        accelerator_services.company_enrol(
            company=CompanyFactory(municipality=personas.own.municipality),
            cluster=personas.cluster,
            by=personas.controller,
        )


def test_two_slots_with_three_citizens_leave_thirteen_places_and_no_company_slot(personas, koege):
    _in_track(personas, 3)
    _not_in_track(personas)
    _enrol_companies(personas, 2)

    (row,) = track_selectors.revisitation_overview(user=personas.caseworker)
    assert (row.slots, row.places, row.active, row.open_places) == (2, 16, 3, 13)

    usage = accelerator_selectors.slot_usage(cluster=personas.cluster).get(pk=koege.pk)
    assert (usage.slots, usage.used, usage.slots - usage.used) == (2, 2, 0)
    with pytest.raises(ValidationError, match="Alle 2 pladser for Køge"):
        _enrol_companies(personas, 1)


def test_open_places_follow_the_places_per_slot_and_never_go_below_zero(personas, koege):
    _in_track(personas, 3)
    koege.places_per_slot = 1
    koege.save()
    (row,) = track_selectors.revisitation_overview(user=personas.caseworker)
    assert (row.places, row.active, row.open_places) == (2, 3, 0)


def test_a_citizen_who_left_frees_a_place_from_the_exit_date(personas, koege):
    today = timezone.localdate()
    (citizen,) = _in_track(personas, 1)
    ExitFormFactory(citizen=citizen, exit_date=today + timedelta(days=3), early=True)
    memberships = ClusterMembership.objects.filter(pk=koege.pk)
    (before,) = track_selectors.with_citizen_places(memberships, as_of=today)
    (after,) = track_selectors.with_citizen_places(memberships, as_of=today + timedelta(days=3))
    assert (before.active_citizens, before.open_places) == (1, 15)
    assert (after.active_citizens, after.open_places) == (0, 16)


def test_the_overview_shows_citizen_places_in_constant_queries(client, personas, koege):
    _in_track(personas, 3)
    _not_in_track(personas)
    client.force_login(personas.controller)
    url = reverse("participants:revisitation_overview")
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        html = client.get(url).content.decode()
    assert "2 virksomhedspladser" in html
    assert "16 borgerpladser" in html
    assert "13 ledige borgerpladser" in html

    _in_track(personas, 5)
    _not_in_track(personas)
    for name in ("Roskilde", "Greve", "Faxe"):
        ClusterMembershipFactory(
            cluster=personas.cluster, municipality=municipality(name), slots=1, places_per_slot=8
        )
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "8 ledige borgerpladser" in html and "Faxe" in html
    assert len(many) == len(few), [q["sql"] for q in many]


def test_the_caseworker_sees_one_open_citizen_place_in_the_singular(client, personas, koege):
    koege.slots = 1
    koege.save()
    _in_track(personas, 7)
    client.force_login(personas.caseworker)
    html = client.get(reverse("participants:revisitation_overview")).content.decode()
    assert "1 virksomhedsplads<" in html
    assert "8 borgerpladser" in html
    assert "1 ledig borgerplads<" in html


@pytest.mark.parametrize(
    "url", [reverse("participants:visitation_propose"), reverse("home")], ids=["propose", "home"]
)
def test_the_caseworker_sees_the_open_citizen_places_when_proposing_in_constant_queries(
    client, personas, koege, url
):
    _in_track(personas, 3)
    _not_in_track(personas)
    _enrol_companies(personas, 2)  # every company slot taken: citizen places stay open
    client.force_login(personas.caseworker)
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        html = client.get(url).content.decode()
    assert "Køge i Klynge 1 (2019): 13 ledige borgerpladser af 16" in html

    _in_track(personas, 5)
    _not_in_track(personas)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "Køge i Klynge 1 (2019): 8 ledige borgerpladser af 16" in html
    assert "Næstved i Klynge" not in html  # only the caseworker's own municipality
    assert len(many) == len(few), [q["sql"] for q in many]


def test_the_overview_shows_twenty_municipalities_a_page_and_the_rest_on_the_next(
    signed_in, personas
):
    from partnerships.models import Municipality

    names = list(Municipality.objects.order_by("name").values_list("name", flat=True)[:25])
    for name in names:
        ClusterMembershipFactory(cluster=personas.cluster, municipality=municipality(name))
    total = ClusterMembership.objects.count()
    assert total > 20
    client = signed_in(personas.controller)
    url = reverse("participants:revisitation_overview")
    first = client.get(url)
    assert len(first.context["rows"]) == 20
    assert f"Viser 1–20 af {total} kommuner i klynger" in first.content.decode()
    with CaptureQueriesContext(connection) as served:
        second = client.get(url, {"side": 2})
    assert len(second.context["rows"]) == total - 20
    shown = {r.membership.pk for r in first.context["rows"]} | {
        r.membership.pk for r in second.context["rows"]
    }
    assert len(shown) == total
    with CaptureQueriesContext(connection) as again:
        client.get(url, {"side": 2})
    assert len(again.captured_queries) <= len(served.captured_queries)
    # Over several municipalities each card still shows only its most urgent exits.
    assert all(
        len(r.waiting_exits) <= track_selectors.REVISITATION_ROWS for r in first.context["rows"]
    )
