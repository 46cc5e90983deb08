"""The citizen list, the citizen page (timeline), the CPR reveal and the lookup-log export."""

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participants.models import ExitStatus, VisitationStatus
from siv import audit
from siv.models import AuditAction, AuditEntry
from siv.roles import Role
from tests.factories.participants import (
    CaseNoteFactory,
    CitizenFactory,
    CompetenceCourseFactory,
    ExitFormFactory,
    HoursEntryFactory,
    PauseFactory,
    PlacementFactory,
    PlacementStepFactory,
    ProgressAssessmentFactory,
    ScreeningFactory,
    VisitationFactory,
)
from tests.factories.partnerships import UserFactory

from .helpers import citizen_in

LIST = reverse("participants:citizen_list")

# The citizen page's hours per month and timeline as its template wrote them, row by row.
TIMELINE_TEMPLATE = """{% load i18n %}<tbody>{% for m in months %}<tr><th scope="row" class="fw-normal">{{ m.month|date:"F Y" }}</th>{% for cell in m.cells %}<td class="num">{{ cell|floatformat:"-2" }}</td>{% endfor %}<td class="num fw-semibold">{{ m.total|floatformat:"-2" }}</td></tr>{% endfor %}</tbody>
  <ol class="list-group list-group-flush timeline">
    {% for event in events %}
    <li class="list-group-item px-0 d-flex gap-3">
      <time class="text-body-secondary text-nowrap" datetime="{{ event.day|date:'Y-m-d' }}">{% if event.kind == "hours" %}{{ event.day|date:"F Y" }}{% else %}{{ event.day|date:"d.m.Y" }}{% endif %}</time>
      <div>
        <strong>{{ event.title }}</strong>
        {% include "participants/partials/event_body.html" with o=event.obj steps=event.steps %}
      </div>
    </li>
    {% endfor %}
  </ol>"""  # noqa: E501
TIMELINE_TAGS = """{% load participants_tags %}<tbody>{% hours_month_rows months %}</tbody>
  <ol class="list-group list-group-flush timeline">
    {% timeline_items events %}
  </ol>"""


def _options(html: str) -> list[str]:
    return re.findall(r"<option[^>]*>[^<]*</option>", html)


def detail(citizen):
    return reverse("participants:citizen_detail", args=[citizen.pk])


