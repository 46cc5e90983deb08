from siv.roles import Role
from tests.factories.partnerships import (
    CollaborationEvaluationFactory,
    GrowthPartnershipFactory,
    PartnershipMeetingFactory,
    SteeringGroupMeetingFactory,
)
from tests.matrix import Case, run_matrix

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
    Case("partnerships:cluster_list", "partnerships.view"),
    Case("partnerships:cluster_detail", "partnerships.view", own=cluster),
    Case("partnerships:cluster_create", "partnerships.manage"),
    Case("partnerships:cluster_edit", "partnerships.manage", own=cluster),
    Case("partnerships:membership_create", "partnerships.manage", own=cluster),
    Case("partnerships:membership_edit", "partnerships.manage", own=membership),
    # Organisations
    Case("partnerships:organisation_list", "partnerships.manage"),
    Case("partnerships:organisation_create", "partnerships.manage"),
    Case(
        "partnerships:organisation_edit",
        "partnerships.manage",
        own=lambda p: [p.own.actor_org.pk],
        foreign=lambda p: [p.foreign.actor_org.pk],
    ),
    # Growth partnerships
    Case("partnerships:partnership_list", "partnerships.view"),
    Case(
        "partnerships:partnership_detail",
        "partnerships.view",
        own=own_partnership,
        foreign=foreign_partnership,
        foreign_roles=PARTNERSHIP_READERS_ABROAD,
    ),
    Case("partnerships:partnership_create", "partnerships.manage"),
    Case(
        "partnerships:partnership_edit",
        "partnerships.manage",
        own=own_partnership,
        foreign=foreign_partnership,
    ),
    Case(
        "partnerships:plan_entry_edit",
        "partnerships.manage",
        own=own_partnership,
        foreign=foreign_partnership,
    ),
    Case(
        "partnerships:meeting_create",
        "partnerships.manage",
        own=own_partnership,
        foreign=foreign_partnership,
    ),
    Case(
        "partnerships:meeting_edit",
        "partnerships.manage",
        own=lambda p: _meeting(p.own, p.cluster),
        foreign=lambda p: _meeting(p.foreign, p.cluster),
    ),
    Case(
        "partnerships:meeting_delete",
        "partnerships.manage",
        own=lambda p: _meeting(p.own, p.cluster),
        foreign=lambda p: _meeting(p.foreign, p.cluster),
    ),
    Case(
        "partnerships:evaluation_create",
        "partnerships.manage",
        own=own_partnership,
        foreign=foreign_partnership,
    ),
    Case(
        "partnerships:evaluation_detail",
        "partnerships.view",
        own=lambda p: _evaluation(p.own, p.cluster),
        foreign=lambda p: _evaluation(p.foreign, p.cluster),
        foreign_roles=PARTNERSHIP_READERS_ABROAD,
    ),
    Case(
        "partnerships:evaluation_edit",
        "partnerships.manage",
        own=lambda p: _evaluation(p.own, p.cluster),
        foreign=lambda p: _evaluation(p.foreign, p.cluster),
    ),
    # Steering group
    Case("partnerships:steering_list", "steering.view"),
    Case("partnerships:steering_detail", "steering.view", own=steering_meeting),
    Case("partnerships:steering_create", "partnerships.manage"),
    Case("partnerships:steering_edit", "partnerships.manage", own=steering_meeting),
    Case("partnerships:steering_delete", "partnerships.manage", own=steering_meeting),
    # Users: the administrator's alone. The actions are POST only (GET: 405 for the admin).
    Case("partnerships:user_list", "users.manage"),
    Case("partnerships:user_create", "users.manage"),
    Case(
        "partnerships:user_detail",
        "users.manage",
        own=lambda p: [p.caseworker.pk],
        foreign=lambda p: [p.foreign[Role.CASEWORKER].pk],
    ),
    Case(
        "partnerships:user_edit",
        "users.manage",
        own=lambda p: [p.caseworker.pk],
        foreign=lambda p: [p.foreign[Role.CASEWORKER].pk],
    ),
    Case(
        "partnerships:user_set_active",
        "users.manage",
        own=lambda p: [p.caseworker.pk],
        status_ok=405,
    ),
    Case(
        "partnerships:user_reset_lockout",
        "users.manage",
        own=lambda p: [p.caseworker.pk],
        status_ok=405,
    ),
    Case(
        "partnerships:user_reset_second_factor",
        "users.manage",
        own=lambda p: [p.caseworker.pk],
        status_ok=405,
    ),
    Case(
        "partnerships:user_admin_grant_approve",
        "users.manage",
        own=lambda p: [p.caseworker.pk],
        status_ok=405,
    ),
    Case(
        "partnerships:user_admin_grant_reject",
        "users.manage",
        own=lambda p: [p.caseworker.pk],
        status_ok=405,
    ),
    Case(
        "partnerships:user_enrolment_code",
        "users.manage",
        own=lambda p: [p.caseworker.pk],
        status_ok=405,
    ),
    Case(
        "partnerships:user_password_link",
        "users.manage",
        own=lambda p: [p.caseworker.pk],
        status_ok=405,
    ),
]

test_permission, test_signed_out_is_sent_to_login = run_matrix(CASES)
