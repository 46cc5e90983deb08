import datetime

import factory
from factory.django import DjangoModelFactory

from partnerships.models import (
    EVALUATION_QUESTIONS,
    Cluster,
    ClusterMembership,
    CollaborationEvaluation,
    GrowthPartnership,
    Municipality,
    Organisation,
    OrganisationKind,
    PartnershipMeeting,
    SteeringGroupMeeting,
    User,
)
from siv.roles import Role

PASSWORD = "demo-adgang-2026"


def municipality(name: str) -> Municipality:
    """The shipped reference row (all 98 municipalities are migrated in)."""
    return Municipality.objects.get(name=name)


class ClusterFactory(DjangoModelFactory):
    class Meta:
        model = Cluster
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: n + 1)
    start_year = factory.LazyAttribute(lambda o: 2018 + o.number)


class ClusterMembershipFactory(DjangoModelFactory):
    class Meta:
        model = ClusterMembership
        django_get_or_create = ("cluster", "municipality")

    cluster = factory.SubFactory(ClusterFactory)
    municipality = factory.LazyFunction(lambda: municipality("Køge"))
    slots = 10


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("kind", "name")

    kind = OrganisationKind.EMPLOYMENT_ACTOR
    name = factory.Sequence(lambda n: f"Organisation {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"bruger{n}")
    first_name = factory.Faker("first_name", locale="da_DK")
    last_name = factory.Faker("last_name", locale="da_DK")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.dk")
    role = Role.CONTROLLER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class GrowthPartnershipFactory(DjangoModelFactory):
    class Meta:
        model = GrowthPartnership
        django_get_or_create = ("municipality", "cluster", "name")
        skip_postgeneration_save = True

    name = factory.LazyAttribute(lambda o: f"Vækstpartnerskab {o.municipality.name}")
    municipality = factory.LazyFunction(lambda: municipality("Køge"))
    cluster = factory.SubFactory(ClusterFactory, number=1)

    @factory.post_generation
    def partners(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.partners.set(extracted)


class PartnershipMeetingFactory(DjangoModelFactory):
    class Meta:
        model = PartnershipMeeting

    partnership = factory.SubFactory(GrowthPartnershipFactory)
    date = datetime.date(2020, 5, 4)
    notes = "Status på visitationer og virksomhedens behov."


class SteeringGroupMeetingFactory(DjangoModelFactory):
    class Meta:
        model = SteeringGroupMeeting
        skip_postgeneration_save = True

    date = datetime.date(2020, 4, 15)
    place = "Køge Rådhus"
    minutes = "Status på klynge 1."
    attendees = "Den Sociale Kapitalfond\nJobcenter Køge"

    @factory.post_generation
    def attending_municipalities(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.attending_municipalities.set(extracted)


def all_answers(answer: str = "yes", comment: str = "") -> dict:
    return {key: {"answer": answer, "comment": comment} for key, _label in EVALUATION_QUESTIONS}


class CollaborationEvaluationFactory(DjangoModelFactory):
    class Meta:
        model = CollaborationEvaluation
        django_get_or_create = ("partnership", "organisation", "year")

    partnership = factory.SubFactory(GrowthPartnershipFactory)
    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.COMPANY)
    year = 2021
    answers = factory.LazyFunction(all_answers)
