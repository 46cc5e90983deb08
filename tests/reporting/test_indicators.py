import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participants.importer.services import read_directory, run_import
from participants.models import ExitStatus, NotAvailableReason
from partnerships.models import Municipality
from reporting.indicators import (
    BY_CLUSTER,
    BY_REGION,
    Scope,
    breakdown,
    compute,
    compute_by,
)
from reporting.models import IndicatorTarget
from tests.factories.accelerator import CampFactory
from tests.factories.participants import (
    CitizenFactory,
    ExitFormFactory,
    PauseFactory,
    VisitationFactory,
)
from tests.factories.partnerships import ClusterFactory, ClusterMembershipFactory

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).resolve().parents[1] / "participants" / "legacy_sample"


def values(**kwargs) -> dict[str, int]:
    return {row.code: row.value for row in compute(**kwargs)}


@pytest.fixture
def imported():
    assert run_import(read_directory(SAMPLE)).ok


def run_command(*args) -> str:
    out = io.StringIO()
    call_command("indicators", *args, "--format", "csv", stdout=out)
    return out.getvalue()


def test_the_sample_gives_exactly_the_expected_table(imported):
    expected = (SAMPLE / "expected-indicators.csv").read_bytes().decode("utf-8")
    assert run_command() == expected


def test_statuses_are_as_of_the_period_end(imported):
    # Citizens 1 and 10 left in 2021: at the end of 2020 they are still active.
    table = values(end=date(2020, 12, 31))
    assert {k: table[k] for k in ("P01", "P02", "P03", "P04", "P05", "P06", "P06a", "P07")} == {
        "P01": 10,
        "P02": 4,
        "P03": 1,
        "P04": 1,
        "P05": 2,
        "P06": 2,
        "P06a": 1,
        "P07": 4,
    }
    assert table["P08"] == 0


def test_p01_counts_visitations_inside_the_period(imported):
    assert values(start=date(2020, 3, 1), end=date(2020, 12, 31))["P01"] == 0
    assert values(start=date(2020, 2, 21), end=date(2020, 2, 21))["P01"] == 10
    assert values(end=date(2020, 2, 20))["P01"] == 0


def test_the_scope_limits_what_is_counted(imported):
    assert values(scope=Scope(municipality="Silkeborg"))["P01"] == 4
    assert values(scope=Scope(region="Region Midtjylland"))["P01"] == 10
    assert values(scope=Scope(region="Region Sjælland"))["P01"] == 0
    assert values(scope=Scope(cluster=2))["C01"] == 3
    assert values(scope=Scope(cluster=1))["P01"] == 0
    out = run_command("--municipality", "Holstebro")
    assert "P01,Tilmeldte deltagere,3," in out
    assert "C01,Acceleratorvirksomheder,1," in out


def test_targets_are_shown_for_the_scope_asked(imported):
    IndicatorTarget.objects.create(code="P01", value=12)
    IndicatorTarget.objects.create(
        code="P01", municipality=Municipality.objects.get(name="Silkeborg"), value=5
    )
    assert "P01,Tilmeldte deltagere,10,12" in run_command()
    assert "P01,Tilmeldte deltagere,4,5" in run_command("--municipality", "Silkeborg")
    assert "P02,Gennemførte forløb,6,\r\n" in run_command()


def accepted_citizen(**kwargs):
    citizen = CitizenFactory(**kwargs)
    VisitationFactory(citizen=citizen, proposed_on=citizen.phase1_start - timedelta(days=7))
    return citizen


def test_pause_days_do_not_count_towards_a_complete_phase1():
    start = date(2024, 1, 1)
    long_pause = accepted_citizen(phase1_start=start)
    PauseFactory(citizen=long_pause, start=start + timedelta(10), end=start + timedelta(23))
    ExitFormFactory(citizen=long_pause, exit_date=start + timedelta(190), status="unemployed")
    short_pause = accepted_citizen(phase1_start=start)
    PauseFactory(citizen=short_pause, start=start + timedelta(10), end=start + timedelta(14))
    ExitFormFactory(citizen=short_pause, exit_date=start + timedelta(190), status="unemployed")
    open_pause_after_exit = accepted_citizen(phase1_start=start)
    PauseFactory(citizen=open_pause_after_exit, start=start + timedelta(200), end=None)
    ExitFormFactory(
        citizen=open_pause_after_exit, exit_date=start + timedelta(182), status="unemployed"
    )
    assert values()["P02"] == 2