@pytest.mark.django_db
class TestCitizenList:
    def test_caseworker_sees_own_municipality_with_masked_cpr(self, client, personas):
        own = citizen_in(personas.own, personas.cluster, cpr="150685-1234", first_name="Mette")
        citizen_in(personas.foreign, personas.cluster, first_name="Fremmed")
        client.force_login(personas.caseworker)
        html = client.get(LIST).content.decode()
        assert "Mette" in html
        assert "150685-XXXX" in html
        assert "150685-1234" not in html
        assert "Fremmed" not in html
        assert detail(own) in html

    def test_controller_sees_pseudonyms_never_names_or_cpr(self, client, personas):
        citizen = citizen_in(
            personas.own, personas.cluster, cpr="150685-1234", first_name="Quirina"
        )
        client.force_login(personas.controller)
        html = client.get(LIST).content.decode()
        assert citizen.pseudonym in html
        assert "Quirina" not in html  # a name no generated persona carries
        assert "150685" not in html

    def test_cpr_search_finds_by_keyed_hash_and_logs_no_number(self, client, personas):
        wanted = citizen_in(personas.own, personas.cluster, cpr="150685-1234", first_name="Mette")
        citizen_in(personas.own, personas.cluster, cpr="150685-1235", first_name="Anden")
        client.force_login(personas.caseworker)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(LIST, {"q": "1506851234"}, follow=True).content.decode()
        assert "Mette" in html and "Anden" not in html
        assert detail(wanted) in html
        assert not any("150685" in q["sql"] for q in queries.captured_queries)
        entry = AuditEntry.objects.get(action=AuditAction.SEARCH)
        assert entry.details["criteria"] == {"q": audit.pseudonymised("1506851234")}
        assert entry.details["criteria"]["q"]["kind"] == "digits"
        assert "150685" not in str(entry.details)

    def test_a_partial_cpr_is_not_written_to_the_search_log(self, client, personas):
        client.force_login(personas.caseworker)
        client.get(LIST, {"q": "150685"}, follow=True)
        entry = AuditEntry.objects.get(action=AuditAction.SEARCH)
        assert entry.details["criteria"]["q"]["kind"] == "digits"
        assert entry.details["criteria"]["q"]["length"] == 6
        assert "150685" not in str(entry.details)

    def test_controller_finds_a_citizen_by_pseudonym_but_not_by_cpr(self, client, personas):
        citizen = citizen_in(personas.own, personas.cluster, cpr="150685-1234")
        client.force_login(personas.controller)
        assert (
            detail(citizen)
            in client.get(LIST, {"q": citizen.pseudonym}, follow=True).content.decode()
        )
        assert (
            detail(citizen)
            not in client.get(LIST, {"q": "150685-1234"}, follow=True).content.decode()
        )

    def test_name_search_and_filters(self, client, personas):
        # Names no generated persona can carry (a caseworker called Olesen once matched "Ole").
        citizen_in(personas.own, personas.cluster, first_name="Mette", last_name="Qvist-Hansen")
        exited = citizen_in(personas.own, personas.cluster, first_name="Ole", last_name="Zbyszko")
        ExitFormFactory(citizen=exited, exit_date=date(2024, 6, 1))
        client.force_login(personas.caseworker)
        html = client.get(LIST, {"q": "hansen"}, follow=True).content.decode()
        assert "Qvist-Hansen" in html and "Zbyszko" not in html
        html = client.get(LIST, {"status": "exited"}).content.decode()
        assert "Zbyszko" in html and "Qvist-Hansen" not in html
        assert "Ophørt" in html
        html = client.get(LIST, {"status": "active", "phase": "1"}).content.decode()
        assert "Qvist-Hansen" in html and "Zbyszko" not in html

    def test_the_filters_options_are_read_in_one_query_and_only_from_the_users_scope(
        self, personas
    ):
        from django import forms as django_forms

        from participants.models import Citizen
        from participants.track import selectors
        from participants.track.filters import CitizenFilter
        from tests.factories.partnerships import ClusterFactory

        ClusterFactory(number=12, start_year=2024)
        other = UserFactory(role=Role.CASEWORKER, first_name="", last_name="", username="<kim>")
        citizen_in(personas.own, personas.cluster, caseworker=personas.caseworker)
        citizen_in(personas.own, personas.cluster, caseworker=other)
        citizen_in(personas.foreign, personas.cluster)
        options = {}
        for user in (personas.caseworker, personas.controller):
            citizen_filter = CitizenFilter(
                {"municipality": str(personas.own.municipality.pk)},
                queryset=selectors.citizen_list(user=user),
                visibility=selectors.visibility_for(user),
                citizens=Citizen.objects.for_user(user),
            )
            with CaptureQueriesContext(connection) as queries:
                form = citizen_filter.form  # the four select boxes' options
            assert len(queries) == 1
            assert form.is_valid()  # what the list's query does first
            with CaptureQueriesContext(connection) as queries:
                html = "".join(str(field) for field in form)
            assert len(queries) == 0
            for name in ("municipality", "employment_actor", "caseworker", "cluster"):
                field = form.fields[name]
                # What Django's own select box offers: the field's queryset, its labels.
                django_select = django_forms.Select(choices=field.choices)
                expected = django_select.render(name, form[name].value())
                own = form[name].as_widget(attrs={})
                assert _options(own) == _options(expected), (user, name)
            options[user.role] = html
        caseworkers = options[Role.CASEWORKER]
        assert personas.own.municipality.name in caseworkers
        assert personas.foreign.municipality.name not in caseworkers
        assert "&lt;kim&gt;" in caseworkers and "Klynge 12 (2024)" in caseworkers
        assert personas.foreign.municipality.name in options[Role.CONTROLLER]
        assert f'value="{personas.own.municipality.pk}" selected' in caseworkers

    def test_the_status_filter_follows_the_exit_that_counts(self, client, personas):
        today = date.today()
        back = citizen_in(personas.own, personas.cluster, first_name="Ib", last_name="Ydun")
        ExitFormFactory(citizen=back, exit_date=today - timedelta(days=60))
        VisitationFactory(citizen=back, proposed_on=today - timedelta(days=10))  # re-entered
        soon = citizen_in(personas.own, personas.cluster, first_name="Eva", last_name="Xylo")
        ExitFormFactory(citizen=soon, exit_date=today + timedelta(days=5))  # not yet
        gone = citizen_in(personas.own, personas.cluster, first_name="Aksel", last_name="Wulf")
        ExitFormFactory(citizen=gone, exit_date=today - timedelta(days=90))
        ExitFormFactory(citizen=gone, exit_date=today - timedelta(days=30))  # left twice
        client.force_login(personas.caseworker)
        exited = client.get(LIST, {"status": "exited"}).content.decode()
        active = client.get(LIST, {"status": "active"}).content.decode()
        assert "Wulf" in exited and "Ydun" not in exited and "Xylo" not in exited
        assert "Ydun" in active and "Xylo" in active and "Wulf" not in active
        assert exited.count("Wulf") == 1  # one row for the citizen who left twice

    def test_the_overdue_filter_shows_visitations_waiting_past_their_deadline(
        self, client, personas
    ):
        today = date.today()
        for last_name, days in (("Vejle", 29), ("Ulfborg", 27)):
            citizen = CitizenFactory(
                municipality=personas.own.municipality, first_name="Ny", last_name=last_name
            )
            VisitationFactory(
                citizen=citizen,
                status=VisitationStatus.PROPOSED,
                proposed_on=today - timedelta(days=days),
            )
        client.force_login(personas.caseworker)
        html = client.get(LIST, {"overdue": "true"}).content.decode()
        assert "Vejle" in html and "Ulfborg" not in html

    def test_the_list_is_paginated(self, client, personas):
        CitizenFactory.create_batch(
            55,
            municipality=personas.own.municipality,
            employment_actor=personas.own.actor_org,
            cluster=personas.cluster,
        )
        client.force_login(personas.caseworker)
        html = client.get(LIST).content.decode()
        assert "55 rækker" in html and "Side 1 af 2" in html
        assert "Side 2 af 2" in client.get(LIST, {"side": 2}).content.decode()

    def test_empty_state_when_nothing_matches(self, client, personas):
        client.force_login(personas.caseworker)
        assert (
            "Ingen deltagere passer til filtrene."
            in client.get(LIST, {"q": "x"}, follow=True).content.decode()
        )

    def test_list_runs_the_same_number_of_queries_for_10_and_200(self, client, personas):
        client.force_login(personas.caseworker)

        def count(n):
            CitizenFactory.create_batch(
                n,
                municipality=personas.own.municipality,
                employment_actor=personas.own.actor_org,
                cluster=personas.cluster,
            )
            with CaptureQueriesContext(connection) as queries:
                response = client.get(LIST)
            assert response.status_code == 200
            return len(queries)

        small = count(10)
        large = count(190)
        assert small == large


