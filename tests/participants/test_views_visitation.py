"""Visitation in dialogue: the caseworker proposes, the actor accepts or rejects; re-visitation."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Citizen, Visitation, VisitationStatus
from participants.track import services
from siv.models import AuditAction, AuditEntry
from tests.factories.participants import ExitFormFactory, VisitationFactory

from .helpers import citizen_in, freeze_today

PROPOSE = reverse("participants:visitation_propose")
LIST = reverse("participants:visitation_list")


def proposal_data(personas, **overrides):
    data = {
        "cpr": "010190-1234",
        "first_name": "Sara",
        "last_name": "Holm",
        "gender": "F",
        "target_group": "resource_course",
        "benefit": "ressourceforloebsydelse",
        "entry_status": "inactive",
        "isced": "1-2",
        "cluster": personas.cluster.pk,
        "employment_actor": personas.own.actor_org.pk,
        "proposed_on": "2026-11-02",
        "realistic_20_hours": "true",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
class TestPropose:
    def test_caseworker_proposes_a_new_citizen(self, client, personas):
        client.force_login(personas.caseworker)
        response = client.post(PROPOSE, proposal_data(personas))
        citizen = Citizen.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("participants:citizen_detail", args=[citizen.pk])
        assert citizen.municipality == personas.own.municipality
        assert citizen.caseworker == personas.caseworker
        visitation = citizen.visitations.get()
        assert visitation.status == VisitationStatus.PROPOSED
        assert visitation.realistic_20_hours is True
        assert "010190" not in str(list(AuditEntry.objects.values_list("details", flat=True)))

    def test_invalid_cpr_is_a_form_error_not_a_500(self, client, personas):
        client.force_login(personas.caseworker)
        response = client.post(PROPOSE, proposal_data(personas, cpr="991390-1234"))
        assert response.status_code == 200
        assert "ikke en gyldig dato" in response.content.decode()
        assert not Citizen.objects.exists()

    def test_a_citizen_of_another_municipality_cannot_be_proposed_and_nothing_leaks(
        self, client, personas, settings
    ):
        from django.core.cache import cache

        cache.clear()
        foreign = citizen_in(personas.foreign, personas.cluster, cpr="010190-1234")
        client.force_login(personas.caseworker)
        response = client.post(PROPOSE, proposal_data(personas))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Forslaget kan ikke oprettes her. Kontakt projektcontrolleren" in html
        # Nothing says where, or that, the person is in the programme.
        assert "anden kommune" not in html and "tilknyttet" not in html
        assert Visitation.objects.count() == 1
        refused = AuditEntry.objects.get(purpose="Afvist visitationsforslag")
        assert (refused.actor, refused.object_id) == (personas.caseworker, str(foreign.pk))

        settings.SIV_PROPOSAL_REFUSALS_PER_HOUR = 2
        client.post(PROPOSE, proposal_data(personas))
        html = client.post(PROPOSE, proposal_data(personas)).content.decode()
        assert "For mange afviste forslag. Vent en time" in html
        assert AuditEntry.objects.filter(purpose="Afvist visitationsforslag").count() == 3
        cache.clear()

    def test_a_known_citizen_is_proposed_again(self, client, personas):
        citizen = citizen_in(personas.own, personas.cluster, cpr="010190-1234")
        ExitFormFactory(citizen=citizen, exit_date=date(2024, 6, 1))
        client.force_login(personas.caseworker)
        response = client.post(PROPOSE, proposal_data(personas))
        assert response.status_code == 302
        assert Citizen.objects.count() == 1
        assert citizen.visitations.filter(status=VisitationStatus.PROPOSED).count() == 1

    def test_a_new_citizen_fills_the_slot_of_an_early_exit(self, client, personas):
        left = citizen_in(personas.own, personas.cluster)
        early = ExitFormFactory(citizen=left, exit_date=date(2026, 10, 1), early=True)
        client.force_login(personas.caseworker)
        overview = client.get(reverse("participants:revisitation_overview")).content.decode()
        assert f"?ophoer={early.pk}" in overview
        form = client.get(PROPOSE, {"ophoer": early.pk}).content.decode()
        assert f'<option value="{early.pk}" selected>' in form
        # The caseworker sees names: the place is named by the citizen who left it.
        assert f"{left.full_name}, ophør 01.10.2026" in form
        assert left.pseudonym not in form
        response = client.post(PROPOSE, proposal_data(personas, replaces_exit=early.pk))
        assert response.status_code == 302
        proposal = Visitation.objects.get(replaces_exit=early)
        assert proposal.citizen.first_name == "Sara"

        # Proposed is not filled: the place stays on the overview, awaiting the decision,
        # and is not offered for a second proposal meanwhile.
        overview = client.get(reverse("participants:revisitation_overview")).content.decode()
        assert "01.10.2026" in overview and "Afventer vurdering" in overview
        assert f"?ophoer={early.pk}" not in overview
        form = client.get(PROPOSE).content.decode()
        assert f'<option value="{early.pk}"' not in form

        # Rejected: the place is offered again.
        services.visitation_reject(visitation=proposal, by=personas.actor, reason="Passer ikke")
        overview = client.get(reverse("participants:revisitation_overview")).content.decode()
        assert f"?ophoer={early.pk}" in overview and "Passer ikke" in overview
        assert f'<option value="{early.pk}"' in client.get(PROPOSE).content.decode()
        second = proposal_data(personas, cpr="020290-1234", first_name="Mads")
        response = client.post(PROPOSE, {**second, "replaces_exit": early.pk})
        assert response.status_code == 302

        # Accepted: the place is filled.
        services.visitation_accept(
            visitation=Visitation.objects.get(
                citizen=services.citizen_find_by_cpr(cpr="020290-1234")
            ),
            by=personas.actor,
        )
        overview = client.get(reverse("participants:revisitation_overview")).content.decode()
        assert "01.10.2026" not in overview
        assert f'<option value="{early.pk}"' not in client.get(PROPOSE).content.decode()
        response = client.post(
            PROPOSE, proposal_data(personas, cpr="030390-1234", replaces_exit=early.pk)
        )
        assert response.status_code == 200
        assert early.revisitations.count() == 2


@pytest.mark.django_db
class TestReview:
    def _proposal(self, personas, days_ago=3):
        citizen = citizen_in(personas.own, personas.cluster, first_name="Sara")
        return VisitationFactory(
            citizen=citizen,
            status=VisitationStatus.PROPOSED,
            proposed_on=timezone.localdate() - timedelta(days=days_ago),
        )

    def test_actor_sees_proposals_for_their_organisation_with_days_waited(self, client, personas):
        self._proposal(personas, days_ago=40)
        foreign = citizen_in(personas.foreign, personas.cluster, first_name="Fremmed")
        VisitationFactory(citizen=foreign, status=VisitationStatus.PROPOSED)
        client.force_login(personas.actor)
        html = client.get(LIST).content.decode()
        assert "Sara" in html and "Fremmed" not in html
        assert "Over 4 uger" in html
        assert "40" in html
        assert "Vurder" in html

    def test_read_only_roles_get_no_review_or_meeting_buttons(self, client, personas):
        self._proposal(personas)
        client.force_login(personas.lead)
        html = client.get(LIST).content.decode()
        assert "Sara" in html
        assert "Vurder" not in html and "Matchmøde" not in html

    def test_actor_accepts(self, client, personas):
        visitation = self._proposal(personas)
        client.force_login(personas.actor)
        url = reverse("participants:visitation_review", args=[visitation.pk])
        response = client.post(url, {"decision": "accept", "realistic_20_hours": "false"})
        assert response.status_code == 302
        visitation.refresh_from_db()
        assert visitation.status == VisitationStatus.ACCEPTED
        assert visitation.realistic_20_hours is False
        assert visitation.reviewed_by == personas.actor

    def test_rejecting_needs_a_reason(self, client, personas):
        visitation = self._proposal(personas)
        client.force_login(personas.actor)
        url = reverse("participants:visitation_review", args=[visitation.pk])
        response = client.post(url, {"decision": "reject", "rejection_reason": ""})
        assert response.status_code == 200
        assert "Angiv en begrundelse" in response.content.decode()
        visitation.refresh_from_db()
        assert visitation.status == VisitationStatus.PROPOSED
        client.post(url, {"decision": "reject", "rejection_reason": "Ingen plads i køkkenet"})
        visitation.refresh_from_db()
        assert visitation.status == VisitationStatus.REJECTED
        assert visitation.rejection_reason == "Ingen plads i køkkenet"

    def test_reviewing_twice_is_a_form_error(self, client, personas):
        visitation = self._proposal(personas)
        client.force_login(personas.actor)
        url = reverse("participants:visitation_review", args=[visitation.pk])
        client.post(url, {"decision": "accept"})
        response = client.post(url, {"decision": "accept"})
        assert response.status_code == 200
        assert "allerede vurderet" in response.content.decode()

    def test_accepting_a_second_revisitation_for_a_filled_place_is_a_form_error(
        self, client, personas
    ):
        left = citizen_in(personas.own, personas.cluster)
        early = ExitFormFactory(citizen=left, exit_date=date(2026, 10, 1), early=True)
        first, second = (self._proposal(personas) for _ in range(2))
        Visitation.objects.filter(pk__in=[first.pk, second.pk]).update(replaces_exit=early)
        client.force_login(personas.actor)
        for proposal in (first, second):
            url = reverse("participants:visitation_review", args=[proposal.pk])
            response = client.post(url, {"decision": "accept"})
        assert response.status_code == 200
        assert "allerede besat af en anden godkendt genvisitation" in response.content.decode()
        second.refresh_from_db()
        assert second.status == VisitationStatus.PROPOSED
        assert early.revisitations.get(status=VisitationStatus.ACCEPTED) == first

    def test_match_meeting_is_recorded(self, client, personas):
        visitation = self._proposal(personas)
        client.force_login(personas.caseworker)
        url = reverse("participants:visitation_match_meeting", args=[visitation.pk])
        response = client.post(
            url,
            {
                "meeting_date": timezone.localdate().isoformat(),
                "participants": "Borger, Grøn Vask, jobformidler",
                "notes": "God match",
                "start_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
            },
        )
        assert response.status_code == 302
        visitation.refresh_from_db()
        assert visitation.match_meeting_notes == "God match"
        assert AuditEntry.objects.filter(
            action=AuditAction.CHANGE, object_id=str(visitation.pk)
        ).exists()


@pytest.mark.django_db
def test_revisitation_overview_shows_open_slots_and_overdue_deadlines(client, personas):
    today = timezone.localdate()
    citizen_in(personas.own, personas.cluster, first_name="Aktiv")
    left = citizen_in(personas.own, personas.cluster, first_name="Tidlig")
    ExitFormFactory(citizen=left, exit_date=today - timedelta(days=40), early=True)
    client.force_login(personas.caseworker)
    html = client.get(reverse("participants:revisitation_overview")).content.decode()
    assert "Køge" in html and "Næstved" not in html
    assert "12 virksomhedspladser" in html
    assert "96 borgerpladser" in html
    assert "1 aktive" in html
    assert "95 ledige borgerpladser" in html
    assert "Tidlig" in html
    assert "Overskredet" in html


@pytest.mark.django_db
def test_revisitation_overview_links_a_long_list_to_its_municipality_alone(
    client, personas, monkeypatch
):
    monkeypatch.setattr("participants.track.selectors.REVISITATION_ROWS", 1)
    today = timezone.localdate()
    for days in (40, 50):
        left = citizen_in(personas.own, personas.cluster)
        ExitFormFactory(citizen=left, exit_date=today - timedelta(days=days), early=True)
    older, newer = (f"{today - timedelta(days=d):%d.%m.%Y}" for d in (50, 40))
    url = reverse("participants:revisitation_overview")

    # The programme's overview: each slot's most urgent exit, and a link to the rest.
    client.force_login(personas.controller)
    html = client.get(url).content.decode()
    assert older in html and newer not in html
    assert "Viser de 1 ældste af 2 tidlige ophør." in html
    assert "2 frister overskredet" in html
    municipality = personas.own.municipality.pk
    assert f'href="?kommune={municipality}"' in html
    alone = client.get(url, {"kommune": municipality}).content.decode()
    assert older in alone and newer in alone and "Næstved" not in alone
    assert "Viser de" not in alone

    # A caseworker's overview is their own municipality's: every exit.
    client.force_login(personas.caseworker)
    own = client.get(url).content.decode()
    assert older in own and newer in own and "Viser de" not in own


@pytest.mark.django_db
def test_revisitation_overview_of_a_foreign_or_unknown_municipality_is_not_found(client, personas):
    client.force_login(personas.caseworker)  # Køge's caseworker
    url = reverse("participants:revisitation_overview")
    assert client.get(url, {"kommune": personas.foreign.municipality.pk}).status_code == 404
    assert client.get(url, {"kommune": "abc"}).status_code == 404
    assert client.get(url, {"kommune": personas.own.municipality.pk}).status_code == 200


@pytest.mark.django_db
def test_revisitation_overview_shows_search_and_decision_times_of_each_proposal(
    client, personas, monkeypatch, django_assert_max_num_queries
):
    freeze_today(monkeypatch, date(2026, 11, 30))
    left = citizen_in(personas.own, personas.cluster, first_name="Tidlig")
    early = ExitFormFactory(citizen=left, exit_date=date(2026, 10, 1), early=True)
    rejected = VisitationFactory(
        citizen=citizen_in(personas.own, personas.cluster, phase1_start=None),
        status=VisitationStatus.PROPOSED,
        proposed_on=date(2026, 10, 11),
        replaces_exit=early,
    )
    services.visitation_reject(
        visitation=rejected,
        by=personas.actor,
        reason="Ingen plads i køkkenet",
        reviewed_on=date(2026, 10, 14),
    )
    VisitationFactory(
        citizen=citizen_in(personas.own, personas.cluster, phase1_start=None),
        status=VisitationStatus.PROPOSED,
        proposed_on=date(2026, 11, 20),
        replaces_exit=early,
    )
    client.force_login(personas.caseworker)
    url = reverse("participants:revisitation_overview")
    client.get(url)  # the session and the menu's lookups, cached
    with django_assert_max_num_queries(20) as few:
        html = client.get(url).content.decode()
    assert "Tidlig" in html and "01.10.2026" in html
    assert '<td class="num">60</td>' in html  # days since the exit
    assert "29.10.2026" in html and "Overskredet" in html
    assert "Foreslået 11.10.2026 · søgetid 10 dage" in html
    assert "vurderingstid 3 dage: Ingen plads i køkkenet" in html
    assert "Foreslået 20.11.2026 · søgetid 50 dage" in html
    assert "Afventer vurdering" in html and "ventet 10 dage" in html
    assert f"?ophoer={early.pk}" not in html  # one proposal at a time

    # More places and proposals: the same number of queries.
    for n in range(3):
        other = citizen_in(personas.own, personas.cluster)
        exit_form = ExitFormFactory(citizen=other, exit_date=date(2026, 11, 1 + n), early=True)
        VisitationFactory(
            citizen=citizen_in(personas.own, personas.cluster, phase1_start=None),
            status=VisitationStatus.REJECTED,
            rejection_reason="Nej",
            proposed_on=date(2026, 11, 10),
            replaces_exit=exit_form,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count("søgetid") == 5


@pytest.mark.django_db
def test_the_citizen_page_shows_the_revisitation_deadline_until_the_place_is_filled(
    client, personas, monkeypatch
):
    freeze_today(monkeypatch, date(2026, 11, 30))
    left = citizen_in(personas.own, personas.cluster)
    early = ExitFormFactory(citizen=left, exit_date=date(2026, 11, 10), early=True)
    proposal = VisitationFactory(
        citizen=citizen_in(personas.own, personas.cluster, phase1_start=None),
        status=VisitationStatus.PROPOSED,
        proposed_on=date(2026, 11, 20),
        replaces_exit=early,
    )
    client.force_login(personas.caseworker)
    page = reverse("participants:citizen_detail", args=[left.pk])
    html = client.get(page).content.decode()
    assert "Frist for genvisitation" in html and "08.12.2026" in html
    services.visitation_accept(visitation=proposal, by=personas.actor)
    html = client.get(page).content.decode()
    assert "Frist for genvisitation" not in html and "08.12.2026" not in html
