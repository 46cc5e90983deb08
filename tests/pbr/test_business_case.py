"""The municipality's business case on the real dates: savings valued at the rates of the
weeks worked (from 2018), the investment booked when an outcome was achieved, and planned
payments from the contract's targets beside the actual ones."""

import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participants.models import HoursEntry, HoursKind
from partnerships.models import Municipality
from pbr import selectors, services
from pbr.models import LedgerEntry, Outcome, OutcomeKind
from tests.factories.participants import CitizenFactory, HoursEntryFactory
from tests.factories.partnerships import ClusterFactory
from tests.factories.pbr import DEFAULT_TERMS, make_contract

pytestmark = pytest.mark.django_db

TODAY = date(2023, 3, 1)
RATE_2018, RATE_2021 = Decimal("2500.00"), Decimal("2700.00")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(
        datetime(2023, 3, 1, 12, tzinfo=ZoneInfo("Europe/Copenhagen")), tick=False
    ):
        yield


@pytest.fixture
def rates(personas):
    """The controller's rates for cash benefit (2018, raised 2021) and two hour bands."""
    for valid_from, rate in ((date(2018, 1, 1), RATE_2018), (date(2021, 1, 1), RATE_2021)):
        services.benefit_rate_add(
            by=personas.controller, benefit="kontanthjaelp", valid_from=valid_from, weekly_rate=rate
        )
    for hours, share in (("15", "0.5"), ("30", "1")):
        services.saving_band_add(
            by=personas.controller,
            valid_from=date(2018, 1, 1),
            min_hours=Decimal(hours),
            share_saved=Decimal(share),
        )


def worked(citizen, first_monday: date, weeks: int, hours: str) -> list[HoursEntry]:
    return [
        HoursEntryFactory(
            citizen=citizen,
            week_start=first_monday + timedelta(weeks=n),
            kind=HoursKind.PAID,
            hours=Decimal(hours),
        )
        for n in range(weeks)
    ]


def expected_savings_by_year(entries: list[HoursEntry]) -> dict[int, Decimal]:
    """The rule as the screen states it: the week's rate × the share its hours save."""
    result: dict[int, Decimal] = defaultdict(Decimal)
    for entry in entries:
        rate = RATE_2021 if entry.week_start >= date(2021, 1, 1) else RATE_2018
        share = Decimal(1) if entry.hours >= 30 else Decimal("0.5")
        result[entry.week_start.year] += rate * share
    return result


@pytest.fixture
def history(personas, rates):
    """Køge's contract from 2019 and two citizens on cash benefit in paid jobs in 2019–2022,
    their outcomes found today (2023) by the detection."""
    koege = personas.own.municipality
    contract = make_contract(koege, personas.cluster, valid_from=date(2019, 1, 1))
    anna = CitizenFactory(municipality=koege, cluster=personas.cluster, benefit="kontanthjaelp")
    bo = CitizenFactory(municipality=koege, cluster=personas.cluster, benefit="kontanthjaelp")
    entries = worked(anna, date(2019, 3, 4), 60, "20") + worked(bo, date(2021, 6, 7), 80, "30")
    services.detect_contract(contract=contract)
    return {"contract": contract, "entries": entries, "municipality": koege}


