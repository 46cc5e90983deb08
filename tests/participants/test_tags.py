from datetime import date

import pytest
from django.template import Context, Template

from participants.models import Phase
from participants.templatetags.participants_tags import hours_cells
from participants.track.selectors import Visibility
from tests.factories.participants import CitizenFactory

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