@pytest.mark.django_db
class TestCitizenPage:
    def _full_track(self, personas):
        citizen = citizen_in(personas.own, personas.cluster, first_name="Mette")
        ScreeningFactory(citizen=citizen)
        PauseFactory(citizen=citizen)
        ProgressAssessmentFactory(citizen=citizen, assessed_on=date(2024, 3, 1))
        ProgressAssessmentFactory(citizen=citizen, assessed_on=date(2024, 6, 1), motivation=5)
        HoursEntryFactory(citizen=citizen, week_start=date(2024, 1, 8))
        HoursEntryFactory(citizen=citizen, week_start=date(2024, 1, 15), kind="home_training")
        placement = PlacementFactory(citizen=citizen)
        PlacementStepFactory(placement=placement)
        CompetenceCourseFactory(citizen=citizen)
        CaseNoteFactory(citizen=citizen, text="Almindeligt notat")
        CaseNoteFactory(citizen=citizen, text="Helbredsnotat", sensitive=True)
        ExitFormFactory(citizen=citizen, early=True, status=ExitStatus.UNEMPLOYED)
        return citizen

    def test_timeline_shows_every_kind_of_event(self, client, personas):
        citizen = self._full_track(personas)
        client.force_login(personas.caseworker)
        html = client.get(detail(citizen)).content.decode()
        for text in (
            "Visitation foreslået",
            "Screening",
            "Pause: Sygdom",
            "Progressionsvurdering",
            "Timer i måneden",
            "Virksomhedspraktik",
            "fra 05.08.2024: 8 timer om ugen",
            "Truckcertifikat",
            "Almindeligt notat",
            "Helbredsnotat",
            "Ophør",
            "Frist for genvisitation",
            "17.01.2025",
        ):
            assert text in html, text

    def test_the_timeline_and_the_months_in_one_pass_are_what_their_templates_wrote(self, personas):
        from django.template import Context, Template
        from django.utils import translation

        from participants.hours import selectors as hours_selectors
        from participants.placements import selectors as placements_selectors
        from participants.track import selectors

        citizen = self._full_track(personas)
        PauseFactory(citizen=citizen, start=date(2024, 10, 7), end=None, note="<i>syg</i>")
        HoursEntryFactory(citizen=citizen, week_start=date(2024, 2, 5), hours=Decimal("7.5"))
        citizen = selectors.citizen_page(user=personas.caseworker, pk=citizen.pk)
        months = hours_selectors.hours_by_month(citizen)
        events = selectors.timeline_for_page(
            citizen=citizen,
            user=personas.caseworker,
            months=months,
            placements=placements_selectors.placements_for_page(citizen),
        )
        assert {e["kind"] for e in events} >= {"hours", "pause", "placement", "note", "exit"}
        for language in ("da", "en"):
            for can_write in (True, False):
                context = {"events": events, "months": months, "can_write": can_write}
                with translation.override(language):
                    written = Template(TIMELINE_TEMPLATE).render(Context(context))
                    one_pass = Template(TIMELINE_TAGS).render(Context(context))
                assert one_pass == written, (language, can_write)
        assert "7,5" in one_pass and "&lt;i&gt;syg&lt;/i&gt;" in one_pass

    def test_planned_end_moves_by_pause_and_weeks_are_counted(self, client, personas):
        citizen = citizen_in(personas.own, personas.cluster)
        PauseFactory(citizen=citizen, start=date(2024, 2, 5), end=date(2024, 2, 18))
        client.force_login(personas.actor)
        html = client.get(detail(citizen)).content.decode()
        # 08.01.2024 + 182 days = 08.07.2024, moved 14 days by the pause.
        assert "22.07.2024" in html

    def test_sensitive_notes_are_hidden_from_the_municipal_lead(self, client, personas):
        citizen = self._full_track(personas)
        client.force_login(personas.lead)
        html = client.get(detail(citizen)).content.decode()
        assert "Almindeligt notat" in html
        assert "Helbredsnotat" not in html

    def test_chart_is_accessible_svg_with_a_data_table(self, client, personas):
        citizen = self._full_track(personas)
        client.force_login(personas.caseworker)
        html = client.get(detail(citizen)).content.decode()
        assert "<svg" in html and "<title" in html and "<desc" in html
        assert "<polyline" in html
        # Coordinates stay machine-readable under the Danish locale (no decimal commas).
        assert re.search(r'<circle cx="\d+\.\d" cy="\d+\.\d"', html)
        assert not re.search(r'c[xy]="\d+,\d', html)
        assert "01.06.2024" in html

    def test_every_view_is_audited(self, client, personas):
        citizen = citizen_in(personas.own, personas.cluster)
        client.force_login(personas.controller)
        client.get(detail(citizen))
        client.get(detail(citizen))
        views = AuditEntry.objects.filter(action=AuditAction.VIEW, object_id=str(citizen.pk))
        assert views.count() == 2

    def test_reveal_button_only_for_cpr_roles(self, client, personas):
        citizen = citizen_in(personas.own, personas.cluster)
        client.force_login(personas.actor)
        assert "Vis CPR-nummer" in client.get(detail(citizen)).content.decode()
        client.force_login(personas.lead)
        assert "Vis CPR-nummer" not in client.get(detail(citizen)).content.decode()
        client.force_login(personas.admin)
        html = client.get(detail(citizen)).content.decode()
        assert "Vis CPR-nummer" not in html
        assert citizen.cpr_masked in html

    def test_reveal_is_audited_and_not_cached(self, client, personas):
        citizen = citizen_in(personas.own, personas.cluster, cpr="150685-1234")
        client.force_login(personas.caseworker)
        response = client.post(
            reverse("participants:citizen_cpr_reveal", args=[citizen.pk]), HTTP_HX_REQUEST="true"
        )
        assert response.content.decode().strip().endswith("150685-1234</span>")
        assert response["Cache-Control"] == "no-store"
        assert AuditEntry.objects.filter(action=AuditAction.REVEAL).count() == 1

    def test_page_runs_the_same_number_of_queries_for_few_and_many_records(self, client, personas):
        client.force_login(personas.caseworker)
        few = citizen_in(personas.own, personas.cluster)
        many = self._full_track(personas)
        for week in range(2, 30):
            HoursEntryFactory(citizen=many, week_start=date(2024, 1, 8) + timedelta(weeks=week))
        for n in range(3):
            PlacementStepFactory(
                placement=PlacementFactory(citizen=many), from_date=date(2024, 9, 2 + n)
            )
            CaseNoteFactory(citizen=many)
            ProgressAssessmentFactory(citizen=many, assessed_on=date(2024, 8, 1 + n))

        def count(citizen):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(detail(citizen)).status_code == 200
            return len(queries)

        assert count(few) == count(many)


