from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from participants.hours.services import fold_hours_groups
from participants.models import HoursEntry, HoursKind
from reporting.models import CoFinancingRate
from reporting.selectors import ReportParams, hours_statement, hours_statement_page
from tests.factories.participants import CitizenFactory, HoursEntryFactory, VisitationFactory

pytestmark = pytest.mark.django_db
MARCH = ReportParams(start=date(2024, 3, 1), end=date(2024, 3, 31))


def _citizen_with_march_hours(hours_per_week: str, kinds=None):
    citizen = CitizenFactory()
    VisitationFactory(citizen=citizen, proposed_on=date(2024, 1, 2))
    kinds = kinds or [HoursKind.TRAINING] * 4
    for week, kind in enumerate(kinds):
        HoursEntryFactory(
            citizen=citizen,
            week_start=date(2024, 3, 4) + timedelta(weeks=week),
            kind=kind,
            hours=Decimal(hours_per_week),
        )
    return citizen


def test_the_seeded_rate_is_250_kroner_and_160_33_hours_since_2018():
    rate = CoFinancingRate.objects.get(valid_from=date(2018, 1, 1))
    assert rate.hourly_rate == Decimal("250.00")
    assert rate.monthly_cap_hours == Decimal("160.33")


def test_hours_under_the_cap_are_valued_at_the_hourly_rate():
    _citizen_with_march_hours("10")
    statement = hours_statement(MARCH)
    assert statement.total_hours == Decimal("40")
    assert statement.amount == Decimal("10000.00")


def test_a_citizens_month_is_capped_across_kinds_as_one_person():
    kinds = [HoursKind.TRAINING] * 3 + [HoursKind.PRACTICE]
    _citizen_with_march_hours("45", kinds)
    statement = hours_statement(MARCH)
    assert statement.total_hours == Decimal("180")
    assert statement.eligible_hours == Decimal("160.33")
    assert statement.amount == Decimal("40082.50")
    by_kind = {row["kind_code"]: row for row in statement.rows}
    assert by_kind["training"]["eligible"] == Decimal("120.25")
    assert by_kind["practice"]["eligible"] == Decimal("40.08")
    assert all(row["citizens"] == 1 for row in statement.rows)


def test_in_one_group_only_the_citizen_over_the_cap_loses_hours():
    over = _citizen_with_march_hours("45")  # 180 hours in March
    under = _citizen_with_march_hours("10")  # 40 hours, same municipality, benefit and kind
    assert (over.municipality_id, over.benefit) == (under.municipality_id, under.benefit)
    (row,) = hours_statement(MARCH).rows
    assert (row["citizens"], row["hours"], row["eligible"]) == (2, Decimal(220), Decimal("200.33"))
    assert row["amount"] == Decimal("50082.50")


def test_a_month_before_any_dated_rate_has_hours_but_nothing_eligible():
    citizen = CitizenFactory()
    for week in range(4):  # March 2017: the seeded rate is dated 2018
        HoursEntryFactory(
            citizen=citizen, week_start=date(2017, 3, 6) + timedelta(weeks=week), hours=50
        )
    statement = hours_statement(ReportParams(start=date(2017, 3, 1), end=date(2017, 3, 31)))
    assert (statement.total_hours, statement.eligible_hours, statement.amount) == (200, 0, 0)
    assert [row["eligible"] for row in statement.rows] == [Decimal("0.00")]


def test_a_newer_dated_rate_applies_from_its_date():
    CoFinancingRate.objects.create(
        valid_from=date(2024, 3, 1), hourly_rate=Decimal("300"), monthly_cap_hours=Decimal("30")
    )
    _citizen_with_march_hours("10")
    statement = hours_statement(MARCH)
    assert statement.eligible_hours == Decimal("30.00")
    assert statement.amount == Decimal("9000.00")


def test_hours_are_grouped_by_month_municipality_and_benefit(programme):
    statement = hours_statement(ReportParams(end=date(2024, 12, 31)))
    keys = {
        (r["month"], r["municipality"], str(r["benefit"]), r["kind_code"]) for r in statement.rows
    }
    assert (date(2024, 2, 1), "Køge", "Kontanthjælp", "training") in keys
    assert (date(2024, 2, 1), "Næstved", "Ressourceforløbsydelse", "training") in keys
    assert [m["hours"] for m in statement.by_month] == [Decimal("15"), Decimal("20")]


@pytest.fixture
def capped_programme(programme):
    """The programme, with a lower cap from March and a citizen over it that month."""
    CoFinancingRate.objects.create(
        valid_from=date(2024, 3, 1), hourly_rate=Decimal("300"), monthly_cap_hours=Decimal("30")
    )
    _citizen_with_march_hours("45", [HoursKind.TRAINING] * 3 + [HoursKind.PRACTICE])
    return ReportParams(end=date(2024, 12, 31))


