"""Lists keep the same number of queries however many rows they show (no N+1)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships.models import Organisation, OrganisationKind
from siv.roles import Role
from tests.factories.partnerships import (
    ClusterFactory,
    ClusterMembershipFactory,
    GrowthPartnershipFactory,
    SteeringGroupMeetingFactory,
    UserFactory,
    municipality,
)

pytestmark = pytest.mark.django_db

MUNICIPALITIES = ["Roskilde", "Greve", "Solrød", "Faxe", "Vordingborg"]


def _more_partnerships(p):
    for name in MUNICIPALITIES:
        org = Organisation.objects.create(kind=OrganisationKind.COMPANY, name=f"Firma {name}")
        GrowthPartnershipFactory(municipality=municipality(name), cluster=p.cluster, partners=[org])


def _more_clusters(p):
    for number in range(5, 10):
        cluster = ClusterFactory(number=number)
        ClusterMembershipFactory(cluster=cluster, municipality=municipality("Roskilde"))


def _more_meetings(p):
    for day in range(1, 6):
        SteeringGroupMeetingFactory(
            date=datetime.date(2021, 1, day), attending_municipalities=[municipality("Faxe")]
        )


def _more_users(p):
    for n in range(5):
        UserFactory(username=f"ekstra{n}", role=Role.CONTROLLER, organisation=p.fund)


def _more_organisations(p):
    for name in MUNICIPALITIES:
        Organisation.objects.create(
            kind=OrganisationKind.MUNICIPALITY,
            name=f"Jobcenter {name}",
            municipality=municipality(name),
        )


LISTS = [
    ("partnerships:partnership_list", Role.CONTROLLER, _more_partnerships),
    ("partnerships:cluster_list", Role.CASEWORKER, _more_clusters),
    ("partnerships:steering_list", Role.MUNICIPAL_LEAD, _more_meetings),
    ("partnerships:user_list", Role.ADMIN, _more_users),
    ("partnerships:organisation_list", Role.CONTROLLER, _more_organisations),
]


@pytest.mark.parametrize(("url_name", "role", "grow"), LISTS, ids=[n for n, *_ in LISTS])
def test_a_list_costs_the_same_queries_for_more_rows(client, personas, url_name, role, grow):
    client.force_login(personas.own[role])
    url = reverse(url_name)
    GrowthPartnershipFactory(municipality=personas.own.municipality, cluster=personas.cluster)
    SteeringGroupMeetingFactory(attending_municipalities=[personas.own.municipality])
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    grow(personas)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["page"].paginator.count > 1
    assert len(many) == len(few), [q["sql"] for q in many]
