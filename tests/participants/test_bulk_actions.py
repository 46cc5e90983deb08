"""The handover and bulk actions' services: each planned, then confirmed with the plan's
fingerprint; all or nothing; a log row per citizen changed plus one for the action; only
the citizens the user may act on."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from participants.bulk import services
from participants.models import Citizen, HoursEntry, HoursKind, Pause, PauseReason
from participants.track.services import citizen_update
from partnerships.models import OrganisationKind
from siv.models import AuditAction, AuditEntry
from siv.roles import Role
from tests.factories.participants import (
    CitizenFactory,
    ExitFormFactory,
    HoursEntryFactory,
    PauseFactory,
)
from tests.factories.partnerships import (
    GrowthPartnershipFactory,
    OrganisationFactory,
    UserFactory,
)

from .helpers import citizen_in

pytestmark = pytest.mark.django_db

STALE = "Deltagerne eller deres data er ændret siden forhåndsvisningen."


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(
        datetime(2024, 10, 1, 10, tzinfo=ZoneInfo("Europe/Copenhagen")), tick=False
    ):
        yield


@pytest.fixture
def colleague(personas):
    """A second caseworker in Køge's jobcentre."""
    return UserFactory(
        username="koege-kollega",
        role=Role.CASEWORKER,
        organisation=personas.own.jobcentre,
        municipality=personas.own.municipality,
    )


def citizen_rows(bulk_id: str):
    citizen_type = ContentType.objects.get_for_model(Citizen)
    return AuditEntry.objects.filter(content_type=citizen_type, details__bulk_id=bulk_id)


def action_row(action: str) -> AuditEntry:
    return AuditEntry.objects.get(details__bulk_action=action)


# --- A caseworker's citizens to a colleague ------------------------------------------------


def handover(by, from_caseworker, to_caseworker, token=None):
    if token is None:
        token = services.handover_plan(
            by=by, from_caseworker=from_caseworker, to_caseworker=to_caseworker
        ).token
    return services.caseworker_handover(
        by=by, from_caseworker=from_caseworker, to_caseworker=to_caseworker, token=token
    )


def test_a_caseworker_hands_their_citizens_to_a_colleague(personas, colleague):
    me = personas.caseworker
    mine = [citizen_in(personas.own, personas.cluster, caseworker=me) for _ in range(3)]
    theirs = citizen_in(personas.own, personas.cluster, caseworker=colleague)
    left = citizen_in(personas.own, personas.cluster, caseworker=me)
    ExitFormFactory(citizen=left, exit_date=date(2024, 9, 1))

    plan = services.handover_plan(by=me, from_caseworker=me, to_caseworker=colleague)
    assert plan.count == 4 and not plan.refused
    assert handover(me, me, colleague, plan.token) == 4

    assert set(Citizen.objects.filter(caseworker=colleague)) == {*mine, left, theirs}
    assert not Citizen.objects.filter(caseworker=me).exists()
    action = action_row("handover")
    assert action.actor == me
    assert action.details["from"] == me.pk and action.details["to"] == colleague.pk
    assert sorted(action.details["citizens"]) == sorted(c.pk for c in [*mine, left])
    rows = citizen_rows(action.details["bulk_id"])
    assert sorted(int(r.object_id) for r in rows) == sorted(c.pk for c in [*mine, left])
    assert all(r.action == AuditAction.CHANGE for r in rows)
    assert all(r.details["after"]["caseworker"] == colleague.pk for r in rows)


def test_a_handover_to_a_caseworker_in_another_jobcentre_is_refused(personas):
    me = personas.caseworker
    citizen = citizen_in(personas.own, personas.cluster, caseworker=me)
    elsewhere = personas.foreign[Role.CASEWORKER]
    with pytest.raises(ValidationError, match="Kollegaen arbejder i et andet jobcenter."):
        services.handover_plan(by=me, from_caseworker=me, to_caseworker=elsewhere)
    with pytest.raises(ValidationError, match="Kollegaen arbejder i et andet jobcenter."):
        handover(me, me, elsewhere, token="x")
    citizen.refresh_from_db()
    assert citizen.caseworker == me
    assert not AuditEntry.objects.filter(details__bulk_action="handover").exists()


