"""The benchmark's own arithmetic and honesty; the bench itself never runs in the suite."""

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
