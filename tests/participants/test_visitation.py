from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from participants.models import ExitForm, Visitation, VisitationStatus
from participants.track import services
from siv.models import AuditAction, AuditEntry
from tests.factories.participants import CitizenFactory, ExitFormFactory, VisitationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(personas):
    return CitizenFactory(
        municipality=personas.own.municipality, cluster=personas.cluster, phase1_start=None
    )


def test_a_proposal_waits_until_reviewed_and_is_overdue_after_4_weeks(personas, citizen):
    today = timezone.localdate()
    visitation = services.visitation_propose(
        citizen=citizen, by=personas.caseworker, proposed_on=today - timedelta(days=29)
    )
    assert visitation.days_waited() == 29
    assert visitation.is_overdue()
    assert not visitation.is_overdue(today - timedelta(days=1))
    services.visitation_accept(visitation=visitation, by=personas.actor, realistic_20_hours=True)
    assert visitation.status == VisitationStatus.ACCEPTED
    assert visitation.days_waited() == 29
    assert not visitation.is_overdue()
    assert AuditEntry.objects.filter(action=AuditAction.CHANGE, object_id=visitation.pk).exists()


def test_a_rejection_needs_a_reason(personas, citizen):
    visitation = services.visitation_propose(citizen=citizen, by=personas.caseworker)
    with pytest.raises(ValidationError):
        services.visitation_reject(visitation=visitation, by=personas.actor, reason="  ")
    services.visitation_reject(visitation=visitation, by=personas.actor, reason="Ikke realistisk")
    assert visitation.status == VisitationStatus.REJECTED
    with pytest.raises(ValidationError, match="allerede vurderet"):
        services.visitation_accept(visitation=visitation, by=personas.actor)


def test_only_one_proposal_can_wait_at_a_time(personas, citizen):
    services.visitation_propose(citizen=citizen, by=personas.caseworker)
    with pytest.raises(ValidationError):
        services.visitation_propose(citizen=citizen, by=personas.caseworker)


def test_a_match_meeting_is_recorded(personas, citizen):
    visitation = services.visitation_propose(
        citizen=citizen, by=personas.caseworker, proposed_on=date(2024, 1, 2)
    )
    services.visitation_match_meeting(
        visitation=visitation,
        by=personas.caseworker,
        meeting_date=date(2024, 1, 10),
        participants="Borger, virksomhed, jobformidler",
        start_on=date(2024, 1, 15),
    )
    visitation.refresh_from_db()
    assert visitation.match_meeting_date == date(2024, 1, 10)
    with pytest.raises(ValidationError):
        services.visitation_match_meeting(
            visitation=visitation,
            by=personas.caseworker,
            meeting_date=date(2024, 1, 10),
            start_on=date(2023, 12, 1),
        )


def test_a_revisitation_fills_the_slot_of_an_early_exit_only(personas, citizen):
    leaver = CitizenFactory(municipality=personas.own.municipality, cluster=personas.cluster)
    regular = ExitFormFactory(citizen=leaver, exit_date=date(2024, 3, 1), early=False)
    with pytest.raises(ValidationError):
        services.visitation_propose(citizen=citizen, by=personas.caseworker, replaces_exit=regular)
    early = ExitFormFactory(citizen=leaver, exit_date=date(2024, 3, 2), early=True)
    assert early.revisitation_deadline == date(2024, 3, 30)
    visitation = services.visitation_propose(
        citizen=citizen, by=personas.caseworker, replaces_exit=early
    )
    assert list(early.revisitations.all()) == [visitation]


def newcomer(personas):
    return CitizenFactory(
        municipality=personas.own.municipality, cluster=personas.cluster, phase1_start=None
    )


def place_is_open(exit_form) -> bool:
    return ExitForm.objects.places_open(timezone.localdate()).filter(pk=exit_form.pk).exists()