def test_a_handover_to_oneself_is_refused(personas):
    me = personas.caseworker
    with pytest.raises(ValidationError, match="Vælg en anden sagsbehandler"):
        services.handover_plan(by=me, from_caseworker=me, to_caseworker=me)


def test_a_caseworker_cannot_hand_over_a_colleagues_citizens(personas, colleague):
    citizen_in(personas.own, personas.cluster, caseworker=colleague)
    with pytest.raises(PermissionDenied):
        services.handover_plan(
            by=personas.caseworker, from_caseworker=colleague, to_caseworker=personas.caseworker
        )


def test_the_municipal_lead_hands_over_any_caseworkers_citizens(personas, colleague):
    me = personas.caseworker
    citizen = citizen_in(personas.own, personas.cluster, caseworker=me)
    assert handover(personas.lead, me, colleague) == 1
    citizen.refresh_from_db()
    assert citizen.caseworker == colleague
    assert action_row("handover").actor == personas.lead


def test_the_lead_hands_over_the_citizens_of_a_caseworker_who_has_left(personas, colleague):
    gone = UserFactory(
        username="koege-fratraadt",
        role=Role.CASEWORKER,
        organisation=personas.own.jobcentre,
        municipality=personas.own.municipality,
        is_active=False,
    )
    citizen = citizen_in(personas.own, personas.cluster, caseworker=gone)
    assert handover(personas.lead, gone, colleague) == 1
    citizen.refresh_from_db()
    assert citizen.caseworker == colleague


def test_a_handover_to_a_closed_account_is_refused(personas, colleague):
    colleague.is_active = False
    colleague.save()
    me = personas.caseworker
    citizen_in(personas.own, personas.cluster, caseworker=me)
    with pytest.raises(ValidationError, match="Vælg en sagsbehandler."):
        handover(me, me, colleague)


def test_a_change_between_preview_and_confirmation_refuses_the_handover(personas, colleague):
    me = personas.caseworker
    first, second = (citizen_in(personas.own, personas.cluster, caseworker=me) for _ in "ab")
    plan = services.handover_plan(by=me, from_caseworker=me, to_caseworker=colleague)
    citizen_update(citizen=second, by=personas.actor, phone="12345678")

    with pytest.raises(ValidationError, match=STALE):
        handover(me, me, colleague, plan.token)
    assert set(Citizen.objects.filter(caseworker=me)) == {first, second}
    # A citizen given to the caseworker meanwhile changes the set as well.
    plan = services.handover_plan(by=me, from_caseworker=me, to_caseworker=colleague)
    citizen_in(personas.own, personas.cluster, caseworker=me)
    with pytest.raises(ValidationError, match=STALE):
        handover(me, me, colleague, plan.token)
    assert Citizen.objects.filter(caseworker=colleague).count() == 0


def test_a_handover_without_citizens_is_refused(personas, colleague):
    me = personas.caseworker
    with pytest.raises(ValidationError, match="ingen deltagere"):
        handover(me, me, colleague)


# --- An actor's citizens to another actor --------------------------------------------------


@pytest.fixture
def new_actor(personas):
    return OrganisationFactory(
        kind=OrganisationKind.EMPLOYMENT_ACTOR,
        name="Køge Jobhus",
        municipality=personas.own.municipality,
    )


def move(by, municipality, from_actor, to_actor, token=None):
    args = {"municipality": municipality, "from_actor": from_actor, "to_actor": to_actor}
    if token is None:
        token = services.actor_move_plan(by=by, **args).token
    return services.actor_move(by=by, token=token, **args)


