"""Who may open every accelerator page: own and foreign objects, all roles."""

import datetime

from siv.roles import Role
from tests.factories.accelerator import (
    CampaignFactory,
    CampFactory,
    JobCommitmentFactory,
    JobOpeningFactory,
    MilestoneFactory,
)
from tests.factories.partnerships import ClusterFactory, ClusterMembershipFactory, municipality
from tests.matrix import SEES_ALL, Case, run_matrix

from .conftest import foreign_company, own_company

# Who sees foreign programmes, campaigns and camps (row scoping, not the page permission).
FUND = frozenset({Role.BUSINESS_DEVELOPER, Role.CONTROLLER, Role.ADMIN})


def _own_company(p):
    return [own_company(p).pk]


def _foreign_company(p):
    return [foreign_company(p).pk]


def _other_cluster():
    cluster = ClusterFactory(number=2, start_year=2020)
    ClusterMembershipFactory(cluster=cluster, municipality=municipality("Silkeborg"))
    return cluster


def _own_cluster(p):
    return [p.cluster.pk]


def _foreign_cluster(p):
    return [_other_cluster().pk]


def _own_campaign(p):
    return [CampaignFactory(municipality=p.own.municipality, cluster=p.cluster).pk]


def _foreign_campaign(p):
    return [CampaignFactory(municipality=p.foreign.municipality, cluster=p.cluster).pk]


def _own_camp(p):
    return [CampFactory(cluster=p.cluster).pk]


def _foreign_camp(p):
    return [CampFactory(cluster=_other_cluster()).pk]


def _item(kind):
    """Builders for a row of this kind on the own and the foreign company."""

    def build(company):
        if kind == "contacts":
            return company.contacts.create(name="Kontakt")
        if kind == "buddies":
            return company.buddies.create(name="Buddy")
        if kind == "commitments":
            return JobCommitmentFactory(company=company)
        if kind == "openings":
            return JobOpeningFactory(company=company)
        if kind == "milestones":  # one of a kind per company: built once
            return company.milestones.first() or MilestoneFactory(company=company)
        return company.sessions.create(date=datetime.date(2020, 1, 1), hours=1, topic="Sparring")

    def own(p):
        company = own_company(p)
        return {"pk": company.pk, "item_pk": build(company).pk}

    def foreign(p):
        company = foreign_company(p)
        return {"pk": company.pk, "item_pk": build(company).pk}

    return own, foreign


def edit_case(kind):
    own, foreign = _item(kind)
    return Case(
        f"accelerator:company_{kind}_edit",
        "companies.write",
        own=own,
        foreign=foreign,
        foreign_roles=SEES_ALL,
    )


def company_case(name, permission="companies.view"):
    return Case(
        name, permission, own=_own_company, foreign=_foreign_company, foreign_roles=SEES_ALL
    )


CASES = [
    Case("accelerator:company_list", "companies.view"),
    Case("accelerator:company_create", "companies.manage"),
    company_case("accelerator:company_detail"),
    company_case("accelerator:company_edit", "companies.write"),
    company_case("accelerator:company_dropout", "companies.write"),
    company_case("accelerator:company_enrol", "companies.write"),
    company_case("accelerator:company_financials"),
    company_case("accelerator:company_contacts"),
    company_case("accelerator:company_buddies"),
    company_case("accelerator:company_milestones"),
    company_case("accelerator:company_commitments"),
    company_case("accelerator:company_sessions"),
    company_case("accelerator:company_openings"),
    # The contact log: the roles that keep it read it on the companies they see.
    company_case("accelerator:company_log", "company_log.view"),
    Case("accelerator:opening_list", "openings.view"),
    edit_case("contacts"),
    edit_case("buddies"),
    edit_case("milestones"),
    edit_case("commitments"),
    edit_case("sessions"),
    edit_case("openings"),
    Case("accelerator:programme_list", "programme.view"),
    Case(
        "accelerator:programme_detail",
        "programme.view",
        own=_own_cluster,
        foreign=_foreign_cluster,
        foreign_roles=FUND,
    ),
    Case("accelerator:campaign_list", "programme.view"),
    Case("accelerator:campaign_create", "recruitment.run"),
    Case(
        "accelerator:campaign_detail",
        "programme.view",
        own=_own_campaign,
        foreign=_foreign_campaign,
        foreign_roles=FUND,
    ),
    Case(
        "accelerator:campaign_invite",
        "recruitment.run",
        own=_own_campaign,
        foreign=_foreign_campaign,
        foreign_roles=FUND,
    ),
    Case(
        "accelerator:campaign_attendance",
        "recruitment.run",
        own=_own_campaign,
        foreign=_foreign_campaign,
        foreign_roles=FUND,
    ),
    Case("accelerator:camp_list", "programme.view"),
    Case("accelerator:camp_create", "recruitment.run"),
    Case(
        "accelerator:camp_detail",
        "programme.view",
        own=_own_camp,
        foreign=_foreign_camp,
        foreign_roles=FUND,
    ),
    Case(
        "accelerator:camp_edit",
        "recruitment.run",
        own=_own_camp,
        foreign=_foreign_camp,
        foreign_roles=FUND,
    ),
    Case(
        "accelerator:camp_attendance",
        "recruitment.run",
        own=_own_camp,
        foreign=_foreign_camp,
        foreign_roles=FUND,
    ),
]

test_permission, test_signed_out_is_sent_to_login = run_matrix(CASES)
