from datetime import date, timedelta

import pytest
from django.template import Context, Template
from django.utils import translation

from participants.models import Phase, VisitationStatus
from participants.templatetags.participants_tags import hours_cells
from participants.track.selectors import Visibility, citizen_list
from tests.factories.participants import CitizenFactory, ExitFormFactory, VisitationFactory

from .helpers import citizen_in

pytestmark = pytest.mark.django_db


def render(source: str, **context) -> str:
    return Template("{% load participants_tags %}" + source).render(Context(context))


def visibility(*, name: bool, cpr: bool) -> Visibility:
    return Visibility(
        show_name=name, show_masked_cpr=cpr, can_reveal_cpr=False, sensitive_notes=False
    )


def test_the_identity_is_the_name_with_the_masked_cpr_or_the_pseudonym_alone():
    citizen = CitizenFactory(first_name="<b>Ann</b>", last_name="Berg", birth_date=date(1990, 4, 2))
    tag = "{% citizen_identity citizen visibility %}"

    caseworker = render(tag, citizen=citizen, visibility=visibility(name=True, cpr=True))
    assert caseworker == (
        '&lt;b&gt;Ann&lt;/b&gt; Berg <span class="text-body-secondary small font-monospace">'
        "020490-XXXX</span>"
    )
    actor = render(tag, citizen=citizen, visibility=visibility(name=True, cpr=False))
    assert actor == "&lt;b&gt;Ann&lt;/b&gt; Berg"
    controller = render(tag, citizen=citizen, visibility=visibility(name=False, cpr=False))
    assert controller == f"D-{citizen.pk:06d}"


def test_the_badges_name_the_status_and_the_phase():
    assert render("{% status_badge True %}") == '<span class="badge text-bg-success">Aktiv</span>'
    assert render("{% status_badge False %}") == '<span class="badge text-bg-dark">Ophørt</span>'
    assert render("{% phase_badge phase %}", phase=Phase.PLACEMENT) == (
        '<span class="badge text-bg-info">Fase 2 – virksomhedsindslusning</span>'
    )
    assert render("{% phase_badge 0 %}") == '<span class="badge text-bg-secondary">Visiteret</span>'


def test_a_row_of_the_hours_grid_escapes_what_was_typed_and_ties_errors_to_their_field():
    cells = [
        {"name": "h-7-training", "label": "Træning", "value": '12"><b>', "errors": []},
        {"name": "h-7-paid", "label": "Løn & job", "value": "x", "errors": ["Ikke et <tal>"]},
    ]
    html = hours_cells(cells, disabled=False)
    assert html.count("<td>") == 2 and "disabled" not in html
    assert 'value="12&quot;&gt;&lt;b&gt;"' in html and "<b>" not in html
    assert '<label class="visually-hidden" for="h-7-paid">Løn &amp; job</label>' in html
    assert (
        'class="form-control form-control-sm text-end is-invalid" type="text" inputmode="decimal"'
        ' id="h-7-paid" name="h-7-paid" value="x" size="5"'
        ' aria-invalid="true" aria-describedby="h-7-paid-fejl">'
    ) in html
    assert '<div class="invalid-feedback" id="h-7-paid-fejl">Ikke et &lt;tal&gt;</div>' in html
    assert html.count("is-invalid") == 1
    # What each cell showed when the page was opened goes back with it, escaped.
    assert '<input type="hidden" name="o-7-training" value="12&quot;&gt;&lt;b&gt;">' in html
    assert hours_cells(cells, disabled=True).count(" disabled") == 4


# The loop the weekly hours grid's template ran over its rows before they were one tag.
GRID_ROWS_LOOP = """{% load i18n participants_tags %}    {% for row in grid %}
    <tr>
      <th scope="row" class="fw-normal">{% citizen_identity row.citizen visibility %}
        {% for reason in row.reasons %}<div class="small text-body-secondary fw-normal">{{ reason }}</div>{% endfor %}</th>
      {% hours_cells row.cells row.reasons %}
      <td class="num hours-total" data-label="{% translate 'Gemt i alt' %}">{{ row.total|floatformat:"-2" }}</td>
    </tr>
    {% endfor %}
"""  # noqa: E501


