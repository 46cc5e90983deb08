from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting.models import IndicatorTarget, ProjectSettings, ReportNarrative
from siv.models import AuditAction, AuditEntry
from tests.factories.participants import CitizenFactory, ExitFormFactory, VisitationFactory

pytestmark = pytest.mark.django_db


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_indicator_screen_uses_a_constant_number_of_queries(signed_in, personas, programme):
    client = signed_in(personas.controller)
    url = reverse("reporting:indicators") + "?end=2024-12-31"
    before = _count_queries(client, url)
    for _ in range(15):
        citizen = CitizenFactory(municipality=personas.own.municipality, cluster=personas.cluster)
        VisitationFactory(citizen=citizen)
        ExitFormFactory(citizen=citizen)
    assert _count_queries(client, url) == before


def test_indicator_screen_shows_values_and_targets(signed_in, personas, programme):
    body = signed_in(personas.controller).get(reverse("reporting:indicators")).content.decode()
    assert "Tilmeldte deltagere" in body
    assert "120" in body
    assert "Region Sjælland" in body  # a column per region


def test_a_municipal_lead_sees_only_their_municipality(signed_in, personas, programme):
    response = signed_in(personas.lead).get(
        reverse("reporting:indicators"), {"municipality": "Næstved"}
    )
    assert response.context["params"].municipality == "Køge"
    assert response.context["breakdown"]["rows"][0]["values"] == [3]


def test_the_controller_sets_targets_for_a_cluster(signed_in, personas):
    url = reverse("reporting:targets") + f"?cluster={personas.cluster.number}"
    response = signed_in(personas.controller).post(url, {"P01": "40", "P03": ""})
    assert response.status_code == 302
    target = IndicatorTarget.objects.get()
    assert (target.code, target.value, target.cluster) == ("P01", 40, personas.cluster)


def test_a_negative_target_is_a_danish_form_error(signed_in, personas):
    response = signed_in(personas.controller).post(reverse("reporting:targets"), {"P01": "-1"})
    assert "Et mål kan ikke være negativt." in response.content.decode()


def test_a_new_period_starts_from_last_periods_text(signed_in, personas):
    ReportNarrative.objects.create(
        kind="progress",
        period_start=date(2024, 1, 1),
        period_end=date(2024, 6, 30),
        heading=3,
        text="Styregruppen mødes hver måned.",
    )
    client = signed_in(personas.controller)
    url = reverse("reporting:report_texts_progress") + "?fra=2024-07-01&til=2024-12-31"
    body = client.get(url).content.decode()
    assert "Styregruppen mødes hver måned." in body
    assert "hentet fra forrige periode" in body
    data = {"period_start": "2024-07-01", "period_end": "2024-12-31", "heading_3": "Nyt."}
    assert client.post(url, data).status_code == 302
    assert ReportNarrative.objects.get(period_end=date(2024, 12, 31), heading=3).text == "Nyt."
    assert ReportNarrative.objects.filter(period_end=date(2024, 12, 31)).count() == 8


def test_project_settings_are_saved(signed_in, personas):
    response = signed_in(personas.controller).post(
        reverse("reporting:project_settings"),
        {
            "name": "SIV",
            "journal_number": "SFNPO-18-0012",
            "project_start": "2019-01-01",
            "project_end": "2018-01-01",
        },
    )
    assert "Projektperioden skal starte før den slutter." in response.content.decode()


def test_changed_project_settings_are_logged_with_before_and_after(signed_in, personas):
    client = signed_in(personas.controller)
    url = reverse("reporting:project_settings")
    data = {
        "name": "SIV",
        "journal_number": "SFNPO-18-0012",
        "project_start": "2019-01-01",
        "project_end": "2022-12-31",
    }
    client.post(url, data)
    client.post(url, {**data, "project_end": "2023-06-30"})
    entry = AuditEntry.objects.about(ProjectSettings.objects.get()).latest("at")
    assert entry.action == AuditAction.CHANGE
    assert entry.details == {
        "fields": ["project_end"],
        "before": {"project_end": "2022-12-31"},
        "after": {"project_end": "2023-06-30"},
    }


def test_the_start_page_shows_the_programme_panel_to_the_controller(signed_in, personas, programme):
    client = signed_in(personas.controller)
    body = client.get("/").content.decode()
    assert "Programmet i tal" in body
    # The figures arrive after the page, from the panel's own request.
    figures_url = reverse("reporting:start_figures")
    assert f'hx-get="{figures_url}" hx-trigger="load"' in body
    figures = client.get(figures_url)
    kpis = {kpi.code: kpi.value for kpi in figures.context["panel"]["kpis"]}
    assert kpis == {"P01": 4, "P03": 1, "P07": 2, "C01": 0}
    assert "Tilmeldte deltagere" in figures.content.decode()
    assert "<svg" in figures.content.decode()


