"""The mixed load test's counting: what a step answers or raises becomes a timed sample, a
conflict or an error by step and kind, and no failure ends a simulated user's journey."""

import http.client

import pytest

from tests.bench import measure, mixed
from tests.bench.browser import Answer

GRID = (
    '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="t">'
    '<input name="h-7-training" value="3"><input name="h-8-training" value="4"></form>'
)


class ScriptedBrowser:
    """Answers each request with the next scripted answer, or raises it."""

    def __init__(self, *script):
        self.script = list(script)
        self.requests = []

    def _next(self, method, path):
        self.requests.append((method, path))
        item = self.script.pop(0)
        if isinstance(item, BaseException):
            raise item
        return item

    def get(self, path):
        return self._next("GET", path)

    def post(self, path, fields):
        return self._next("POST", path)


def page(status=200, body=GRID, location=""):
    return Answer(status, body, location, 0.01)


def actor(*script):
    tally = mixed.Tally()
    return mixed.Actor(ScriptedBrowser(*script), tally, week="2026-W48"), tally


def test_a_saved_grid_is_two_timed_steps():
    journey, tally = actor(page(), page(), page(302, "", "/timer/"))
    journey.once()
    assert {step: len(samples) for step, samples in tally.samples.items()} == {
        "grid read": 1,
        "grid save": 1,
    }
    assert not tally.errors and not tally.conflicts


def test_a_refused_save_of_the_same_cell_is_a_conflict_not_an_error():
    refused = page(200, "<p>Ændret af en anden, mens du skrev</p>")
    journey, tally = actor(page(), page(), refused, page(), page(), page(409, ""))
    journey.once()
    journey.once()
    assert tally.conflicts == {"grid save": 2}
    assert not tally.errors
    assert "grid save" not in tally.samples


def test_an_unexpected_status_is_an_error_named_by_step_and_status():
    journey, tally = actor(page(500, "Server Error"))
    journey.once()
    assert tally.errors == {"grid read: 500": 1}


@pytest.mark.parametrize(
    "raised",
    [ConnectionResetError(104, "reset"), http.client.RemoteDisconnected("closed"), TimeoutError()],
)
def test_a_broken_connection_is_an_error_named_by_step_and_kind(raised):
    journey, tally = actor(page(), raised)
    journey.once()
    assert tally.errors == {f"grid save: {type(raised).__name__}": 1}


def test_a_form_page_that_fails_inside_a_save_is_counted_and_the_user_goes_on():
    # The save fetches the grid again for its form; that page answers 500.
    journey, tally = actor(page(), page(500, ""), page(), page(), page(302, "", "/timer/"))
    journey.once()
    journey.once()
    assert tally.errors == {"grid save: WriteRefused": 1}
    assert len(tally.samples["grid save"]) == 1


def test_a_page_without_the_search_form_is_an_error_of_the_search():
    tally = mixed.Tally()
    browser = ScriptedBrowser(page(200, "<p>no form</p>"))
    mixed.Caseworker(browser, tally, words=["Anna"]).once()
    assert tally.errors == {"search: LookupError": 1}
    assert tally.samples["citizen list"] == [0.01]


def test_the_summary_counts_conflicts_apart_from_errors():
    tally = mixed.Tally()
    tally.samples["grid save"] += [0.1, 0.2, 0.3]
    tally.conflicts["grid save"] += 2
    tally.errors["grid read: ConnectionResetError"] += 1
    figures = mixed.summary(tally, elapsed=2.0)
    assert figures["requests"] == 3
    assert figures["requests_per_s"] == 1.5
    assert figures["steps"]["grid save"] == {"p50_ms": 200.0, "p95_ms": 300.0, "n": 3}
    assert figures["errors"] == 1
    assert figures["errors_by_kind"] == {"grid read: ConnectionResetError": 1}
    assert figures["conflicts"] == 2
    assert figures["conflicts_by_step"] == {"grid save": 2}


def test_bench_only_runs_the_parts_it_names():
    assert measure.wanted("mixed", "")
    assert measure.wanted("pdf", "")
    assert measure.wanted("mixed", "mixed")
    assert not measure.wanted("pages", "mixed")
    assert measure.wanted("pages", " mixed , pages")
    with pytest.raises(SystemExit, match="mixd"):
        measure.wanted("mixed", "mixd")
