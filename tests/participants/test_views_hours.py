"""The weekly hours grid: one form per page of the actor's citizens, all or nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participants.models import HoursEntry
from tests.factories.participants import CitizenFactory, ExitFormFactory, HoursEntryFactory

from .helpers import citizen_in

URL = reverse("participants:hours_week")
WEEK = "2024-W10"
MONDAY = date(2024, 3, 4)


def cell(citizen, kind="training"):
    return f"h-{citizen.pk}-{kind}"


@pytest.mark.django_db
class TestHoursGrid:
    def test_grid_lists_the_actors_active_citizens_with_existing_hours(self, client, personas):
        mine = citizen_in(personas.own, personas.cluster, first_name="Mette")
        HoursEntryFactory(citizen=mine, week_start=MONDAY, hours=Decimal("7.5"))
        citizen_in(personas.foreign, personas.cluster, first_name="Fremmed")
        client.force_login(personas.actor)
        html = client.get(URL, {"uge": WEEK}).content.decode()
        assert "Mette" in html and "Fremmed" not in html
        assert 'value="7,5"' in html
        assert "Timer uge 10" in html
        assert "2024-W09" in html and "2024-W11" in html

    def test_saving_a_week_for_several_citizens(self, client, personas):
        first = citizen_in(personas.own, personas.cluster)
        second = citizen_in(personas.own, personas.cluster)
        client.force_login(personas.actor)
        response = client.post(
            URL,
            {"uge": WEEK, cell(first): "10", cell(second, "practice"): "7,5"},
        )
        assert response.status_code == 302
        assert HoursEntry.objects.get(citizen=first).hours == Decimal("10")
        assert HoursEntry.objects.get(citizen=second, kind="practice").hours == Decimal("7.5")

    def test_errors_are_shown_per_cell_and_nothing_is_saved(self, client, personas):
        good = citizen_in(personas.own, personas.cluster)
        bad = citizen_in(personas.own, personas.cluster)
        client.force_login(personas.actor)
        response = client.post(
            URL,
            {
                "uge": WEEK,
                cell(good): "12",
                cell(bad): "61",
                cell(bad, "paid"): "abc",
            },
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "Ugen er ikke gemt" in html
        assert "mellem 0 og 60" in html
        assert "Timer skal være et tal" in html
        assert 'value="61"' in html and 'value="abc"' in html and 'value="12"' in html
        assert html.count("is-invalid") == 2
        assert not HoursEntry.objects.exists()

    def test_week_total_above_80_is_refused(self, client, personas):
        citizen = citizen_in(personas.own, personas.cluster)
        client.force_login(personas.actor)
        data = {"uge": WEEK, cell(citizen): "40", cell(citizen, "paid"): "41"}
        html = client.post(URL, data).content.decode()
        assert "Højst 80 timer" in html
        assert not HoursEntry.objects.exists()

    def test_citizens_before_start_or_after_exit_cannot_get_hours(self, client, personas):
        late = citizen_in(personas.own, personas.cluster, phase1_start=date(2024, 3, 6))
        left = citizen_in(personas.own, personas.cluster, first_name="Ophørt")
        ExitFormFactory(citizen=left, exit_date=date(2024, 2, 1))
        client.force_login(personas.actor)
        html = client.get(URL, {"uge": "2024-W09"}).content.decode()
        assert "Ophørt" not in html
        assert f'name="{cell(late)}"' not in html or "før forløbets start" in html

    def test_clearing_a_cell_removes_the_hours(self, client, personas):
        citizen = citizen_in(personas.own, personas.cluster)
        HoursEntryFactory(citizen=citizen, week_start=MONDAY)
        client.force_login(personas.actor)
        client.post(URL, {"uge": WEEK, cell(citizen): ""})
        assert not HoursEntry.objects.exists()

    def test_grid_and_save_run_the_same_number_of_queries_for_10_and_200(self, client, personas):
        client.force_login(personas.actor)

        def measure(n):
            citizens = CitizenFactory.create_batch(
                n,
                municipality=personas.own.municipality,
                employment_actor=personas.own.actor_org,
                cluster=personas.cluster,
                phase1_start=date(2024, 1, 8),
            )
            with CaptureQueriesContext(connection) as get_queries:
                assert client.get(URL, {"uge": WEEK}).status_code == 200
            # Every cell is refused, so the page shown (whichever citizens it holds) fails.
            data_bad = {"uge": WEEK, **{cell(c): "99" for c in citizens}}
            with CaptureQueriesContext(connection) as bad_post:
                assert client.post(URL, data_bad).status_code == 200
            return len(get_queries), len(bad_post)

        assert measure(10) == measure(190)

    def test_a_save_runs_the_same_number_of_queries_for_5_and_50_citizens(self, client, personas):
        client.force_login(personas.actor)
        citizens = []

        def save(n, week):
            citizens.extend(
                CitizenFactory.create_batch(
                    n - len(citizens),
                    municipality=personas.own.municipality,
                    employment_actor=personas.own.actor_org,
                    cluster=personas.cluster,
                    phase1_start=date(2024, 1, 8),
                )
            )
            data = {"uge": week, **{cell(c): "4" for c in citizens}}
            with CaptureQueriesContext(connection) as queries:
                assert client.post(URL, data).status_code == 302
            return len(queries)

        assert save(5, "2024-W10") == save(50, "2024-W11")
        assert HoursEntry.objects.filter(week_start=date(2024, 3, 11)).count() == 50

    def test_the_grid_a_save_and_a_refused_save_run_as_many_queries_for_5_as_for_50(
        self, client, personas
    ):
        client.force_login(personas.actor)
        citizens = []

        def measure(n, week):
            citizens.extend(
                citizen_in(personas.own, personas.cluster) for _ in range(n - len(citizens))
            )
            with CaptureQueriesContext(connection) as shown:
                html = client.get(URL, {"uge": week}).content.decode()
            assert html.count('name="h-') == 5 * n
            saved = {"uge": week, **{cell(c): "4" for c in citizens}}
            with CaptureQueriesContext(connection) as save:
                assert client.post(URL, saved).status_code == 302
            refused = {"uge": week, **{cell(c, "paid"): "x" for c in citizens}}
            with CaptureQueriesContext(connection) as refusal:
                assert client.post(URL, refused).status_code == 200
            return len(shown), len(save), len(refusal)

        assert measure(5, "2024-W10") == measure(50, "2024-W11")
        assert HoursEntry.objects.filter(week_start=date(2024, 3, 11)).count() == 50

    def test_a_save_writes_only_the_cells_of_the_page_it_was_sent_from(self, client, personas):
        citizens = [
            citizen_in(personas.own, personas.cluster, last_name=f"Borger{n:03d}")
            for n in range(55)
        ]
        client.force_login(personas.actor)
        # Cells of page 1's citizens sent with page 2: they are not on it, and are left alone.
        data = {"uge": WEEK, "side": "2", cell(citizens[0]): "4", cell(citizens[54]): "5"}
        assert client.post(URL, data).status_code == 302
        saved = dict(HoursEntry.objects.values_list("citizen_id", "hours"))
        assert saved == {citizens[54].pk: Decimal("5")}

    def test_a_large_week_is_shown_and_saved_a_page_of_50_citizens_at_a_time(
        self, client, personas
    ):
        citizens = [
            citizen_in(personas.own, personas.cluster, last_name=f"Borger{n:03d}")
            for n in range(60)
        ]
        client.force_login(personas.actor)

        first = client.get(URL, {"uge": WEEK}).content.decode()
        second = client.get(URL, {"uge": WEEK, "side": "2"}).content.decode()
        assert cell(citizens[49]) in first and cell(citizens[50]) not in first
        assert cell(citizens[50]) in second and cell(citizens[0]) not in second
        assert "Side 2 af 2" in second and "60 rækker" in first

        data = {"uge": WEEK, "side": "2", **{cell(c): "4" for c in citizens[50:]}}
        response = client.post(URL, data)
        assert response.status_code == 302
        assert response["Location"].endswith(f"uge={WEEK}&side=2")
        assert HoursEntry.objects.count() == 10  # page 2's citizens only; page 1 untouched


def test_the_weekly_grid_links_to_the_hours_upload(client, personas):
    from django.urls import reverse as _reverse

    client.force_login(personas.actor)
    response = client.get(_reverse("participants:hours_week"))
    assert _reverse("participants:hours_upload") in response.content.decode()


@pytest.mark.django_db
class TestTwoTabs:
    """Two people (or two tabs) open the same week; each save writes only what it changed,
    and a cell someone else changed meanwhile is a conflict, never overwritten."""

    def _opened(self, client):
        """The form as the browser sends it back: every cell with what it showed."""
        return self._opened_from(client.get(URL, {"uge": WEEK}).content.decode())

    def test_two_tabs_saving_different_cells_keep_both(self, client, personas):
        citizen = citizen_in(personas.own, personas.cluster)
        HoursEntryFactory(citizen=citizen, week_start=MONDAY, kind="paid", hours=Decimal("4"))
        client.force_login(personas.actor)
        first, second = self._opened(client), self._opened(client)
        assert client.post(URL, first | {cell(citizen): "10"}).status_code == 302
        assert client.post(URL, second | {cell(citizen, "practice"): "6"}).status_code == 302
        saved = dict(HoursEntry.objects.filter(citizen=citizen).values_list("kind", "hours"))
        assert saved == {"training": Decimal("10"), "practice": Decimal("6"), "paid": Decimal("4")}

    def test_the_second_tab_is_told_of_a_conflict_and_may_save_again(self, client, personas):
        citizen = citizen_in(personas.own, personas.cluster)
        client.force_login(personas.actor)
        first, second = self._opened(client), self._opened(client)
        client.post(URL, first | {cell(citizen): "10"})

        response = client.post(URL, second | {cell(citizen): "8"})
        html = response.content.decode()
        assert response.status_code == 200
        assert (
            "Ændret af en anden, mens siden var åben: nu 10 timer. Dine 8 timer er ikke gemt"
            in (html)
        )
        assert HoursEntry.objects.get(citizen=citizen).hours == Decimal("10")
        assert f'name="{cell(citizen)}" value="8"' in html  # what was typed is kept

        again = self._opened_from(html)
        assert client.post(URL, again).status_code == 302
        assert HoursEntry.objects.get(citizen=citizen).hours == Decimal("8")

    def _opened_from(self, html):
        import re

        return {"uge": WEEK} | dict(re.findall(r'name="([ho]-\d+-\w+)" value="([^"]*)"', html))
