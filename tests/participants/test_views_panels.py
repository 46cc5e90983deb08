"""The start-page panels and the menu entries of the participants screens."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import VisitationStatus
from participants.track import services
from tests.factories.participants import ExitFormFactory, VisitationFactory

from .helpers import citizen_in, freeze_today

HOME = reverse("home")


@pytest.mark.django_db
def test_actor_start_page_shows_missing_hours_and_proposals(client, personas):
    citizen_in(personas.own, personas.cluster, first_name="Karoline")
    waiting = citizen_in(personas.own, personas.cluster, first_name="Venter")
    VisitationFactory(
        citizen=waiting,
        status=VisitationStatus.PROPOSED,
        proposed_on=timezone.localdate() - timedelta(days=5),
    )
    client.force_login(personas.actor)
    html = client.get(HOME).content.decode()
    assert "Mangler timer i sidste uge" in html
    assert "Karoline" in html
    assert "Venter" in html
    assert "Visitationer til vurdering" in html
    assert reverse("participants:hours_week") in html
    assert reverse("participants:visitation_list") in html


@pytest.mark.django_db
def test_caseworker_start_page_shows_overdue_visitations_deadlines_and_follow_ups(client, personas):
    today = timezone.localdate()
    late = citizen_in(personas.own, personas.cluster, first_name="Sen")
    VisitationFactory(
        citizen=late, status=VisitationStatus.PROPOSED, proposed_on=today - timedelta(days=35)
    )
    early = citizen_in(personas.own, personas.cluster, first_name="Tidlig")
    ExitFormFactory(citizen=early, exit_date=today - timedelta(days=10), early=True)
    old = citizen_in(personas.own, personas.cluster, first_name="Gammel")
    ExitFormFactory(citizen=old, exit_date=today - timedelta(days=200))
    client.force_login(personas.caseworker)
    html = client.get(HOME).content.decode()
    assert "Visitationer over 4 uger" in html and "Sen" in html
    assert "Frister for genvisitation" in html and "Tidlig" in html
    assert (today + timedelta(days=18)).strftime("%d.%m.%Y") in html
    assert "Opfølgninger, der forfalder" in html and "Gammel" in html
    assert reverse("participants:revisitation_overview") in html


@pytest.mark.django_db
def test_caseworker_start_page_shows_each_open_place_with_its_proposals(
    client, personas, monkeypatch
):
    freeze_today(monkeypatch, date(2026, 11, 30))
    left = citizen_in(personas.own, personas.cluster, first_name="Tidlig")
    early = ExitFormFactory(citizen=left, exit_date=date(2026, 11, 2), early=True)
    first = VisitationFactory(
        citizen=citizen_in(personas.own, personas.cluster, phase1_start=None),
        status=VisitationStatus.PROPOSED,
        proposed_on=date(2026, 11, 9),
        replaces_exit=early,
    )
    services.visitation_reject(
        visitation=first,
        by=personas.actor,
        reason="Ikke realistisk",
        reviewed_on=date(2026, 11, 16),
    )
    second = VisitationFactory(
        citizen=citizen_in(personas.own, personas.cluster, phase1_start=None),
        status=VisitationStatus.PROPOSED,
        proposed_on=date(2026, 11, 25),
        replaces_exit=early,
    )
    client.force_login(personas.caseworker)
    html = client.get(HOME).content.decode()
    assert "Frister for genvisitation" in html and "Tidlig" in html
    assert "ophør 02.11.2026 (28 dage siden) · frist 30.11.2026" in html
    assert "Overskredet" not in html  # the deadline day itself is still in time
    assert "Foreslået 09.11.2026 · søgetid 7 dage" in html
    assert "vurderingstid 7 dage: Ikke realistisk" in html
    assert "Foreslået 25.11.2026 · søgetid 23 dage" in html and "ventet 5 dage" in html

    freeze_today(monkeypatch, date(2026, 12, 1))
    client.force_login(personas.caseworker)  # a day later: a new session
    assert "Overskredet" in client.get(HOME).content.decode()

    services.visitation_accept(visitation=second, by=personas.actor)
    html = client.get(HOME).content.decode()
    assert "Tidlig" not in html
    assert "Ingen tidlige ophør venter på genvisitation." in html


@pytest.mark.django_db
def test_business_developer_has_no_participants_menu_or_panels(client, personas):
    client.force_login(personas.developer)
    html = client.get(HOME).content.decode()
    assert reverse("participants:citizen_list") not in html
    assert "Mangler timer" not in html