def test_the_start_page_shows_the_municipal_panel_to_the_lead(signed_in, personas, programme):
    client = signed_in(personas.lead)
    assert "Køge i tal" in client.get("/").content.decode()
    own = client.get(reverse("reporting:start_figures"), {"municipality": "Næstved"})
    # Køge's three citizens, not Næstved's, whatever the request asks for.
    assert {k.code: k.value for k in own.context["panel"]["kpis"]}["P01"] == 3


def test_a_municipal_lead_sees_only_their_municipalitys_hours(signed_in, personas, programme):
    response = signed_in(personas.lead).get(reverse("reporting:hours"), {"end": "2024-12-31"})
    municipalities = {row["municipality"] for row in response.context["statement"].rows}
    assert municipalities == {"Køge"}
    assert "region" not in response.context["form"].fields


def test_the_hours_screen_shows_the_current_half_year_unless_a_period_is_chosen(
    signed_in, personas, programme, monkeypatch
):
    from django.utils import timezone

    from participants.models import HoursKind
    from tests.factories.participants import HoursEntryFactory

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 12, 1))
    first = date(2026, 7, 1)
    monday = date(2026, 7, 6)  # the first week of the half-year
    citizen = CitizenFactory(municipality=personas.own.municipality, cluster=personas.cluster)
    HoursEntryFactory(citizen=citizen, week_start=monday, kind=HoursKind.PAID, hours=Decimal(7))
    client = signed_in(personas.controller)
    url = reverse("reporting:hours")

    response = client.get(url)
    assert response.context["params"].start == first
    assert response.context["statement"].total_hours == Decimal("7.00")
    assert f'value="{first.isoformat()}"' in response.content.decode()  # the "Fra" shown
    # A page link keeps the default; the export buttons carry the period shown.
    assert client.get(url, {"side": "2"}).context["params"].start == first
    assert f'name="start" value="{first.isoformat()}"' in response.content.decode()

    # A cleared "Fra": every month of the programme (the fixture's 2024 hours as well).
    whole = client.get(url, {"start": "", "end": ""})
    assert whole.context["params"].start is None
    assert whole.context["statement"].total_hours == Decimal("35.00") + Decimal("7.00")


def test_the_hours_screen_offers_a_pdf_only_of_a_statement_a_pdf_can_hold(
    signed_in, personas, programme, monkeypatch
):
    client = signed_in(personas.controller)
    url = reverse("reporting:hours")
    fits = client.get(url, {"end": "2024-12-31"}).content.decode()
    assert 'value="pdf"' in fits and 'value="xlsx"' in fits
    assert "flere rækker, end en PDF kan rumme" not in fits

    monkeypatch.setattr("reporting.exports.HOURS_PDF_MAX_GROUPS", 3)  # the fixture has 4
    too_long = client.get(url, {"end": "2024-12-31"}).content.decode()
    assert 'value="pdf"' not in too_long and 'value="xlsx"' in too_long
    assert "flere rækker, end en PDF kan rumme (højst 3)" in too_long


def test_a_half_year_starts_on_1_january_or_1_july():
    from reporting.selectors import half_year_start

    assert half_year_start(date(2026, 6, 30)) == date(2026, 1, 1)
    assert half_year_start(date(2026, 7, 1)) == date(2026, 7, 1)
    assert half_year_start(date(2026, 12, 31)) == date(2026, 7, 1)


def test_the_hours_screen_pages_its_groups_with_a_constant_number_of_queries(
    signed_in, personas, programme, monkeypatch
):
    from reporting import views

    client = signed_in(personas.controller)
    url = reverse("reporting:hours")
    full = client.get(url, {"end": "2024-12-31"})
    groups = full.context["page"].paginator.count
    assert groups >= 3 and len(full.context["statement"].rows) == groups

    monkeypatch.setattr(views, "HOURS_PAGE_SIZE", 2)
    with CaptureQueriesContext(connection) as first:
        response = client.get(url, {"end": "2024-12-31"})
    page = response.context["page"]
    assert (page.number, page.paginator.count, len(page.object_list)) == (1, groups, 2)
    assert response.context["statement"].total_hours == full.context["statement"].total_hours
    body = response.content.decode()
    assert f"{groups} rækker" in body and "Næste" in body

    with CaptureQueriesContext(connection) as last:
        response = client.get(url, {"end": "2024-12-31", "side": "999"})
    page = response.context["page"]
    assert page.number == page.paginator.num_pages and not page.has_next()
    assert [r["month"] for r in page.object_list] == [
        r["month"] for r in full.context["statement"].rows[2 * (page.number - 1) :]
    ]

    # One query for the months (their sums and numbers of groups, which place every page)
    # and one for the page's groups, whichever page: a page past the end is the last.
    def statements(queries):
        sql = [q["sql"] for q in queries.captured_queries]
        return sum("changed AS" in q for q in sql), sum("page AS" in q for q in sql)

    assert statements(first) == statements(last) == (1, 1)
