"""The indicators broken down by region, cluster and municipality (indicators.by_levels):
every P-code of a level's units adds up to the programme's figure, each unit is shown against
its own targets, on the screen, in the exports and from `manage.py report`."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participants.importer.services import read_directory, run_import
from participants.models import EMPLOYED_STATUSES, ExitStatus, NotAvailableReason
from partnerships.models import Cluster, Municipality, Region
from reporting.indicators import LEVELS, Scope, by_levels, compute
from reporting.models import IndicatorCode, IndicatorTarget
from tests.factories.accelerator import CampFactory, CompanyFactory
from tests.factories.participants import (
    CitizenFactory,
    ExitFormFactory,
    FollowUpFactory,
    VisitationFactory,
)
from tests.factories.partnerships import ClusterFactory, ClusterMembershipFactory
from tests.factories.reporting import SubProjectFactory

from .test_indicators import SAMPLE

pytestmark = pytest.mark.django_db

P_CODES = [code.value for code in IndicatorCode if code.value.startswith("P")]
END = date(2024, 12, 31)

# A national programme: two clusters, municipalities in all five regions.
NATIONAL = {
    1: ["Aalborg", "Kolding", "Gentofte", "Køge", "Stevns", "Odsherred"],
    2: ["Ikast-Brande", "Holstebro", "Silkeborg", "Frederiksberg", "Gribskov", "Holbæk"],
}
STATUSES = [*ExitStatus.values, None]


@pytest.fixture
def legacy():
    """The legacy sample (Region Midtjylland, cluster 2), with targets at every level."""
    assert run_import(read_directory(SAMPLE)).ok
    IndicatorTarget.objects.create(code="P01", value=12)
    IndicatorTarget.objects.create(
        code="P01", region=Region.objects.get(name="Region Midtjylland"), value=11
    )
    IndicatorTarget.objects.create(code="P02", cluster=Cluster.objects.get(number=2), value=7)
    IndicatorTarget.objects.create(
        code="P01", municipality=Municipality.objects.get(name="Silkeborg"), value=5
    )


def national(per_municipality: int = 3) -> None:
    """Citizens of every exit status in twelve municipalities of the five regions, with
    follow-ups, companies in each cluster and a camp per cluster."""
    n = 0
    for number, names in NATIONAL.items():
        cluster = ClusterFactory(number=number)
        CampFactory(cluster=cluster, date=date(2020, 5, 1))
        for name in names:
            place = Municipality.objects.get(name=name)
            ClusterMembershipFactory(cluster=cluster, municipality=place)
            CompanyFactory(municipality=place, enrolled_cluster=cluster, entry_year=2020)
            for _ in range(per_municipality):
                n += 1
                start = date(2021, 1, 4) + timedelta(days=7 * (n % 40))
                citizen = CitizenFactory(municipality=place, cluster=cluster, phase1_start=start)
                VisitationFactory(citizen=citizen, proposed_on=start - timedelta(days=7))
                status = STATUSES[n % len(STATUSES)]
                if status is None:
                    continue
                exit_form = ExitFormFactory(
                    citizen=citizen,
                    exit_date=start + timedelta(days=60 + 11 * n),
                    status=status,
                    not_available_reason=(
                        NotAvailableReason.DECEASED if status == "not_available" else ""
                    ),
                )
                if status in EMPLOYED_STATUSES:
                    FollowUpFactory(
                        exit=exit_form,
                        followed_up_on=exit_form.exit_date + timedelta(days=730),
                        status=status,
                    )


def values(rows) -> dict[str, int]:
    return {row.code: row.value for row in rows}


def assert_levels_add_up(code: str, scope: Scope | None = None) -> None:
    scope = scope or Scope()
    counted = by_levels(list(LEVELS), scope=scope, end=END)
    whole = values(counted.whole)[code]
    assert whole == values(compute(scope=scope, end=END))[code]
    for level, units in counted.by_level.items():
        assert units, level
        assert sum(values(rows)[code] for rows in units.values()) == whole, (level, code)


@pytest.mark.parametrize("code", P_CODES)
def test_each_p_code_of_the_legacy_sample_adds_up_over_every_level(legacy, code):
    assert_levels_add_up(code)


@pytest.mark.parametrize("code", P_CODES)
def test_each_p_code_of_a_national_programme_adds_up_over_every_level(code):
    national()
    counted = by_levels(list(LEVELS), end=END)
    assert len(counted.by_level["region"]) == 5
    assert len(counted.by_level["cluster"]) == 2
    assert len(counted.by_level["municipality"]) == 12
    assert_levels_add_up(code)
    assert_levels_add_up(code, Scope(region="Region Sjælland"))


def test_the_national_figures_are_not_all_zero():
    national()
    table = values(compute(end=END))
    assert table["P01"] == 36
    assert all(table[code] > 0 for code in ("P02", "P03", "P04", "P05", "P06", "P07", "P08"))


def test_each_unit_equals_its_own_computation_with_its_own_targets():
    national(per_municipality=2)
    IndicatorTarget.objects.create(
        code="P01", region=Region.objects.get(name="Region Sjælland"), value=40
    )
    IndicatorTarget.objects.create(code="C02", cluster=Cluster.objects.get(number=2), value=3)
    IndicatorTarget.objects.create(
        code="P08", municipality=Municipality.objects.get(name="Stevns"), value=2
    )
    counted = by_levels(list(LEVELS), end=END)
    for region, rows in counted.by_level["region"].items():
        assert rows == compute(scope=Scope(region=region), end=END)
    for number, rows in counted.by_level["cluster"].items():
        assert rows == compute(scope=Scope(cluster=number), end=END)
    for name, rows in counted.by_level["municipality"].items():
        assert rows == compute(scope=Scope(municipality=name), end=END)
    targets = {
        level: {unit: {r.code: r.target for r in rows} for unit, rows in units.items()}
        for level, units in counted.by_level.items()
    }
    assert targets["region"]["Region Sjælland"]["P01"] == 40
    assert targets["region"]["Region Hovedstaden"]["P01"] is None
    assert targets["cluster"][2]["C02"] == 3
    assert targets["municipality"]["Stevns"]["P08"] == 2


def test_camps_count_once_in_every_unit_they_join():
    national(per_municipality=1)
    counted = by_levels(list(LEVELS), end=END)
    assert values(counted.whole)["C04"] == 2
    # Cluster 1 has municipalities in four regions, cluster 2 in three.
    camps = {unit: values(rows)["C04"] for unit, rows in counted.by_level["region"].items()}
    assert camps["Region Sjælland"] == 2 and camps["Region Nordjylland"] == 1
    assert {values(rows)["C04"] for rows in counted.by_level["municipality"].values()} == {1}


def count_queries(levels: tuple[str, ...] = tuple(LEVELS)) -> int:
    with CaptureQueriesContext(connection) as ctx:
        by_levels(list(levels), end=END)
    return len(ctx.captured_queries)


def test_the_breakdown_takes_the_same_queries_for_few_and_many_units():
    citizen = CitizenFactory(municipality=Municipality.objects.get(name="Køge"))
    VisitationFactory(citizen=citizen, proposed_on=date(2024, 1, 2))
    few = count_queries()
    national(per_municipality=1)
    assert count_queries() == few
    # One pass over citizens and companies, a camp and a target query per level and for the
    # whole, and the memberships.
    assert few <= 2 + 2 * (len(LEVELS) + 1) + 1
    assert count_queries(("region",)) < few


def run_report(*args) -> str:
    out = io.StringIO()
    call_command("report", "indicators", *args, "--format", "csv", stdout=out)
    return out.getvalue()


def test_the_report_command_prints_one_row_per_region_and_code_of_the_legacy_sample(legacy):
    lines = run_report("--by", "region").splitlines()
    assert lines[0] == "unit,code,value,target"
    assert lines[1:] == [
        "Region Midtjylland,P01,10,11",
        "Region Midtjylland,P02,6,",
        "Region Midtjylland,P03,2,",
        "Region Midtjylland,P04,1,",
        "Region Midtjylland,P05,3,",
        "Region Midtjylland,P06,2,",
        "Region Midtjylland,P06a,1,",
        "Region Midtjylland,P07,2,",
        "Region Midtjylland,P08,2,",
        "Region Midtjylland,C01,3,",
        "Region Midtjylland,C02,1,",
        "Region Midtjylland,C03,1,",
        "Region Midtjylland,C04,0,",
    ]


def test_the_report_command_breaks_the_legacy_sample_down_by_cluster_and_municipality(legacy):
    clusters = run_report("--by", "cluster").splitlines()
    assert "Klynge 2,P02,6,7" in clusters
    assert len(clusters) == 1 + len(IndicatorCode)
    municipalities = run_report("--by", "municipality").splitlines()
    rows = [line.split(",") for line in municipalities[1:]]
    units = sorted({row[0] for row in rows})
    assert len(rows) == len(units) * len(IndicatorCode)
    assert "Silkeborg,P01,4,5" in municipalities
    assert sum(int(row[2]) for row in rows if row[1] == "P01") == 10


def test_the_report_command_limits_the_breakdown_to_one_sub_project():
    national(per_municipality=1)
    SubProjectFactory(region=Region.objects.get(name="Region Sjælland"), name="Delprojekt Sjælland")
    lines = run_report("--by", "municipality", "--sub-project", "Delprojekt Sjælland").splitlines()
    assert sorted({line.split(",")[0] for line in lines[1:]}) == [
        "Holbæk",
        "Køge",
        "Odsherred",
        "Stevns",
    ]


def test_the_screen_shows_every_unit_of_the_level_against_its_targets(signed_in, personas):
    national(per_municipality=1)
    IndicatorTarget.objects.create(
        code="P01", municipality=Municipality.objects.get(name="Gribskov"), value=17
    )
    client = signed_in(personas.controller)
    url = reverse("reporting:indicator_breakdown")
    page = client.get(url, {"by": "municipality", "end": "2024-12-31"}).content.decode()
    for name in NATIONAL[1] + NATIONAL[2]:
        assert f">{name}</th>" in page
    assert ">17</td>" in page
    page = client.get(url, {"by": "cluster", "end": "2024-12-31"}).content.decode()
    assert ">Klynge 1</th>" in page and ">Klynge 2</th>" in page
    assert ">Gribskov</th>" not in page


def test_the_screen_takes_the_same_queries_for_few_and_many_units(signed_in, personas):
    client = signed_in(personas.controller)
    url = reverse("reporting:indicator_breakdown")
    client.get(url, {"by": "municipality"})
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"by": "municipality"})
    national(per_municipality=1)
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"by": "municipality"})
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_screen_is_for_the_programme_not_a_municipal_lead(signed_in, personas):
    client = signed_in(personas.lead)
    assert client.get(reverse("reporting:indicator_breakdown")).status_code == 404


def test_a_sub_project_in_another_region_than_the_one_chosen_is_a_form_error(signed_in, personas):
    sub_project = SubProjectFactory(region=Region.objects.get(name="Region Sjælland"))
    client = signed_in(personas.controller)
    response = client.get(
        reverse("reporting:indicator_breakdown"),
        {"sub_project": sub_project.pk, "region": "Region Midtjylland", "by": "nonsense"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Delprojektet omfatter Region Sjælland. Vælg den region eller ingen." in page
    # What could not be read counts the whole programme, by region.
    assert "Hele programmet ·" in page
    assert ">Region Sjælland</th>" in page