def test_the_hours_grid_rows_are_written_as_the_template_loop_wrote_them():
    from decimal import Decimal

    from participants.templatetags.participants_tags import hours_grid_rows

    named = CitizenFactory(
        first_name="<b>Ann</b>", last_name="Ø & Berg", birth_date=date(1990, 4, 2)
    )
    other = CitizenFactory(first_name="Bo", last_name="Dahl")

    def cells(pk, errors=()):
        return [
            {
                "name": f"h-{pk}-training",
                "label": "Træning",
                "value": "7,5",
                "shown": "7,5",
                "errors": list(errors),
            },
            {
                "name": f"h-{pk}-paid",
                "label": "Løn & <job>",
                "value": '1"><b>',
                "shown": "",
                "errors": [],
            },
        ]

    grid = [
        {
            "citizen": named,
            "reasons": [],
            "total": Decimal("7.50"),
            "cells": cells(named.pk, ["Timer skal være et tal, fx 7,5.", "Ændret <af> en anden"]),
        },
        {
            "citizen": other,
            "reasons": ["Uge 2030-W05 er ikke begyndt endnu.", "<i>x</i>"],
            "total": Decimal("12"),
            "cells": cells(other.pk),
        },
        {"citizen": other, "reasons": [], "total": Decimal("0"), "cells": cells(other.pk)},
    ]
    for shown in (
        visibility(name=True, cpr=True),
        visibility(name=True, cpr=False),
        visibility(name=False, cpr=False),
    ):
        loop = Template(GRID_ROWS_LOOP).render(Context({"grid": grid, "visibility": shown}))
        tag = render("    {% hours_grid_rows grid visibility %}\n", grid=grid, visibility=shown)
        assert tag == loop
        assert str(hours_grid_rows(grid, shown)) in loop
    html = render(
        "{% hours_grid_rows grid visibility %}",
        grid=grid,
        visibility=visibility(name=True, cpr=True),
    )
    assert "&lt;b&gt;Ann&lt;/b&gt; Ø &amp; Berg" in html and "<b>" not in html
    assert ">7,50</td>" in html and ">12</td>" in html and ">0</td>" in html
    assert html.count(" disabled") == 4  # the row with reasons only
    assert "&lt;i&gt;x&lt;/i&gt;" in html


# The citizen list's rows as its template wrote them, one row at a time.
CITIZEN_ROW_TEMPLATE = """{% load i18n %}{% for citizen in page %}
  <tr>
    <td><a href="{% url 'participants:citizen_detail' citizen.pk %}">{% citizen_identity citizen visibility %}</a>
      {% if citizen.visitation_overdue %}<span class="badge text-bg-warning">{% translate "Visitation over 4 uger" %}</span>{% endif %}</td>
    <td>{% status_badge citizen.is_active %}</td>
    <td>{% phase_badge citizen.phase %}</td>
    <td>{{ citizen.municipality }}</td>
    <td>{{ citizen.employment_actor|default:"–" }}</td>
    <td>{{ citizen.cluster.number }}</td>
    <td>{{ citizen.phase1_start|date:"d.m.Y"|default:"–" }}</td>
  </tr>
  {% endfor %}"""  # noqa: E501


def test_the_citizen_lists_rows_in_one_pass_are_what_the_row_template_wrote(personas):
    today = date.today()
    citizen_in(personas.own, personas.cluster, first_name="<b>Ann</b>", last_name="Ørsted")
    waiting = CitizenFactory(
        municipality=personas.own.municipality,
        employment_actor=None,
        cluster=personas.cluster,
        phase1_start=None,
    )
    VisitationFactory(
        citizen=waiting, status=VisitationStatus.PROPOSED, proposed_on=today - timedelta(days=60)
    )
    ExitFormFactory(citizen=citizen_in(personas.own, personas.cluster, last_name="Ophørt"))
    citizen_in(
        personas.own,
        personas.cluster,
        phase2_start=date(2024, 3, 4),
        phase3_start=date(2024, 6, 3),
    )
    rows = list(citizen_list(user=personas.caseworker).order_by("pk"))
    assert len(rows) == 4
    assert {row.visitation_overdue for row in rows} == {True, False}
    assert {row.is_active for row in rows} == {True, False}
    tag = "{% citizen_list_rows page visibility %}"
    for language in ("da", "en"):
        for shown in (
            visibility(name=True, cpr=True),
            visibility(name=True, cpr=False),
            visibility(name=False, cpr=False),
        ):
            with translation.override(language):
                expected = render(CITIZEN_ROW_TEMPLATE, page=rows, visibility=shown)
                assert render(tag, page=rows, visibility=shown) == expected, (language, shown)
    with translation.override("en"):
        english = render(tag, page=rows, visibility=visibility(name=True, cpr=True))
    assert "Referral over 4 weeks" in english and "Exited" in english
    assert "&lt;b&gt;Ann&lt;/b&gt; Ørsted" in english and "<td>–</td>" in english
    assert render(tag, page=[], visibility=visibility(name=True, cpr=True)) == ""