def test_a_citizen_who_reenters_is_one_participant_and_active_again():
    citizen = accepted_citizen(phase1_start=date(2024, 1, 8))
    ExitFormFactory(citizen=citizen, exit_date=date(2024, 3, 1), status="unemployed")
    assert values()["P05"] == 1
    VisitationFactory(citizen=citizen, proposed_on=date(2024, 5, 1))
    table = values()
    assert (table["P01"], table["P05"], table["P07"]) == (1, 0, 1)
    assert values(end=date(2024, 4, 1))["P05"] == 1


def test_a_rejected_or_pending_visitation_is_not_a_participant():
    citizen = CitizenFactory(phase1_start=None)
    VisitationFactory(citizen=citizen, status="rejected", rejection_reason="Nej")
    VisitationFactory(citizen=CitizenFactory(phase1_start=None), status="proposed")
    assert values()["P01"] == 0


def build(n: int) -> None:
    start = date(2023, 1, 2)
    statuses = [*ExitStatus.values, None]
    for i in range(n):
        citizen = accepted_citizen(phase1_start=start + timedelta(days=i % 30))
        status = statuses[i % len(statuses)]
        if i % 7 == 0:
            PauseFactory(citizen=citizen, start=citizen.phase1_start + timedelta(3), end=None)
        if status:
            ExitFormFactory(
                citizen=citizen,
                exit_date=citizen.phase1_start + timedelta(days=100 + i),
                status=status,
                not_available_reason=(
                    NotAvailableReason.DECEASED if status == "not_available" else ""
                ),
            )


def count_queries() -> int:
    with CaptureQueriesContext(connection) as ctx:
        compute()
    return len(ctx.captured_queries)


def test_the_computation_takes_the_same_queries_for_10_and_200_citizens():
    ClusterFactory(number=1)
    build(10)
    small = count_queries()
    build(190)
    assert values()["P01"] == 200
    assert count_queries() == small <= 5


EXIT_STATUSES = st.sampled_from([*ExitStatus.values, None])


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    people=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=400),  # phase 1 start offset
            st.one_of(st.none(), st.integers(min_value=0, max_value=400)),  # exit after start
            EXIT_STATUSES,
            st.booleans(),  # re-entry after exit
        ),
        max_size=8,
    ),
    end_offset=st.integers(min_value=-30, max_value=900),
)
def test_p03_to_p07_always_add_up_to_p01(people, end_offset):
    origin = date(2022, 1, 3)
    for p1, exit_after, status, reenter in people:
        citizen = accepted_citizen(phase1_start=origin + timedelta(days=p1))
        if exit_after is not None and status:
            exit_date = citizen.phase1_start + timedelta(days=exit_after)
            ExitFormFactory(
                citizen=citizen,
                exit_date=exit_date,
                status=status,
                not_available_reason="illness" if status == "not_available" else "",
            )
            if reenter:
                VisitationFactory(citizen=citizen, proposed_on=exit_date + timedelta(days=10))
    table = values(end=origin + timedelta(days=end_offset))
    assert sum(table[k] for k in ("P03", "P04", "P05", "P06", "P07")) == table["P01"]
    assert table["P06a"] <= table["P06"]
    assert table["P02"] <= table["P01"] - table["P07"]


@pytest.fixture
def camp_across_regions(imported):
    """The first cluster, with a camp and municipalities in two regions (Køge, Aarhus): the
    camp counts once in each region, and once in the whole."""
    from partnerships.models import Cluster

    cluster = Cluster.objects.order_by("number").first()
    for name in ("Køge", "Aarhus"):
        ClusterMembershipFactory(cluster=cluster, municipality=Municipality.objects.get(name=name))
    CampFactory(cluster=cluster, date=date(2020, 5, 1))
    return cluster


def test_per_region_and_per_cluster_in_one_pass_equal_one_computation_per_scope(
    camp_across_regions,
):
    from partnerships.models import Cluster, Region

    IndicatorTarget.objects.create(
        region=Region.objects.get(name="Region Sjælland"), code="P01", value=9
    )
    regions = list(Region.objects.order_by("name").values_list("name", flat=True))
    clusters = list(Cluster.objects.order_by("number").values_list("number", flat=True))
    end = date(2024, 12, 31)

    by_region = compute_by(BY_REGION, regions, end=end)
    by_cluster = compute_by(BY_CLUSTER, clusters, end=end)

    assert by_region == {name: compute(scope=Scope(region=name), end=end) for name in regions}
    assert by_cluster == {n: compute(scope=Scope(cluster=n), end=end) for n in clusters}
    assert sum(rows[0].value for rows in by_region.values()) == values(end=end)["P01"] > 0
    assert {r.code: r.target for r in by_region["Region Sjælland"]}["P01"] == 9
    assert sum({r.code: r.value for r in rows}["C04"] for rows in by_region.values()) == 2


