from partnerships.models import PROGRAMME_WRITERS, STEERING_READERS
from siv.roles import Role
from tests.factories.partnerships import (
    CollaborationEvaluationFactory,
    GrowthPartnershipFactory,
    PartnershipMeetingFactory,
    SteeringGroupMeetingFactory,
)
from tests.matrix import ALL_ROLES, Case, run_matrix

ADMIN = frozenset({Role.ADMIN})
PARTNERSHIP_READERS_ABROAD = frozenset({Role.CONTROLLER, Role.ADMIN, Role.BUSINESS_DEVELOPER})


def _partnership(world, cluster):
    return GrowthPartnershipFactory(
        municipality=world.municipality,
        cluster=cluster,
        partners=[world.actor_org, world.company_org],
    )


def own_partnership(p):
    return [_partnership(p.own, p.cluster).pk]


def foreign_partnership(p):
    return [_partnership(p.foreign, p.cluster).pk]


def _meeting(world, cluster):
    meeting = PartnershipMeetingFactory(partnership=_partnership(world, cluster))
    return [meeting.partnership_id, meeting.pk]


def _evaluation(world, cluster):
    evaluation = CollaborationEvaluationFactory(
        partnership=_partnership(world, cluster), organisation=world.company_org
    )
    return [evaluation.partnership_id, evaluation.pk]


def cluster(p):
    return [p.cluster.pk]


def membership(p):
    return [p.cluster.pk, p.cluster.memberships.get(municipality=p.own.municipality).pk]


def steering_meeting(p):
    return [SteeringGroupMeetingFactory(attending_municipalities=[p.own.municipality]).pk]


CASES = [
    # Clusters: programme structure, read by everybody, edited by the programme writers.
    Case("partnerships:cluster_list", ALL_ROLES),
    Case("partnerships:cluster_detail", ALL_ROLES, own=cluster),
    Case("partnerships:cluster_create", PROGRAMME_WRITERS),
    Case("partnerships:cluster_edit", PROGRAMME_WRITERS, own=cluster),
    Case("partnerships:membership_create", PROGRAMME_WRITERS, own=cluster),
    Case("partnerships:membership_edit", PROGRAMME_WRITERS, own=membership),
    # Organisations
    Case("partnerships:organisation_list", PROGRAMME_WRITERS),
    Case("partnerships:organisation_create", PROGRAMME_WRITERS),
    Case(
        "partnerships:organisation_edit",
        PROGRAMME_WRITERS,
        own=lambda p: [p.own.actor_org.pk],
        foreign=lambda p: [p.foreign.actor_org.pk],
    ),
    # Growth partnerships
    Case("partnerships:partnership_list", ALL_ROLES),
    Case(
        "partnerships:partnership_detail",
        ALL_ROLES,
        own=own_partnership,
        foreign=foreign_partnership,
        foreign_roles=PARTNERSHIP_READERS_ABROAD,
    ),
    Case("partnerships:partnership_create", PROGRAMME_WRITERS),
    Case(
        "partnerships:partnership_edit",
        PROGRAMME_WRITERS,
        own=own_partnership,
        foreign=foreign_partnership,
    ),
    Case(
        "partnerships:plan_entry_edit",
        PROGRAMME_WRITERS,
        own=own_partnership,
        foreign=foreign_partnership,
    ),
    Case(
        "partnerships:meeting_create",
        PROGRAMME_WRITERS,
        own=own_partnership,
        foreign=foreign_partnership,
    ),
    Case(
        "partnerships:meeting_edit",
        PROGRAMME_WRITERS,
        own=lambda p: _meeting(p.own, p.cluster),
        foreign=lambda p: _meeting(p.foreign, p.cluster),
    ),
    Case(
        "partnerships:meeting_delete",
        PROGRAMME_WRITERS,
        own=lambda p: _meeting(p.own, p.cluster),
        foreign=lambda p: _meeting(p.foreign, p.cluster),
    ),
    Case(
        "partnerships:evaluation_create",
        PROGRAMME_WRITERS,
        own=own_partnership,
        foreign=foreign_partnership,
    ),
    Case(
        "partnerships:evaluation_detail",
        ALL_ROLES,
        own=lambda p: _evaluation(p.own, p.cluster),
        foreign=lambda p: _evaluation(p.foreign, p.cluster),
        foreign_roles=PARTNERSHIP_READERS_ABROAD,
    ),
    Case(
        "partnerships:evaluation_edit",
        PROGRAMME_WRITERS,
        own=lambda p: _evaluation(p.own, p.cluster),
        foreign=lambda p: _evaluation(p.foreign, p.cluster),
    ),
    # Steering group
    Case("partnerships:steering_list", STEERING_READERS),
    Case("partnerships:steering_detail", STEERING_READERS, own=steering_meeting),
    Case("partnerships:steering_create", PROGRAMME_WRITERS),
    Case("partnerships:steering_edit", PROGRAMME_WRITERS, own=steering_meeting),
    Case("partnerships:steering_delete", PROGRAMME_WRITERS, own=steering_meeting),
    # Users: the administrator's alone. The actions are POST only (GET: 405 for the admin).
    Case("partnerships:user_list", ADMIN),
    Case("partnerships:user_create", ADMIN),
    Case(
        "partnerships:user_detail",
        ADMIN,
        own=lambda p: [p.caseworker.pk],
        foreign=lambda p: [p.foreign[Role.CASEWORKER].pk],
    ),
    Case(
        "partnerships:user_edit",
        ADMIN,
        own=lambda p: [p.caseworker.pk],
        foreign=lambda p: [p.foreign[Role.CASEWORKER].pk],
    ),
    Case("partnerships:user_set_active", ADMIN, own=lambda p: [p.caseworker.pk], status_ok=405),
    Case("partnerships:user_reset_lockout", ADMIN, own=lambda p: [p.caseworker.pk], status_ok=405),
    Case(
        "partnerships:user_reset_second_factor",
        ADMIN,
        own=lambda p: [p.caseworker.pk],
        status_ok=405,
    ),
]

test_permission, test_signed_out_is_sent_to_login = run_matrix(CASES)
