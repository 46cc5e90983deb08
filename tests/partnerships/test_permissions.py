from siv.roles import Role
from tests.factories.partnerships import GrowthPartnershipFactory
from tests.matrix import ALL_ROLES, Case, run_matrix


def own_partnership(p):
    partnership = GrowthPartnershipFactory(
        municipality=p.own.municipality,
        cluster=p.cluster,
        partners=[p.own.actor_org, p.own.company_org],
    )
    return [partnership.pk]


def foreign_partnership(p):
    partnership = GrowthPartnershipFactory(
        municipality=p.foreign.municipality,
        cluster=p.cluster,
        partners=[p.foreign.actor_org, p.foreign.company_org],
    )
    return [partnership.pk]


CASES = [
    Case("partnerships:partnership_list", ALL_ROLES),
    Case(
        "partnerships:partnership_detail",
        ALL_ROLES,
        own=own_partnership,
        foreign=foreign_partnership,
        foreign_roles=frozenset({Role.CONTROLLER, Role.ADMIN, Role.BUSINESS_DEVELOPER}),
    ),
]

test_permission, test_signed_out_is_sent_to_login = run_matrix(CASES)
