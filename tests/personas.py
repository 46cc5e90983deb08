"""The people in SIV's test stories, built with factory-boy.

Every role has a persona in the 'own' world (Køge, the Stevns actor, business developer
Anna, company Grøn Vask) and a colleague in the 'foreign' world (Næstved, another actor,
business developer Bo, another company), so each test can ask: own object, foreign object.
"""

from dataclasses import dataclass, field

from partnerships.models import OrganisationKind, User
from siv.roles import Role

from .factories.partnerships import (
    ClusterFactory,
    ClusterMembershipFactory,
    OrganisationFactory,
    UserFactory,
    municipality,
)


@dataclass
class World:
    """One side of the story: its municipality, organisations and people."""

    municipality: object
    jobcentre: object
    actor_org: object
    company_org: object
    users: dict[str, User] = field(default_factory=dict)

    def __getitem__(self, role: str) -> User:
        return self.users[role]


@dataclass
class Personas:
    own: World
    foreign: World
    fund: object
    cluster: object

    @property
    def caseworker(self) -> User:
        return self.own[Role.CASEWORKER]

    @property
    def lead(self) -> User:
        return self.own[Role.MUNICIPAL_LEAD]

    @property
    def actor(self) -> User:
        return self.own[Role.EMPLOYMENT_ACTOR]

    @property
    def developer(self) -> User:
        return self.own[Role.BUSINESS_DEVELOPER]

    @property
    def controller(self) -> User:
        return self.own[Role.CONTROLLER]

    @property
    def contact(self) -> User:
        return self.own[Role.COMPANY_CONTACT]

    @property
    def admin(self) -> User:
        return self.own[Role.ADMIN]


def _world(
    prefix: str,
    muni_name: str,
    actor_muni: str,
    actor_name: str,
    company: str,
    fund,
    cluster,
    developer: str,
) -> World:
    muni = municipality(muni_name)
    ClusterMembershipFactory(cluster=cluster, municipality=muni, slots=12)
    jobcentre = OrganisationFactory(
        kind=OrganisationKind.MUNICIPALITY, name=f"Jobcenter {muni_name}", municipality=muni
    )
    actor_org = OrganisationFactory(
        kind=OrganisationKind.EMPLOYMENT_ACTOR,
        name=actor_name,
        municipality=municipality(actor_muni),
    )
    company_org = OrganisationFactory(
        kind=OrganisationKind.COMPANY, name=company, municipality=muni
    )
    world = World(muni, jobcentre, actor_org, company_org)
    world.users = {
        Role.CASEWORKER: UserFactory(
            username=f"{prefix}-sagsbehandler",
            role=Role.CASEWORKER,
            organisation=jobcentre,
            municipality=muni,
        ),
        Role.MUNICIPAL_LEAD: UserFactory(
            username=f"{prefix}-projektleder",
            role=Role.MUNICIPAL_LEAD,
            organisation=jobcentre,
            municipality=muni,
        ),
        Role.EMPLOYMENT_ACTOR: UserFactory(
            username=f"{prefix}-aktoer", role=Role.EMPLOYMENT_ACTOR, organisation=actor_org
        ),
        Role.BUSINESS_DEVELOPER: UserFactory(
            username=developer, role=Role.BUSINESS_DEVELOPER, organisation=fund
        ),
        Role.CONTROLLER: UserFactory(
            username=f"{prefix}-controller", role=Role.CONTROLLER, organisation=fund
        ),
        Role.COMPANY_CONTACT: UserFactory(
            username=f"{prefix}-virksomhed", role=Role.COMPANY_CONTACT, organisation=company_org
        ),
        Role.ADMIN: UserFactory(username=f"{prefix}-admin", role=Role.ADMIN, organisation=fund),
    }
    return world


def make_personas() -> Personas:
    fund = OrganisationFactory(kind=OrganisationKind.FUND, name="Den Sociale Kapitalfond")
    cluster = ClusterFactory(number=1, start_year=2019)
    own = _world(
        "koege",
        "Køge",
        "Stevns",
        "Stevns Beskæftigelse",
        "Grøn Vask ApS",
        fund,
        cluster,
        "anna-udvikler",
    )
    foreign = _world(
        "naestved",
        "Næstved",
        "Næstved",
        "Næstved Jobværksted",
        "Sydhavn Café ApS",
        fund,
        cluster,
        "bo-udvikler",
    )
    return Personas(own=own, foreign=foreign, fund=fund, cluster=cluster)
