"""The pages whose figures are kept between writes (siv.figures) take a constant number of
queries, whatever the number of citizens: counted once after a write, then served."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from siv import figures
from tests.factories.participants import ExitFormFactory
from tests.participants.helpers import citizen_in

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = (
    "reporting:indicators",
    "reporting:esf",
    "reporting:start_figures",
    "participants:revisitation_overview",
)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _citizens(personas, n: int) -> None:
    today = timezone.localdate()
    for i in range(n):
        leaver = citizen_in(personas.own, personas.cluster, phase1_start=today - timedelta(90))
        ExitFormFactory(citizen=leaver, exit_date=today - timedelta(days=i + 1), early=i % 2 == 0)


def _counted_then_served(client, url: str) -> tuple[int, int]:
    return _queries(client, url), _queries(client, url)


@pytest.mark.parametrize("page", PAGES)
def test_a_page_takes_the_same_queries_for_few_and_many_citizens(signed_in, personas, page):
    figures.fold()  # an epoch after the previous test's flush
    client = signed_in(personas.controller)
    url = reverse(page)
    client.get(url)  # the session's renewal and the user's first page out of the way
    _citizens(personas, 2)
    few = _counted_then_served(client, url)
    _citizens(personas, 12)
    many = _counted_then_served(client, url)
    assert few == many
    counted, served = many
    assert served < counted  # served from what was kept: the counting queries are not run