def test_the_whole_and_its_clusters_from_one_pass_equal_the_separate_computations(imported):
    from partnerships.models import Cluster

    cluster = Cluster.objects.order_by("number").first()
    CampFactory(cluster=cluster, date=date(2020, 5, 1))
    IndicatorTarget.objects.create(code="P01", value=40)
    IndicatorTarget.objects.create(cluster=cluster, code="P03", value=7)
    clusters = list(Cluster.objects.order_by("number").values_list("number", flat=True))
    end = date(2024, 12, 31)
    scopes = [
        Scope(),
        Scope(region="Region Sjælland"),
        Scope(municipality="Køge"),
        Scope(cluster=cluster.number),
    ]
    for scope in scopes:
        counted = breakdown(clusters=clusters, scope=scope, end=end)
        whole, by_cluster = counted.whole, counted.by_cluster
        assert whole == compute(scope=scope, end=end), scope
        assert by_cluster == compute_by(BY_CLUSTER, clusters, scope=scope, end=end), scope
    counted = breakdown(clusters=clusters, end=end)
    whole, by_cluster = counted.whole, counted.by_cluster
    assert {r.code: r.target for r in whole}["P01"] == 40
    assert {r.code: r.target for r in by_cluster[cluster.number]}["P03"] == 7
    assert whole[0].value == sum(rows[0].value for rows in by_cluster.values()) > 0


def test_the_whole_its_regions_and_its_clusters_from_one_pass_equal_the_separate_ones(
    camp_across_regions,
):
    from partnerships.models import Cluster, Region

    cluster = camp_across_regions
    IndicatorTarget.objects.create(code="P01", value=40)
    IndicatorTarget.objects.create(
        region=Region.objects.get(name="Region Sjælland"), code="P01", value=9
    )
    IndicatorTarget.objects.create(cluster=cluster, code="P03", value=7)
    regions = list(Region.objects.order_by("name").values_list("name", flat=True))
    clusters = list(Cluster.objects.order_by("number").values_list("number", flat=True))
    for period in (
        {"start": date(2023, 1, 1), "end": date(2023, 12, 31)},
        {"end": date(2024, 12, 31)},
    ):
        counted = breakdown(regions=regions, clusters=clusters, **period)
        whole, by_region, by_cluster = counted.whole, counted.by_region, counted.by_cluster

        assert whole == compute(**period)
        assert by_region == compute_by(BY_REGION, regions, **period)
        assert by_cluster == compute_by(BY_CLUSTER, clusters, **period)
    assert {r.code: r.value for r in whole}["C04"] >= 1
    assert {r.code: r.target for r in whole}["P01"] == 40
    assert {r.code: r.target for r in by_region["Region Sjælland"]}["P01"] == 9


def test_the_grouped_computation_takes_the_same_queries_for_any_number_of_groups():
    def count(keys) -> int:
        with CaptureQueriesContext(connection) as ctx:
            compute_by(BY_CLUSTER, keys)
        return len(ctx.captured_queries)

    for number in range(1, 6):
        ClusterFactory(number=number)
    build(20)
    assert count([1]) == count([1, 2, 3, 4, 5]) <= 6


def test_the_funnel_counts_the_visited_citizens_reaching_each_step():
    end = date(2024, 6, 30)
    start = date(2024, 1, 1)

    def visited(on=date(2024, 1, 10), **fields):
        citizen = CitizenFactory(**fields)
        VisitationFactory(citizen=citizen, proposed_on=on)
        return citizen

    visited(phase1_start=None)
    visited(phase1_start=date(2024, 2, 1))
    visited(phase1_start=date(2024, 2, 1), phase2_start=date(2024, 5, 1))
    visited(
        phase1_start=date(2024, 1, 15), phase2_start=date(2024, 4, 1), phase3_start=date(2024, 6, 1)
    )
    left_for_a_job = visited(phase1_start=date(2024, 1, 15))
    ExitFormFactory(
        citizen=left_for_a_job, exit_date=date(2024, 3, 1), status=ExitStatus.EMPLOYED_ORDINARY
    )
    visited(phase1_start=date(2024, 7, 1))  # phase 1 only after the period
    visited(on=date(2024, 8, 1))  # visited after the period: not counted at all
    visited(on=date(2023, 6, 1), phase1_start=date(2023, 7, 1))  # before the period's start

    expected = {"P01": 6, "phase1": 4, "phase2": 2, "employed": 2}
    assert breakdown(start=start, end=end).funnel == expected
    assert breakdown(start=start, end=end, clusters=[1, 2]).funnel == expected
    assert breakdown(end=end).funnel == {"P01": 7, "phase1": 5, "phase2": 2, "employed": 2}