def test_the_months_alone_carry_the_same_figures_as_the_full_statement(capped_programme):
    params = capped_programme

    full = hours_statement(params)
    months = hours_statement(params, by_month_only=True)

    assert len(full.by_month) > 1 and months.rows == []
    assert months.by_month == full.by_month
    assert (months.total_hours, months.eligible_hours, months.amount) == (
        full.total_hours,
        full.eligible_hours,
        full.amount,
    )


def test_a_page_of_the_statement_has_its_groups_and_the_whole_statements_months(
    capped_programme,
):
    params = capped_programme
    full = hours_statement(params)
    assert len(full.rows) > 4

    pages = [hours_statement_page(params, number, per_page=2) for number in (1, 2, 3)]
    assert [row for page in pages for row in page.statement.rows] == full.rows[:6]
    _assert_each_has_the_months_of(pages, full)

    # Past the last page: the last page; before the first: the first.
    last = -(-len(full.rows) // 2)
    beyond = hours_statement_page(params, 99, per_page=2)
    assert (beyond.number, beyond.statement.rows) == (last, full.rows[2 * (last - 1) :])
    assert hours_statement_page(params, 0, per_page=2).statement.rows == full.rows[:2]


def test_an_empty_period_has_one_empty_page():
    page = hours_statement_page(ReportParams(end=date(2024, 12, 31)), 3, per_page=100)
    assert (page.number, page.count, page.statement.rows, page.statement.by_month) == (1, 0, [], [])
    assert page.statement.total_hours == 0


CAP, RATE = Decimal("160.33"), Decimal("250")
WEEKS = [date(2024, 1, 1) + timedelta(weeks=n) for n in range(18)]  # January to April


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    weeks=st.lists(
        st.tuples(
            st.integers(0, 1),
            st.sampled_from(WEEKS),
            st.sampled_from([HoursKind.TRAINING, HoursKind.PRACTICE]),
            st.decimals(min_value=0, max_value=60, places=2),
        ),
        max_size=20,
        unique_by=lambda row: row[:3],
    ),
    start=st.one_of(st.none(), st.dates(date(2023, 12, 20), date(2024, 5, 10))),
    days=st.integers(0, 140),
    folded=st.booleans(),
)
# A period of a few days inside one month, before the week's Monday: no whole month at all.
@example(
    weeks=[(0, date(2024, 2, 5), HoursKind.TRAINING, Decimal(5))],
    start=date(2024, 2, 2),
    days=0,
    folded=False,
)
def test_any_period_counts_exactly_the_weeks_whose_monday_lies_in_it(weeks, start, days, folded):
    """Whole months come from the monthly roll-up and the cut months from the weekly rows:
    whatever the period, the figures are those of its weeks alone."""
    HoursEntry.objects.all().delete()  # the examples share one transaction
    citizens = [CitizenFactory(), CitizenFactory()]
    for who, week, kind, hours in weeks:
        HoursEntryFactory(citizen=citizens[who], week_start=week, kind=kind, hours=hours)
    end = (start or date(2024, 1, 1)) + timedelta(days=days)

    inside = [w for w in weeks if (start is None or w[1] >= start) and w[1] <= end]
    months: dict[tuple, Decimal] = {}
    for who, week, _kind, hours in inside:
        key = (who, week.replace(day=1))
        months[key] = months.get(key, Decimal(0)) + hours
    eligible = sum((min(total, CAP) for total in months.values()), Decimal(0))

    if folded:  # else the months of the groups come from their rows of changes
        fold_hours_groups()

    statement = hours_statement(ReportParams(start=start, end=end))
    assert statement.total_hours == sum((w[3] for w in inside), Decimal(0))
    assert statement.eligible_hours == eligible.quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert statement.amount == (eligible * RATE).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert [m["month"] for m in statement.by_month] == sorted({m for _who, m in months})

    # The screen's pages: the months from their sums per month and municipality, each page's
    # groups from its months alone, all of them the full statement's.
    pages = [
        hours_statement_page(ReportParams(start=start, end=end), number, per_page=2)
        for number in range(1, max(2, -(-len(statement.rows) // 2) + 1))
    ]
    assert [row for page in pages for row in page.statement.rows] == statement.rows
    _assert_each_has_the_months_of(pages, statement)


def _assert_each_has_the_months_of(pages, full) -> None:
    """Each page carries the number of groups, the months and the totals of the whole."""
    for page in pages:
        assert page.count == len(full.rows)
        assert page.statement.by_month == full.by_month
        assert (page.statement.total_hours, page.statement.eligible_hours) == (
            full.total_hours,
            full.eligible_hours,
        )
        assert page.statement.amount == full.amount
