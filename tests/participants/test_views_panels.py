"""The start-page panels and the menu entries of the participants screens."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import VisitationStatus
from tests.factories.participants import ExitFormFactory, VisitationFactory

from .helpers import citizen_in

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
def test_business_developer_has_no_participants_menu_or_panels(client, personas):
    client.force_login(personas.developer)
    html = client.get(HOME).content.decode()
    assert reverse("participants:citizen_list") not in html
    assert "Mangler timer" not in html