def test_the_municipal_lead_moves_an_actors_active_citizens(personas, new_actor):
    own, old = personas.own, personas.own.actor_org
    active = [citizen_in(own, personas.cluster) for _ in range(2)]
    left = citizen_in(own, personas.cluster)
    ExitFormFactory(citizen=left, exit_date=date(2024, 9, 1))
    # The same actor's citizen in another municipality is not the lead's to move.
    foreign = CitizenFactory(
        municipality=personas.foreign.municipality, employment_actor=old, cluster=personas.cluster
    )

    assert move(personas.lead, own.municipality, old, new_actor) == 2

    assert set(Citizen.objects.filter(employment_actor=new_actor)) == set(active)
    for citizen in (left, foreign):
        citizen.refresh_from_db()
        assert citizen.employment_actor == old
    action = action_row("actor")
    assert action.details["municipality"] == own.municipality.pk
    assert citizen_rows(action.details["bulk_id"]).count() == 2


def test_moving_to_the_same_actor_or_another_kind_is_refused(personas):
    own = personas.own
    citizen_in(own, personas.cluster)
    with pytest.raises(ValidationError, match="anden beskæftigelsesaktør"):
        move(personas.lead, own.municipality, own.actor_org, own.actor_org)
    with pytest.raises(ValidationError, match="Vælg en beskæftigelsesaktør."):
        move(personas.lead, own.municipality, own.actor_org, own.company_org)


def test_the_lead_cannot_move_another_municipalitys_citizens(personas, new_actor):
    citizen = citizen_in(personas.foreign, personas.cluster)
    with pytest.raises(PermissionDenied):
        move(personas.lead, personas.foreign.municipality, personas.foreign.actor_org, new_actor)
    citizen.refresh_from_db()
    assert citizen.employment_actor == personas.foreign.actor_org


def test_the_controller_moves_in_any_municipality(personas, new_actor):
    foreign = personas.foreign
    citizen = citizen_in(foreign, personas.cluster)
    assert move(personas.controller, foreign.municipality, foreign.actor_org, new_actor) == 1
    citizen.refresh_from_db()
    assert citizen.employment_actor == new_actor


# --- A pause for a municipality or a partnership -------------------------------------------

START, END = date(2024, 3, 11), date(2024, 4, 14)


def pause(by, token=None, start=START, end=END, **where):
    args = {"start": start, "end": end, "reason": PauseReason.LOCKDOWN, **where}
    if token is None:
        token = services.pause_plan(by=by, **args).token
    return services.bulk_pause(by=by, token=token, **args)


def test_every_active_citizen_of_the_municipality_is_paused(personas):
    own = personas.own
    active = [citizen_in(own, personas.cluster) for _ in range(3)]
    not_started = citizen_in(own, personas.cluster, phase1_start=date(2024, 5, 6))
    gone = citizen_in(own, personas.cluster)
    ExitFormFactory(citizen=gone, exit_date=date(2024, 2, 1))
    foreign = citizen_in(personas.foreign, personas.cluster)

    assert pause(personas.lead, municipality=own.municipality) == 3

    paused = Pause.objects.filter(start=START, end=END, reason=PauseReason.LOCKDOWN)
    assert set(paused.values_list("citizen", flat=True)) == {c.pk for c in active}
    assert not Pause.objects.filter(citizen__in=[not_started, gone, foreign]).exists()
    action = action_row("pause")
    assert sorted(action.details["pauses"]) == sorted(paused.values_list("pk", flat=True))
    assert action.details["start"] == "2024-03-11"
    # Each pause is logged by pause_add, as one registered on the citizen's page.
    pause_type = ContentType.objects.get_for_model(Pause)
    created = AuditEntry.objects.filter(content_type=pause_type, action=AuditAction.CREATE)
    assert sorted(r.details["citizen"] for r in created) == sorted(c.pk for c in active)


def test_a_partnerships_citizens_only(personas):
    own = personas.own
    partnership = GrowthPartnershipFactory(municipality=own.municipality, cluster=personas.cluster)
    inside = citizen_in(own, personas.cluster, partnership=partnership)
    outside = citizen_in(own, personas.cluster)
    assert pause(personas.controller, partnership=partnership) == 1
    assert Pause.objects.filter(citizen=inside).exists()
    assert not Pause.objects.filter(citizen=outside).exists()