@pytest.mark.django_db
def test_lookup_log_export_has_dates_and_purposes_but_no_staff_names(client, personas):
    citizen = citizen_in(personas.own, personas.cluster)
    client.force_login(personas.actor)
    client.get(detail(citizen))
    client.force_login(personas.caseworker)
    response = client.get(reverse("participants:citizen_lookups_export", args=[citizen.pk]))
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Tidspunkt", "Handling", "Formål"]
    assert any(row[1] == "Vist" for row in rows[1:])
    assert personas.actor.username not in body
    assert personas.actor.last_name not in body
    export = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert export.object_id == str(citizen.pk)


@pytest.mark.django_db
def test_the_caseworker_finds_the_privacy_page_from_the_citizen_page(client, personas):
    citizen = citizen_in(personas.own, personas.cluster)
    privacy = reverse("privacy:citizen_privacy", args=[citizen.pk])
    client.force_login(personas.caseworker)
    assert privacy in client.get(detail(citizen)).content.decode()
    client.force_login(personas.actor)
    assert privacy not in client.get(detail(citizen)).content.decode()


@pytest.mark.django_db
def test_the_citizen_pages_breadcrumb_names_the_citizen_or_gives_the_pseudonym(client, personas):
    citizen = citizen_in(personas.own, personas.cluster, first_name="Quirina", last_name="Holm")
    crumb = re.compile(r'<li class="breadcrumb-item active" aria-current="page">([^<]*)</li>')
    client.force_login(personas.caseworker)
    assert crumb.search(client.get(detail(citizen)).content.decode()).group(1) == "Quirina Holm"
    client.force_login(personas.controller)
    shown = crumb.search(client.get(detail(citizen)).content.decode()).group(1)
    assert shown == citizen.pseudonym
