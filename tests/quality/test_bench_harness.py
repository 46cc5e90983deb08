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