def test_a_pause_overlapping_an_exit_refuses_the_whole_action(personas):
    own = personas.own
    fine = [citizen_in(own, personas.cluster) for _ in range(2)]
    leaving = citizen_in(own, personas.cluster)
    ExitFormFactory(citizen=leaving, exit_date=date(2024, 3, 25))

    plan = services.pause_plan(
        by=personas.lead,
        start=START,
        end=END,
        reason=PauseReason.LOCKDOWN,
        municipality=own.municipality,
    )
    assert plan.count == 3
    assert list(plan.refused) == [leaving.pk]
    assert "Slutdatoen skal ligge senest på ophørsdagen (25.03.2024)." in plan.refused[leaving.pk]

    with pytest.raises(ValidationError, match="1 af deltagerne kan ikke sættes på pause"):
        pause(personas.lead, token=plan.token, municipality=own.municipality)
    assert not Pause.objects.filter(citizen__in=[*fine, leaving]).exists()
    assert not AuditEntry.objects.filter(details__bulk_action="pause").exists()


def test_a_citizen_who_left_after_the_period_is_not_taken(personas):
    own = personas.own
    stays = citizen_in(own, personas.cluster)
    gone_later = citizen_in(own, personas.cluster)
    ExitFormFactory(citizen=gone_later, exit_date=date(2024, 6, 28))
    assert pause(personas.lead, municipality=own.municipality) == 1
    assert Pause.objects.get().citizen == stays


def test_a_citizen_already_paused_in_the_period_is_refused(personas):
    own = personas.own
    citizen = citizen_in(own, personas.cluster)
    PauseFactory(citizen=citizen, start=date(2024, 4, 1), end=date(2024, 4, 30))
    plan = services.pause_plan(
        by=personas.lead,
        start=START,
        end=END,
        reason=PauseReason.LOCKDOWN,
        municipality=own.municipality,
    )
    assert plan.refused == {citizen.pk: ["Pausen overlapper en anden pause."]}


def test_a_reversed_period_is_refused(personas):
    citizen_in(personas.own, personas.cluster)
    with pytest.raises(ValidationError, match="Slutdatoen ligger før startdatoen."):
        pause(personas.lead, start=END, end=START, municipality=personas.own.municipality)
    assert not Pause.objects.exists()


def test_the_lead_cannot_pause_another_municipality(personas):
    citizen_in(personas.foreign, personas.cluster)
    with pytest.raises(PermissionDenied):
        pause(personas.lead, municipality=personas.foreign.municipality)
    assert not Pause.objects.exists()


def test_a_caseworker_may_not_pause_in_bulk(personas):
    with pytest.raises(PermissionDenied):
        pause(personas.caseworker, token="x", municipality=personas.own.municipality)


# --- A citizen's hours from one kind to another --------------------------------------------


def hours(citizen, week, kind, amount):
    return HoursEntryFactory(citizen=citizen, week_start=week, kind=kind, hours=Decimal(amount))


def recategorise(by, citizen, token=None, **args):
    args = {
        "from_kind": HoursKind.PRACTICE,
        "to_kind": HoursKind.PAID,
        "start": date(2024, 3, 4),
        "end": date(2024, 3, 17),
        **args,
    }
    if token is None:
        token = services.recategorise_plan(by=by, citizen=citizen, **args).token
    return services.hours_recategorise(by=by, citizen=citizen, token=token, **args)


def stored(citizen):
    return sorted(
        (row.week_start, row.kind, row.hours) for row in HoursEntry.objects.filter(citizen=citizen)
    )


