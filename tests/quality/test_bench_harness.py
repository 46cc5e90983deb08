"""The benchmark's own arithmetic and honesty; the bench itself never runs in the suite."""

import io

import pytest

from tests.bench import measure, targets


def test_percentiles_and_ratios_are_in_milliseconds():
    samples = [i / 1000 for i in range(1, 101)]  # 1 … 100 ms

    figures = measure.percentiles(samples)

    assert figures == {"p50_ms": 50.5, "p95_ms": 95.0, "n": 100}
    assert measure.ratio(30.0, 10.0) == 3.0
    assert measure.ratio(1.0, 0) is None


@pytest.mark.django_db
def test_a_page_that_is_not_on_this_branch_resolves_to_nothing():
    missing = targets.PageTarget("not yet", "participants:no_such_page")
    present = targets.PageTarget("partnerships", "partnerships:partnership_list")

    assert measure.resolve(missing) is None
    assert measure.resolve(present) == "/partnerskaber/"


def test_the_pdf_measurement_says_when_its_function_is_missing(monkeypatch):
    monkeypatch.setattr(targets, "PDF_FUNCTION", "reporting.no_such_module.render")

    assert measure.measure_pdf()["skipped"] == "not available"


def test_a_page_is_measured_as_a_named_user_or_one_found_in_the_data():
    named = targets.PageTarget("list", "participants:citizen_list", user="skala-controller")
    found = targets.PageTarget("grid", "participants:hours_week", user=lambda: "skala-aktoer-7")

    assert named.username() == "skala-controller"
    assert found.username() == "skala-aktoer-7"


@pytest.mark.django_db
def test_the_bench_floor_is_a_signed_in_page_of_the_bench_settings_only(client, settings):
    from tests.factories.partnerships import UserFactory

    assert client.get("/bench/floor/").status_code == 404  # not in the app's own URLs
    settings.ROOT_URLCONF = "tests.bench.urls"
    user = UserFactory()
    assert client.get("/bench/floor/").status_code == 302  # signed out: to the sign-in page
    client.force_login(user)
    response = client.get("/bench/floor/")
    assert response.status_code == 200
    assert user.username in response.content.decode()


def test_a_page_target_may_carry_a_query_string():
    target = targets.PageTarget("x", "reporting:hours", query="start=&end=")
    assert measure.resolve(target) == "/rapporter/timer/?start=&end="


@pytest.mark.django_db
def test_the_xlsx_floor_writes_the_rows_the_export_wrote(tmp_path):
    from openpyxl import load_workbook

    from participants.models import HoursKind
    from tests.bench import xlsx
    from tests.factories.participants import HoursEntryFactory

    HoursEntryFactory(kind=HoursKind.PAID, hours=7)
    HoursEntryFactory(kind=HoursKind.TRAINING, hours=3)
    rows = tmp_path / "rows.pickle"
    exported, written = xlsx.build_export(rows)
    floor, floored = xlsx.write_floor(rows)
    assert written == floored == 2
    sheet = load_workbook(io.BytesIO(exported)).active
    assert sheet.max_row == 4 + written + 1  # title, scope, blank, header; the total
    assert load_workbook(io.BytesIO(floor)).active.max_row == written


def test_a_form_is_read_as_a_browser_sends_it():
    from tests.bench.browser import post_form, set_fields

    page = """
    <form method="get"><input name="q" value="search"></form>
    <form method="post" action="/x/">
      <input type="hidden" name="csrfmiddlewaretoken" value="tok">
      <input name="h-1-paid" value="7,5"><input type="hidden" name="o-1-paid" value="7,5">
      <input name="h-2-paid" value="3" disabled>
      <input type="checkbox" name="migrant" checked><input type="checkbox" name="disability">
      <select name="gender"><option value="">---</option><option value="f" selected>K</option>
      </select>
      <select name="cluster"><option value="">---</option><option value="4">4</option></select>
      <textarea name="note">hello</textarea>
      <button type="submit" name="go">Gem</button>
    </form>"""

    form = post_form(page, "h-")

    assert form["action"] == "/x/"
    assert form["fields"] == [
        ["csrfmiddlewaretoken", "tok"],
        ["h-1-paid", "7,5"],
        ["o-1-paid", "7,5"],
        ["migrant", "on"],
        ["gender", "f"],
        ["cluster", ""],
        ["note", "hello"],
    ]
    assert form["options"]["cluster"] == ["", "4"]
    assert set_fields(form["fields"], {"h-1-paid": "9", "extra": "1"})[1:3] == [
        ["h-1-paid", "9"],
        ["o-1-paid", "7,5"],
    ]
    with pytest.raises(LookupError):
        post_form(page, "q")  # the search form is a GET form


