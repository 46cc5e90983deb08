"""Who sees which citizens and sub-records: own vs foreign persona, per role."""

import pytest

from accelerator.models import Company
from participants.models import (
    CaseNote,
    Citizen,
    CompetenceCourse,
    ExitForm,
    FollowUp,
    HoursEntry,
    Pause,
    Placement,
    PlacementStep,
    ProgressAssessment,
    Screening,
    Visitation,
)
from siv.roles import Role
from tests.factories.participants import (
    CaseNoteFactory,
    CompanyFactory,
    CompetenceCourseFactory,
    ExitFormFactory,
    FollowUpFactory,
    HoursEntryFactory,
    PauseFactory,
    PlacementFactory,
    PlacementStepFactory,
    ProgressAssessmentFactory,
    ScreeningFactory,
)

from .helpers import citizen_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(personas):
    own = citizen_in(personas.own, personas.cluster)
    foreign = citizen_in(personas.foreign, personas.cluster)
    return personas, own, foreign


def visible(model, user, *, write=False):
    return set(model.objects.for_user(user, write=write).values_list("pk", flat=True))


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.EMPLOYMENT_ACTOR])
def test_caseworker_and_actor_see_and_change_only_their_own_citizens(story, role):
    p, own, foreign = story
    user = p.own[role]
    assert visible(Citizen, user) == {own.pk}
    assert visible(Citizen, user, write=True) == {own.pk}
    assert visible(Citizen, p.foreign[role]) == {foreign.pk}


def test_the_municipal_lead_reads_own_citizens_but_changes_none(story):
    p, own, _foreign = story
    assert visible(Citizen, p.lead) == {own.pk}
    assert visible(Citizen, p.lead, write=True) == set()


def test_the_actor_sees_only_citizens_assigned_to_its_organisation(story):
    p, own, _foreign = story
    other = citizen_in(p.own, p.cluster)
    other.employment_actor = p.foreign.actor_org
    other.save()
    assert visible(Citizen, p.actor) == {own.pk}


@pytest.mark.parametrize("role", [Role.BUSINESS_DEVELOPER, Role.COMPANY_CONTACT])
def test_fund_developers_and_company_contacts_see_no_citizens(story, role):
    p, _own, _foreign = story
    assert visible(Citizen, p.own[role]) == set()
    assert visible(Visitation, p.own[role]) == set()


def test_the_controller_reads_all_and_changes_nothing_the_admin_does_both(story):
    p, own, foreign = story
    assert visible(Citizen, p.controller) == {own.pk, foreign.pk}
    assert visible(Citizen, p.controller, write=True) == set()
    assert visible(Citizen, p.admin, write=True) == {own.pk, foreign.pk}


def test_a_user_without_role_sees_nothing(story):
    p, _own, _foreign = story
    p.caseworker.role = ""
    assert visible(Citizen, p.caseworker) == set()


@pytest.mark.parametrize(
    ("model", "make"),
    [
        (HoursEntry, lambda c: HoursEntryFactory(citizen=c)),
        (Pause, lambda c: PauseFactory(citizen=c)),
        (ExitForm, lambda c: ExitFormFactory(citizen=c)),
        (FollowUp, lambda c: FollowUpFactory(exit=ExitFormFactory(citizen=c))),
        (CaseNote, lambda c: CaseNoteFactory(citizen=c)),
        (Visitation, lambda c: c.visitations.get()),
        (Screening, lambda c: ScreeningFactory(citizen=c)),
        (ProgressAssessment, lambda c: ProgressAssessmentFactory(citizen=c)),
        (CompetenceCourse, lambda c: CompetenceCourseFactory(citizen=c)),
        (Placement, lambda c: PlacementFactory(citizen=c)),
        (
            PlacementStep,
            lambda c: PlacementStepFactory(placement=PlacementFactory(citizen=c)),
        ),
    ],
)
@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.EMPLOYMENT_ACTOR, Role.MUNICIPAL_LEAD])
def test_sub_records_follow_their_citizen(story, model, make, role):
    p, own, foreign = story
    mine, theirs = make(own), make(foreign)
    seen = visible(model, p.own[role])
    assert mine.pk in seen
    assert theirs.pk not in seen
    assert visible(model, p.developer) == set()


def test_sensitive_notes_are_for_caseworker_and_actor_only(story):
    p, own, _foreign = story
    plain = CaseNoteFactory(citizen=own)
    sensitive = CaseNoteFactory(citizen=own, sensitive=True)
    assert visible(CaseNote, p.caseworker) == {plain.pk, sensitive.pk}
    assert visible(CaseNote, p.actor) == {plain.pk, sensitive.pk}
    assert visible(CaseNote, p.lead) == {plain.pk}
    assert visible(CaseNote, p.controller) == {plain.pk}


def test_a_company_contact_sees_placements_in_own_company_but_not_the_citizen(story):
    p, own, foreign = story
    own_company = CompanyFactory(
        cvr="35740015", organisation=p.own.company_org, municipality=p.own.municipality
    )
    other_company = CompanyFactory(cvr="35740023", organisation=p.foreign.company_org)
    mine = PlacementFactory(citizen=own, company=own_company)
    PlacementFactory(citizen=foreign, company=other_company)
    assert visible(Placement, p.contact) == {mine.pk}
    assert visible(Placement, p.contact, write=True) == set()
    assert visible(Citizen, p.contact) == set()
    assert Company.objects.count() == 2


def test_indicator_targets_are_read_by_all_and_set_by_controller_and_admin(personas):
    from reporting.models import IndicatorTarget

    target = IndicatorTarget.objects.create(code="P01", value=10)
    assert visible(IndicatorTarget, personas.caseworker) == {target.pk}
    assert visible(IndicatorTarget, personas.caseworker, write=True) == set()
    assert visible(IndicatorTarget, personas.controller, write=True) == {target.pk}