def test_a_municipality_with_outcomes_in_2019_to_2022_saves_in_those_years_and_breaks_even(
    signed_in, personas, history
):
    koege = history["municipality"]
    case = selectors.business_case(koege)
    expected = expected_savings_by_year(history["entries"])
    savings = {row["year"]: row["savings"] for row in case["years"]}
    for year in (2019, 2020, 2021, 2022):
        assert savings[year] == expected[year] > 0, year

    first = Outcome.objects.filter(contract=history["contract"]).order_by("achieved_on").first()
    assert first.achieved_on == date(2019, 3, 4)
    first_month = first.achieved_on.replace(day=1)
    # Break-even falls in the year of the first outcome, after its month, not at the day the
    # outcomes were found (2023).
    assert first_month < case["break_even"] < date(2020, 1, 1)
    points = {p.month: p for p in case["points"]}
    at = points[case["break_even"]]
    assert at.cumulative_savings >= at.cumulative_investment > 0
    assert 0 < points[first_month].cumulative_savings < points[first_month].cumulative_investment

    content = signed_in(personas.lead).get(reverse("pbr:business_case", args=[koege.pk])).content
    page = content.decode()
    assert f"Break-even: {case['break_even']:%m.%Y}" in page
    for year in (2019, 2020, 2021, 2022):
        shown = f"{expected[year]:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
        row = rf'<th scope="row">{year}</th><td class="num">[^<]+</td><td class="num">{shown}</td>'
        assert re.search(row, page), year
    assert "eksempel" not in page


def test_the_investment_is_booked_when_the_outcome_was_achieved_not_when_found(history):
    koege = history["municipality"]
    accruals = LedgerEntry.objects.filter(municipality=koege, kind="accrual")
    assert {e.booked_on for e in accruals} == {TODAY}
    investment = selectors.investment_by_month(koege)
    assert date(2023, 3, 1) not in investment
    job_started = accruals.get(
        outcome__kind=OutcomeKind.JOB_STARTED, outcome__achieved_on__year=2019
    )
    assert investment[date(2019, 3, 1)] == job_started.amount == DEFAULT_TERMS["tariff_job_started"]
    assert sum(investment.values()) == sum(e.amount for e in accruals)


def test_a_reversed_outcome_leaves_no_investment_in_its_month(history):
    koege = history["municipality"]
    accrual = LedgerEntry.objects.get(
        municipality=koege,
        kind="accrual",
        outcome__kind=OutcomeKind.RETAINED_52,
        outcome__achieved_on__year=2020,
    )
    month = accrual.outcome.achieved_on.replace(day=1)
    before = selectors.investment_by_month(koege)[month]
    services.ledger_reverse(entry=accrual)
    assert selectors.investment_by_month(koege).get(month, Decimal(0)) == before - accrual.amount


def test_planned_payments_from_the_targets_stand_beside_the_actual_ones(
    signed_in, personas, history
):
    contract = history["contract"]
    services.contract_target_add(
        contract=contract, by=personas.controller, year=2019, job_started=2, retained_13=1
    )
    services.contract_target_add(
        contract=contract, by=personas.controller, year=2021, job_started=1, retained_52=1
    )
    planned_2019 = 2 * DEFAULT_TERMS["tariff_job_started"] + DEFAULT_TERMS["tariff_retained_13"]
    planned_2021 = DEFAULT_TERMS["tariff_job_started"] + DEFAULT_TERMS["tariff_retained_52"]
    actual = defaultdict(Decimal)
    for entry in LedgerEntry.objects.filter(contract=contract, kind="accrual").select_related(
        "outcome"
    ):
        actual[entry.outcome.achieved_on.year] += entry.amount

    rows = {row.year: row for row in selectors.payments_by_year(history["municipality"])}
    assert (rows[2019].planned, rows[2019].actual) == (planned_2019, actual[2019])
    assert (rows[2021].planned, rows[2021].actual) == (planned_2021, actual[2021])
    assert rows[2020].planned == 0 and rows[2020].actual == actual[2020] > 0
    assert rows[2019].difference == actual[2019] - planned_2019

    page = (
        signed_in(personas.lead)
        .get(reverse("pbr:business_case", args=[history["municipality"].pk]))
        .content.decode()
    )
    assert 'aria-label="Planlagte og faktiske betalinger pr. år"' in page
    assert "Planlagt 2019: 25.000,00 kr." in page
    assert "Planlagt (kr.)" in page and "Faktisk (kr.)" in page


