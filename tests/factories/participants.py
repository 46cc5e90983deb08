from datetime import date, timedelta
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accelerator.models import Company
from participants import cpr as cpr_lib
from participants.models import (
    CaseNote,
    Citizen,
    CompetenceCourse,
    CourseKind,
    ExitForm,
    ExitStatus,
    FollowUp,
    FollowUpKind,
    Gender,
    HoursEntry,
    HoursKind,
    Pause,
    PauseReason,
    Placement,
    PlacementKind,
    PlacementStep,
    ProgressAssessment,
    Screening,
    Visitation,
    VisitationStatus,
)
from partnerships.models import OrganisationKind

from .partnerships import ClusterFactory, OrganisationFactory, municipality


def fake_cpr(n: int, birth: date = date(1985, 6, 15)) -> str:
    """A clearly fake CPR number with a real date: serial 0001–3999 (born 1900s)."""
    return f"{birth:%d%m%y}-{(n % 3999) + 1:04d}"


class CitizenFactory(DjangoModelFactory):
    """A citizen; pass `cpr="DDMMYY-SSSS"` to choose the (fake) CPR number."""

    class Meta:
        model = Citizen

    class Params:
        cpr = factory.Sequence(lambda n: fake_cpr(n, date(1980, 1, 1) + timedelta(days=n * 37)))

    cpr_encrypted = factory.LazyAttribute(lambda o: cpr_lib.encrypt(cpr_lib.parse(o.cpr).digits))
    cpr_hash = factory.LazyAttribute(lambda o: cpr_lib.keyed_hash(cpr_lib.parse(o.cpr).digits))
    birth_date = factory.LazyAttribute(lambda o: cpr_lib.parse(o.cpr).birth_date)
    first_name = factory.Faker("first_name", locale="da_DK")
    last_name = factory.Faker("last_name", locale="da_DK")
    gender = Gender.FEMALE
    target_group = "resource_course"
    benefit = "ressourceforloebsydelse"
    municipality = factory.LazyFunction(lambda: municipality("Køge"))
    cluster = factory.SubFactory(ClusterFactory, number=1)
    employment_actor = factory.SubFactory(
        OrganisationFactory, kind=OrganisationKind.EMPLOYMENT_ACTOR, name="Stevns Beskæftigelse"
    )
    phase1_start = date(2024, 1, 8)


class VisitationFactory(DjangoModelFactory):
    class Meta:
        model = Visitation

    citizen = factory.SubFactory(CitizenFactory)
    proposed_on = factory.LazyAttribute(
        lambda o: (o.citizen.phase1_start or date(2024, 1, 8)) - timedelta(days=10)
    )
    status = VisitationStatus.ACCEPTED
    realistic_20_hours = True


class PauseFactory(DjangoModelFactory):
    class Meta:
        model = Pause

    citizen = factory.SubFactory(CitizenFactory)
    start = date(2024, 2, 5)
    end = date(2024, 2, 18)
    reason = PauseReason.ILLNESS


class ScreeningFactory(DjangoModelFactory):
    class Meta:
        model = Screening

    citizen = factory.SubFactory(CitizenFactory)
    screened_on = date(2024, 1, 10)
    functional_level = 2
    barriers = factory.LazyFunction(lambda: ["health", "transport"])
    wishes = "Køkken eller lager"


class ProgressAssessmentFactory(DjangoModelFactory):
    class Meta:
        model = ProgressAssessment

    citizen = factory.SubFactory(CitizenFactory)
    assessed_on = date(2024, 3, 1)
    attendance_stability = 3
    social_skills = 3
    motivation = 4
    self_care = 3
    work_skills = 2


class HoursEntryFactory(DjangoModelFactory):
    class Meta:
        model = HoursEntry

    citizen = factory.SubFactory(CitizenFactory)
    week_start = date(2024, 1, 8)
    kind = HoursKind.TRAINING
    hours = Decimal("10")


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company
        django_get_or_create = ("cvr",)

    cvr = factory.Iterator(["35740015", "35740023", "35740031", "35740058", "12345674"])
    name = factory.Sequence(lambda n: f"Virksomhed {n} ApS")
    municipality = factory.LazyFunction(lambda: municipality("Køge"))


class PlacementFactory(DjangoModelFactory):
    class Meta:
        model = Placement

    citizen = factory.SubFactory(CitizenFactory)
    kind = PlacementKind.PRAKTIK
    company = factory.SubFactory(CompanyFactory)
    start = date(2024, 7, 8)
    hours_per_week = Decimal("12")
    buddy = "Buddy i virksomheden"


class PlacementStepFactory(DjangoModelFactory):
    class Meta:
        model = PlacementStep

    placement = factory.SubFactory(PlacementFactory)
    from_date = date(2024, 8, 5)
    hours_per_week = Decimal("8")


class CompetenceCourseFactory(DjangoModelFactory):
    class Meta:
        model = CompetenceCourse

    citizen = factory.SubFactory(CitizenFactory)
    kind = CourseKind.AMU
    title = "Truckcertifikat"
    start = date(2024, 5, 6)


class ExitFormFactory(DjangoModelFactory):
    class Meta:
        model = ExitForm

    citizen = factory.SubFactory(CitizenFactory)
    exit_date = date(2024, 12, 20)
    status = ExitStatus.EMPLOYED_ORDINARY


class FollowUpFactory(DjangoModelFactory):
    class Meta:
        model = FollowUp

    exit = factory.SubFactory(ExitFormFactory)
    kind = FollowUpKind.TWO_YEARS
    followed_up_on = factory.LazyAttribute(lambda o: o.exit.follow_up_due(o.kind))
    status = ExitStatus.EMPLOYED_ORDINARY


class CaseNoteFactory(DjangoModelFactory):
    class Meta:
        model = CaseNote

    citizen = factory.SubFactory(CitizenFactory)
    text = "Møder stabilt op."
    sensitive = False