def test_the_controller_moves_practice_hours_to_paid_keeping_the_original(personas):
    citizen = citizen_in(personas.own, personas.cluster)
    hours(citizen, date(2024, 3, 4), HoursKind.PRACTICE, "10")
    hours(citizen, date(2024, 3, 11), HoursKind.PRACTICE, "8")
    hours(citizen, date(2024, 3, 11), HoursKind.PAID, "4")
    hours(citizen, date(2024, 3, 18), HoursKind.PRACTICE, "6")  # after the period

    assert recategorise(personas.controller, citizen) == 2

    assert stored(citizen) == [
        (date(2024, 3, 4), HoursKind.PAID, Decimal("10.00")),
        (date(2024, 3, 11), HoursKind.PAID, Decimal("12.00")),
        (date(2024, 3, 18), HoursKind.PRACTICE, Decimal("6.00")),
    ]
    row = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Citizen), object_id=str(citizen.pk)
    )
    assert row.actor == personas.controller
    assert sorted((o["week"], o["kind"], o["hours"]) for o in row.details["original"]) == [
        ("2024-03-04", "practice", "10.00"),
        ("2024-03-11", "paid", "4.00"),
        ("2024-03-11", "practice", "8.00"),
    ]
    assert action_row("hours").details["bulk_id"] == row.details["bulk_id"]


def test_hours_to_the_same_kind_or_a_reversed_period_are_refused(personas):
    citizen = citizen_in(personas.own, personas.cluster)
    hours(citizen, date(2024, 3, 4), HoursKind.PRACTICE, "10")
    with pytest.raises(ValidationError, match="Timerne skal flyttes til en anden type."):
        recategorise(personas.controller, citizen, to_kind=HoursKind.PRACTICE)
    with pytest.raises(ValidationError, match="Slutdatoen ligger før startdatoen."):
        recategorise(personas.controller, citizen, start=date(2024, 3, 17), end=date(2024, 3, 4))
    with pytest.raises(ValidationError, match="ingen timer af den type"):
        recategorise(personas.controller, citizen, from_kind=HoursKind.TRAINING)
    assert stored(citizen) == [(date(2024, 3, 4), HoursKind.PRACTICE, Decimal("10.00"))]


def test_one_week_over_the_limit_refuses_every_week(personas):
    citizen = citizen_in(personas.own, personas.cluster)
    hours(citizen, date(2024, 3, 4), HoursKind.PRACTICE, "10")
    hours(citizen, date(2024, 3, 11), HoursKind.PRACTICE, "30")
    hours(citizen, date(2024, 3, 11), HoursKind.PAID, "35")
    before = stored(citizen)
    plan = services.recategorise_plan(
        by=personas.controller,
        citizen=citizen,
        from_kind=HoursKind.PRACTICE,
        to_kind=HoursKind.PAID,
        start=date(2024, 3, 4),
        end=date(2024, 3, 17),
    )
    assert plan.refused == {citizen.pk: ["Uge 2024-W11 ville få mere end 60 timer af typen."]}
    with pytest.raises(ValidationError, match="mere end 60 timer"):
        recategorise(personas.controller, citizen, token=plan.token)
    assert stored(citizen) == before
    assert not AuditEntry.objects.filter(details__bulk_action="hours").exists()


def test_hours_changed_since_the_preview_refuse_the_recategorisation(personas):
    citizen = citizen_in(personas.own, personas.cluster)
    entry = hours(citizen, date(2024, 3, 4), HoursKind.PRACTICE, "10")
    plan = services.recategorise_plan(
        by=personas.controller,
        citizen=citizen,
        from_kind=HoursKind.PRACTICE,
        to_kind=HoursKind.PAID,
        start=date(2024, 3, 4),
        end=date(2024, 3, 17),
    )
    HoursEntry.objects.filter(pk=entry.pk).update(hours=Decimal("12"))
    with pytest.raises(ValidationError, match=STALE):
        recategorise(personas.controller, citizen, token=plan.token)
    assert stored(citizen) == [(date(2024, 3, 4), HoursKind.PRACTICE, Decimal("12.00"))]


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.EMPLOYMENT_ACTOR, Role.MUNICIPAL_LEAD])
def test_only_the_controller_recategorises_hours(personas, role):
    citizen = citizen_in(personas.own, personas.cluster)
    hours(citizen, date(2024, 3, 4), HoursKind.PRACTICE, "10")
    with pytest.raises(PermissionDenied):
        recategorise(personas.own[role], citizen, token="x")