def test_the_place_stays_open_until_a_revisitation_for_it_is_accepted(personas, citizen):
    leaver = CitizenFactory(municipality=personas.own.municipality, cluster=personas.cluster)
    early = ExitFormFactory(citizen=leaver, exit_date=date(2026, 10, 1), early=True)
    first = services.visitation_propose(
        citizen=citizen, by=personas.caseworker, proposed_on=date(2026, 10, 5), replaces_exit=early
    )
    assert place_is_open(early)

    # One proposal at a time waits for the decision on the place.
    with pytest.raises(ValidationError, match="afventer vurdering") as refused:
        services.visitation_propose(
            citizen=newcomer(personas), by=personas.caseworker, replaces_exit=early
        )
    assert "replaces_exit" in refused.value.message_dict

    # A rejection leaves the place open, and a new proposal for it can be made.
    services.visitation_reject(visitation=first, by=personas.actor, reason="Passer ikke")
    assert place_is_open(early)
    second = services.visitation_propose(
        citizen=newcomer(personas), by=personas.caseworker, replaces_exit=early
    )
    assert place_is_open(early)

    services.visitation_accept(visitation=second, by=personas.actor)
    assert not place_is_open(early)
    assert list(early.revisitations.order_by("pk")) == [first, second]
    with pytest.raises(ValidationError, match="allerede besat"):
        services.visitation_propose(
            citizen=newcomer(personas), by=personas.caseworker, replaces_exit=early
        )
    assert early.revisitations.count() == 2


def test_a_place_is_filled_once_a_second_acceptance_is_refused(personas):
    leaver = CitizenFactory(municipality=personas.own.municipality, cluster=personas.cluster)
    early = ExitFormFactory(citizen=leaver, exit_date=date(2026, 10, 1), early=True)
    # Two proposals for one place, as records kept from before the rule may hold.
    one, two = (
        VisitationFactory(
            citizen=newcomer(personas),
            status=VisitationStatus.PROPOSED,
            proposed_on=date(2026, 10, 8),
            replaces_exit=early,
        )
        for _ in range(2)
    )
    with CaptureQueriesContext(connection) as queries:
        services.visitation_accept(visitation=one, by=personas.actor)
    # The exit's row is locked before the check, so two decisions at once cannot both pass.
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert any('FROM "participants_exitform"' in sql for sql in locks)

    with pytest.raises(ValidationError, match="allerede besat af en anden godkendt"):
        services.visitation_accept(visitation=two, by=personas.actor)
    two.refresh_from_db()
    assert two.status == VisitationStatus.PROPOSED
    services.visitation_reject(visitation=two, by=personas.actor, reason="Pladsen er besat")

    # The database holds the rule too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Visitation.objects.filter(pk=two.pk).update(status=VisitationStatus.ACCEPTED)
    assert early.revisitations.filter(status=VisitationStatus.ACCEPTED).get() == one


def test_a_revisitation_cannot_be_dated_before_the_exit_it_replaces(personas, citizen):
    leaver = CitizenFactory(municipality=personas.own.municipality, cluster=personas.cluster)
    early = ExitFormFactory(citizen=leaver, exit_date=date(2026, 10, 1), early=True)
    with pytest.raises(ValidationError, match="før det ophør") as refused:
        services.visitation_propose(
            citizen=citizen,
            by=personas.caseworker,
            proposed_on=date(2026, 9, 30),
            replaces_exit=early,
        )
    assert "proposed_on" in refused.value.message_dict
    assert not early.revisitations.exists()


def test_a_decision_taken_earlier_keeps_its_day_and_the_wait_stops_there(personas, citizen):
    today = timezone.localdate()
    visitation = services.visitation_propose(
        citizen=citizen, by=personas.caseworker, proposed_on=today - timedelta(days=400)
    )
    services.visitation_accept(
        visitation=visitation, by=personas.actor, reviewed_on=today - timedelta(days=388)
    )
    assert timezone.localdate(visitation.reviewed_at) == today - timedelta(days=388)
    assert visitation.days_waited() == 12


def test_a_decision_cannot_be_dated_before_the_proposal_or_in_the_future(personas, citizen):
    today = timezone.localdate()
    visitation = services.visitation_propose(
        citizen=citizen, by=personas.caseworker, proposed_on=today - timedelta(days=5)
    )
    for day in (today - timedelta(days=6), today + timedelta(days=1)):
        with pytest.raises(ValidationError, match="mellem visitationsdatoen og i dag"):
            services.visitation_reject(
                visitation=visitation, by=personas.actor, reason="Nej", reviewed_on=day
            )
    assert visitation.status == VisitationStatus.PROPOSED
