from participants.models import PlacementKind, VisitationStatus
from siv.roles import Role
from tests.factories.participants import (
    CitizenFactory,
    ExitFormFactory,
    PauseFactory,
    PlacementFactory,
    VisitationFactory,
)
from tests.matrix import Case, run_matrix

# The reveal's own expectation, written out rather than read from the table it checks.
CPR_ROLES = frozenset({Role.CASEWORKER, Role.EMPLOYMENT_ACTOR})


def own_citizen_obj(p):
    return CitizenFactory(
        municipality=p.own.municipality, employment_actor=p.own.actor_org, cluster=p.cluster
    )


def foreign_citizen_obj(p):
    return CitizenFactory(
        municipality=p.foreign.municipality,
        employment_actor=p.foreign.actor_org,
        cluster=p.cluster,
    )


def own_citizen(p):
    return [own_citizen_obj(p).pk]


def foreign_citizen(p):
    return [foreign_citizen_obj(p).pk]


def own_left_citizen(p):
    """Follow-ups are offered only after an exit."""
    return [ExitFormFactory(citizen=own_citizen_obj(p)).citizen_id]


def foreign_left_citizen(p):
    return [ExitFormFactory(citizen=foreign_citizen_obj(p)).citizen_id]


def own_proposal(p):
    citizen = own_citizen_obj(p)
    return [VisitationFactory(citizen=citizen, status=VisitationStatus.PROPOSED).pk]


def foreign_proposal(p):
    citizen = foreign_citizen_obj(p)
    return [VisitationFactory(citizen=citizen, status=VisitationStatus.PROPOSED).pk]


def own_open_pause(p):
    pause = PauseFactory(citizen=own_citizen_obj(p), end=None)
    return [pause.citizen_id, pause.pk]


def foreign_open_pause(p):
    pause = PauseFactory(citizen=foreign_citizen_obj(p), end=None)
    return [pause.citizen_id, pause.pk]


def own_placement(p):
    placement = PlacementFactory(citizen=own_citizen_obj(p), kind=PlacementKind.LOENTILSKUD)
    return [placement.citizen_id, placement.pk]


def foreign_placement(p):
    placement = PlacementFactory(citizen=foreign_citizen_obj(p), kind=PlacementKind.LOENTILSKUD)
    return [placement.citizen_id, placement.pk]


def own_checkpoint(p):
    return [*own_placement(p), 13]


def foreign_checkpoint(p):
    return [*foreign_placement(p), 13]


def _track_form(name: str) -> Case:
    return Case(name, "citizens.write", own=own_citizen, foreign=foreign_citizen)


CASES = [
    Case("participants:citizen_list", "citizens.view"),
    Case("participants:citizen_detail", "citizens.view", own=own_citizen, foreign=foreign_citizen),
    # POST only: GET answers 405 to the roles that may reveal, 404 to everybody else.
    Case(
        "participants:citizen_cpr_reveal",
        "citizens.cpr_reveal",
        own=own_citizen,
        foreign=foreign_citizen,
        status_ok=405,
    ),
    Case(
        "participants:citizen_lookups_export",
        "citizens.lookups_export",
        own=own_citizen,
        foreign=foreign_citizen,
    ),
    Case("participants:bulk_handover", "citizens.handover"),
    Case("participants:bulk_actor_move", "citizens.bulk"),
    Case("participants:bulk_pause", "citizens.bulk"),
    Case(
        "participants:hours_recategorise",
        "hours.recategorise",
        own=own_citizen,
        foreign=foreign_citizen,
    ),
    _track_form("participants:citizen_edit"),
    _track_form("participants:phase_start"),
    _track_form("participants:screening_add"),
    _track_form("participants:assessment_add"),
    _track_form("participants:pause_add"),
    Case(
        "participants:pause_end", "citizens.write", own=own_open_pause, foreign=foreign_open_pause
    ),
    _track_form("participants:placement_add"),
    Case(
        "participants:placement_edit",
        "citizens.write",
        own=own_placement,
        foreign=foreign_placement,
    ),
    Case(
        "participants:placement_retention",
        "citizens.write",
        own=own_checkpoint,
        foreign=foreign_checkpoint,
    ),
    _track_form("participants:course_add"),
    _track_form("participants:exit_add"),
    Case(
        "participants:followup_add",
        "citizens.write",
        own=own_left_citizen,
        foreign=foreign_left_citizen,
    ),
    Case(
        "participants:track_correct",
        "citizens.write",
        own=own_left_citizen,
        foreign=foreign_left_citizen,
    ),
    _track_form("participants:note_add"),
    Case("participants:visitation_list", "citizens.view"),
    Case("participants:visitation_propose", "visitations.propose"),
    Case(
        "participants:visitation_review",
        "visitations.review",
        own=own_proposal,
        foreign=foreign_proposal,
    ),
    Case(
        "participants:visitation_match_meeting",
        "visitations.match_meeting",
        own=own_proposal,
        foreign=foreign_proposal,
    ),
    Case("participants:revisitation_overview", "revisitations.view"),
    Case("participants:data_quality", "data_quality.view"),
    Case("participants:hours_week", "hours.actor_week"),
]

test_permission, test_signed_out_is_sent_to_login = run_matrix(CASES)


def test_reveal_by_post_shows_the_full_number_only_to_cpr_roles(client, personas):
    citizen = CitizenFactory(
        cpr="150685-1234",
        municipality=personas.own.municipality,
        employment_actor=personas.own.actor_org,
        cluster=personas.cluster,
    )
    for role in Role:
        client.force_login(personas.own[role])
        response = client.post(f"/deltagere/{citizen.pk}/cpr/")
        if role in CPR_ROLES:
            assert response.status_code == 200, role
            assert "150685-1234" in response.content.decode()
        else:
            assert response.status_code == 404, role


def test_reveal_by_post_on_a_foreign_citizen_is_not_found(client, personas):
    citizen = foreign_citizen_obj(personas)
    for role in CPR_ROLES:
        client.force_login(personas.own[role])
        assert client.post(f"/deltagere/{citizen.pk}/cpr/").status_code == 404