def test_a_save_is_ok_when_redirected_a_conflict_when_refused_for_another_change():
    from tests.bench.browser import Answer
    from tests.bench.writes import outcome

    assert outcome(Answer(302, "", "/timer/", 0.1)) == "ok"
    assert outcome(Answer(200, "Ændret af en anden, mens siden var åben", "", 0.1)) == "conflict"
    assert outcome(Answer(200, "Posten er ændret af en anden, siden du åbnede den.", "", 0)) == (
        "conflict"
    )
    assert outcome(Answer(409, "", "", 0.1)) == "conflict"
    assert outcome(Answer(200, "Ret de markerede felter.", "", 0.1)) == "error"
    assert outcome(Answer(500, "", "", 0.1)) == "error"


def test_the_mixed_load_splits_every_user_across_the_roles():
    from tests.bench import mixed

    assert mixed.split(200) == {"caseworker": 80, "actor": 70, "controller": 50}
    assert sum(mixed.split(7).values()) == 7


def test_the_targets_say_which_are_met_and_what_was_not_measured():
    result = {
        "pages": {"a": {"ratio_p95": 14.0}, "b": {"ratio_p95": 16.0}, "c": {"skipped": "x"}},
        "writes": {
            "hours grid save": {"ratio_p95": 3.0},
            "hours upload (5,000 rows)": {"ratio_seconds": 4.0},
        },
        "load": {"mixed": {"errors": 0}},
    }

    verdicts = targets.verdicts(result)

    assert verdicts["page: a"]["met"] is True
    assert verdicts["page: b"]["met"] is False
    assert verdicts["page: c"]["met"] is None
    assert verdicts["write: hours grid save"] == {"ratio": 3.0, "target": 15, "met": True}
    assert verdicts["write: citizen edit"]["met"] is None
    assert verdicts["write: hours upload (5,000 rows)"]["met"] is False
    assert verdicts["mixed load: errors"] == {"errors": 0, "met": True}


@pytest.mark.django_db
def test_the_detection_floor_finds_the_outcomes_the_service_finds():
    from datetime import date, timedelta
    from decimal import Decimal

    from participants.models import HoursKind, PlacementKind
    from pbr import selectors
    from pbr.models import RetentionMode
    from tests.bench.detection import found_by_sql
    from tests.factories.participants import (
        CitizenFactory,
        HoursEntryFactory,
        PlacementFactory,
        PlacementStepFactory,
    )
    from tests.factories.partnerships import ClusterFactory, municipality
    from tests.factories.pbr import make_contract

    as_of = date(2025, 6, 30)
    roskilde, cluster_2 = municipality("Roskilde"), ClusterFactory(number=2)
    continuous = make_contract()
    cumulative = make_contract(
        roskilde,
        cluster_2,
        retention_mode=RetentionMode.CUMULATIVE,
        fixed_part=Decimal("100"),
        count_practice=True,
    )
    # Under each contract: a job whose plan drops under 15 hours for five weeks, with logged
    # paid hours in some of them; a practice placement (counted by one contract only); a
    # job after the day.
    for place in ({}, {"municipality": roskilde, "cluster": cluster_2}):
        job = PlacementFactory(
            citizen=CitizenFactory(**place),
            kind=PlacementKind.ORDINAER,
            start=date(2024, 1, 10),
            hours_per_week=Decimal("20"),
        )
        PlacementStepFactory(placement=job, from_date=date(2024, 3, 4), hours_per_week=8)
        PlacementStepFactory(placement=job, from_date=date(2024, 4, 8), hours_per_week=25)
        for weeks in (0, 2):
            HoursEntryFactory(
                citizen=job.citizen,
                kind=HoursKind.PAID,
                week_start=date(2024, 3, 4) + timedelta(weeks=weeks),
                hours=Decimal("16"),
            )
        for kind, start in ((PlacementKind.PRAKTIK, date(2024, 9, 2)), (None, date(2025, 7, 7))):
            PlacementFactory(
                citizen=CitizenFactory(**place),
                kind=kind or PlacementKind.ORDINAER,
                start=start,
                hours_per_week=30,
            )

    by_service = {
        (contract.pk, kind, subject, found.achieved_on)
        for contract in (continuous, cumulative)
        for (kind, subject), found in selectors.outcomes_found(contract, as_of).items()
    }

    assert len(by_service) > 4
    assert set(found_by_sql(as_of)) == by_service