def test_deadweight_lowers_the_planned_payment_as_it_lowers_the_actual(personas):
    contract = make_contract(
        personas.own.municipality, personas.cluster, deadweight_share=Decimal("0.2")
    )
    services.contract_target_add(contract=contract, by=None, year=2023, job_started=3)
    planned = selectors.planned_by_year(type(contract).objects.filter(pk=contract.pk))
    assert planned[2023] == 3 * DEFAULT_TERMS["tariff_job_started"] * Decimal("0.8")


def test_a_business_case_on_example_rates_says_so(signed_in, personas):
    koege = personas.own.municipality
    make_contract(koege, personas.cluster, valid_from=date(2019, 1, 1))
    citizen = CitizenFactory(municipality=koege, cluster=personas.cluster, benefit="kontanthjaelp")
    worked(citizen, date(2019, 3, 4), 4, "20")
    client = signed_in(personas.lead)
    url = reverse("pbr:business_case", args=[koege.pk])
    assert selectors.business_case(koege)["total_savings"] == 0  # only the 2024 rates
    assert "eksempel" not in client.get(url).content.decode()
    assert "eksempel" not in client.get(reverse("home")).content.decode()

    services.example_assumptions_seed(by=None)
    case = selectors.business_case(koege)
    assert case["total_savings"] > 0 and case["examples"]
    page = client.get(url).content.decode()
    assert 'badge text-bg-warning">eksempel</span>' in page
    assert "bygger på satser eller intervaller, der er eksempler" in page
    # The lead's start page marks the break-even as built on examples too.
    home = client.get(reverse("home")).content.decode()
    assert 'badge text-bg-warning" title="Besparelsen bygger på satser' in home


def test_the_legacy_sample_with_example_rates_shows_savings_in_2020(personas):
    """The sample's paid hours lie in 2020, before any decided rate; with the example rates
    seeded its business case values them, and says that it is built on examples."""
    from tests.participants.test_import import SAMPLE

    # The sample's dates are checked against today: it is imported as of the time it was made.
    with time_machine.travel(datetime(2026, 12, 6, 12, tzinfo=ZoneInfo("Europe/Copenhagen"))):
        call_command("import_legacy", str(SAMPLE), stdout=None)
    silkeborg = Municipality.objects.get(name="Silkeborg")
    citizens = HoursEntry.objects.filter(citizen__municipality=silkeborg, kind=HoursKind.PAID)
    contract = make_contract(
        silkeborg, citizens.first().citizen.cluster, valid_from=date(2019, 1, 1)
    )
    assert selectors.business_case(silkeborg)["total_savings"] == 0

    call_command("seed_example_rates", stdout=None)
    assumptions = selectors.Assumptions()
    expected = sum(
        assumptions.weekly_rate(e.citizen.benefit, e.week_start)
        * assumptions.share_saved(e.hours, e.week_start)
        for e in citizens.select_related("citizen")
    )
    case = selectors.business_case(silkeborg)
    assert {row["year"]: row["savings"] for row in case["years"]} == {2020: expected}
    assert expected > 0 and case["examples"]
    assert contract.pk in {c.pk for c in selectors.contracts_for(personas.controller)}


def test_the_business_case_takes_the_same_number_of_queries_for_more_data(
    signed_in, personas, history, django_assert_max_num_queries
):
    koege = history["municipality"]
    client = signed_in(personas.controller)
    url = reverse("pbr:business_case", args=[koege.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(4):
        citizen = CitizenFactory(
            municipality=koege, cluster=personas.cluster, benefit="kontanthjaelp"
        )
        worked(citizen, date(2020, 1, 6) + timedelta(weeks=n), 30, "30")
    services.detect_contract(contract=history["contract"])
    for year in range(2019, 2023):
        services.contract_target_add(
            contract=history["contract"], by=None, year=year, job_started=2
        )
    make_contract(koege, ClusterFactory(number=9), valid_from=date(2019, 1, 1))
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert len(response.context["payments"]) >= 4
