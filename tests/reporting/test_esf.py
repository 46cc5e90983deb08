from datetime import date

import pytest

from participants.models import ExitStatus, FollowUpKind, Gender
from reporting import esf
from reporting.indicators import Scope
from tests.factories.participants import (
    CitizenFactory,
    CompetenceCourseFactory,
    ExitFormFactory,
    FollowUpFactory,
    VisitationFactory,
)

pytestmark = pytest.mark.django_db
END = date(2025, 12, 31)


def _table(**kwargs):
    return {row.code: row for row in esf.compute(end=END, **kwargs)}


def test_output_indicators_are_counted_by_gender(programme):
    table = _table()
    assert table["D00"].by_gender == {"F": 2, "M": 2, "X": 0}
    assert table["O01"].by_gender["F"] == 1  # long-term unemployed counts as unemployed
    assert table["O02"].total == 1
    assert table["O03"].by_gender == {"F": 0, "M": 1, "X": 0}
    assert table["O06"].by_gender["M"] >= 1  # born 2003: below 25 at entry
    assert table["O07"].by_gender["F"] == 1  # born 1960: above 54 at entry
    assert table["O08"].total == 1
    assert table["O09"].total == 1
    assert table["O12"].total == 1


def test_result_indicators_upon_leaving(programme):
    table = _table()
    assert table["R01"].by_gender["M"] == 1  # inactive at entry, job-seeking at exit
    assert table["R04"].by_gender["F"] == 1


def test_a_citizen_who_reenters_is_one_participant_with_the_last_exit():
    citizen = CitizenFactory(gender=Gender.MALE)
    VisitationFactory(citizen=citizen, proposed_on=date(2024, 1, 2))
    ExitFormFactory(citizen=citizen, exit_date=date(2024, 3, 1), status=ExitStatus.EDUCATION)
    VisitationFactory(citizen=citizen, proposed_on=date(2024, 6, 3))
    last = ExitFormFactory(citizen=citizen, exit_date=date(2024, 10, 1))
    FollowUpFactory(
        exit=last,
        kind=FollowUpKind.SIX_MONTHS,
        followed_up_on=date(2025, 4, 1),
        improved_situation=True,
    )
    CompetenceCourseFactory(
        citizen=citizen, start=date(2024, 8, 1), end=date(2024, 10, 20), qualification_gained=True
    )
    table = _table()
    assert table["D00"].total == 1
    assert table["R02"].total == 0
    assert table["R03"].total == 1  # qualification within 4 weeks of the exit
    assert table["R04"].total == 1
    assert table["R06"].total == 1
    assert table["R07"].total == 1


def test_scope_limits_the_participants(programme):
    assert _table(scope=Scope(municipality="Næstved"))["D00"].total == 1


def test_two_accepted_visitations_on_one_day_are_one_participant_aged_at_the_first():
    # 55 on the day of the first entry: over 54; under 25 never.
    citizen = CitizenFactory(gender=Gender.FEMALE, birth_date=date(1969, 1, 2))
    VisitationFactory(citizen=citizen, proposed_on=date(2024, 1, 2))
    VisitationFactory(citizen=citizen, proposed_on=date(2024, 1, 2))
    VisitationFactory(citizen=citizen, proposed_on=date(2024, 9, 2))
    table = _table()
    assert table["D00"].by_gender["F"] == 1
    assert table["O07"].by_gender["F"] == 1
    assert table["O06"].by_gender["F"] == 0


def test_a_participant_a_day_short_of_55_at_entry_is_not_over_54():
    citizen = CitizenFactory(gender=Gender.MALE, birth_date=date(1969, 1, 3))
    VisitationFactory(citizen=citizen, proposed_on=date(2024, 1, 2))
    table = _table()
    assert (table["D00"].total, table["O07"].total) == (1, 0)


@pytest.mark.parametrize(
    ("born", "entered", "over_54"),
    [
        (date(1969, 2, 28), date(2024, 2, 29), True),  # entry on a leap day
        (date(1969, 3, 1), date(2024, 2, 29), False),
        (date(1968, 2, 29), date(2023, 2, 28), False),  # a leap-day birthday, a common year
        (date(1968, 2, 29), date(2023, 3, 1), True),
    ],
)
def test_age_at_entry_around_29_february(born, entered, over_54):
    citizen = CitizenFactory(gender=Gender.OTHER, birth_date=born)
    VisitationFactory(citizen=citizen, proposed_on=entered)
    assert _table()["O07"].total == int(over_54)
