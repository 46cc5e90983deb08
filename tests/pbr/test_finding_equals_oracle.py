"""The set-based finding (one query for all contracts and citizens) finds exactly what the
per-citizen Python finding found: the same outcomes, on the same days, with the same
evidence, for any recorded data (hypothesis)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accelerator.models import CompanyFinancial, CompanyRole
from participants.models import HoursKind, PlacementKind
from pbr import selectors
from pbr.models import ContractVersion
from tests.factories.participants import (
    CitizenFactory,
    CompanyFactory,
    HoursEntryFactory,
    PlacementFactory,
    PlacementStepFactory,
)
from tests.factories.pbr import make_contract

from . import oracle

pytestmark = pytest.mark.django_db
# A Wednesday: placements start on any weekday, hours are logged per Monday.
BASE = date(2024, 1, 3)
MONDAY = date(2024, 1, 1)
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

steps = st.lists(
    st.tuples(st.integers(-20, 300), st.sampled_from(["0", "8", "16", "25"])),
    max_size=3,
    unique_by=lambda step: step[0],
)
placements = st.lists(
    st.fixed_dictionaries(
        {
            "kind": st.sampled_from(
                [
                    PlacementKind.LOENTILSKUD,
                    PlacementKind.ORDINAER,
                    PlacementKind.FLEKSJOB,
                    PlacementKind.PRAKTIK,
                    PlacementKind.SNUSE_PRAKTIK,
                ]
            ),
            "start": st.integers(0, 500),
            "days": st.none() | st.integers(0, 450),
            "hours": st.sampled_from(["4", "12", "15", "20", "37"]),
            "steps": steps,
        }
    ),
    max_size=3,
)
hours = st.lists(
    st.tuples(
        st.integers(0, 80),
        st.sampled_from([HoursKind.PAID, HoursKind.PRACTICE, HoursKind.TRAINING]),
        st.sampled_from(["5", "10", "15", "16", "30"]),
    ),
    max_size=60,
    unique_by=lambda row: (row[0], row[1]),
)
citizens = st.lists(
    st.fixed_dictionaries({"placements": placements, "hours": hours}), min_size=1, max_size=4
)
companies = st.lists(
    st.tuples(st.none() | st.integers(-5, 5), st.none() | st.integers(-5, 5)), max_size=3
)
terms = st.fixed_dictionaries(
    {
        "retention_mode": st.sampled_from(["continuous", "cumulative"]),
        "count_practice": st.booleans(),
        "min_hours_per_week": st.sampled_from([Decimal("10"), Decimal("15"), Decimal("20")]),
        "fixed_part": st.sampled_from([Decimal("0"), Decimal("100")]),
    }
)
# The contract's versions: the first from a day, perhaps ending, perhaps followed (after a
# gap or none) by a second with other rules.
versions = st.tuples(
    st.integers(-100, 300), st.none() | st.integers(0, 300), st.none() | st.integers(0, 200)
)


def record(koege, cluster, people, firms) -> None:
    for person in people:
        citizen = CitizenFactory(municipality=koege, cluster=cluster)
        for plan in person["placements"]:
            start = BASE + timedelta(days=plan["start"])
            placement = PlacementFactory(
                citizen=citizen,
                kind=plan["kind"],
                start=start,
                end=None if plan["days"] is None else start + timedelta(days=plan["days"]),
                hours_per_week=Decimal(plan["hours"]),
            )
            for offset, step_hours in plan["steps"]:
                PlacementStepFactory(
                    placement=placement,
                    from_date=start + timedelta(days=offset),
                    hours_per_week=Decimal(step_hours),
                )
        for week, kind, logged in person["hours"]:
            HoursEntryFactory(
                citizen=citizen,
                week_start=MONDAY + timedelta(weeks=week),
                kind=kind,
                hours=Decimal(logged),
            )
    for entry, later in firms:
        company = CompanyFactory(
            municipality=koege, role=CompanyRole.ACCELERATOR, enrolled_cluster=cluster
        )
        company.entry_year = 2021
        company.save()
        for year, ebitda in ((2021, entry), (2023, later)):
            CompanyFinancial.objects.create(
                company=company,
                year=year,
                ebitda=None if ebitda is None else Decimal(ebitda * 10000),
            )


OTHER_MODE = {"continuous": "cumulative", "cumulative": "continuous"}


def contract_with(koege, cluster, rules, spans):
    first, lasting, second = spans
    valid_from = BASE + timedelta(days=first)
    valid_until = None if lasting is None else valid_from + timedelta(days=lasting)
    contract = make_contract(
        koege, cluster, valid_from=valid_from, valid_until=valid_until, **rules
    )
    if second is not None:
        ContractVersion.objects.create(
            contract=contract,
            valid_from=(valid_until or valid_from) + timedelta(days=second + 1),
            tariff_job_started=Decimal("1"),
            retention_mode=OTHER_MODE[rules["retention_mode"]],
            count_practice=not rules["count_practice"],
            min_hours_per_week=Decimal("12"),
        )
    return contract


class Rollback(Exception):
    pass


@PROPERTY
@given(
    people=citizens,
    firms=companies,
    rules=terms,
    spans=versions,
    day=st.integers(-50, 700),
)
def test_the_set_based_finding_finds_what_the_per_citizen_finding_found(
    koege, cluster, people, firms, rules, spans, day
):
    try:
        with transaction.atomic():
            record(koege, cluster, people, firms)
            contract = contract_with(koege, cluster, rules, spans)
            as_of = BASE + timedelta(days=day)
            assert selectors.outcomes_found(contract, as_of) == oracle.outcomes_found(
                contract, as_of
            )
            raise Rollback
    except Rollback:
        pass


def test_both_find_every_kind_of_outcome_in_a_busy_programme(koege, cluster):
    """One example that is sure to hold each kind, beside the random ones."""
    people = [
        {
            "placements": [
                {
                    "kind": PlacementKind.ORDINAER,
                    "start": 2,
                    "days": None,
                    "hours": "20",
                    "steps": [(30, "8"), (70, "25")],
                }
            ],
            "hours": [(week, HoursKind.PAID, "16") for week in (5, 6, 7, 40)],
        },
        {
            "placements": [],
            "hours": [(week, HoursKind.PAID, "30") for week in range(0, 80, 1) if week % 9],
        },
    ]
    record(koege, cluster, people, [(1, 3), (2, 1)])
    rules = {
        "retention_mode": "cumulative",
        "count_practice": False,
        "min_hours_per_week": Decimal("15"),
        "fixed_part": Decimal("100"),
    }
    contract = contract_with(koege, cluster, rules, (-10, None, None))
    as_of = BASE + timedelta(days=600)
    found = selectors.outcomes_found(contract, as_of)
    assert {kind for kind, _subject in found} == {
        "job_started",
        "retained_13",
        "retained_26",
        "retained_52",
        "ebitda_growth",
        "fixed",
    }
    assert found == oracle.outcomes_found(contract, as_of)
