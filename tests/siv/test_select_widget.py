"""siv.forms.Select builds Django's select box in Python: the same HTML, faster."""

import pytest
from django import forms
from django.test.html import parse_html

from partnerships.models import Municipality
from siv.forms import Select

CHOICES = [("", "Alle"), ("1", "Køge & Stevns"), (2, "<script>")]


@pytest.mark.parametrize("value", [None, "", "1", 2, ["1"]])
def test_it_renders_what_djangos_select_renders(value):
    attrs = {"class": "form-select", "id": "id_x", "required": True}

    ours = Select(choices=CHOICES).render("x", value, attrs)
    django = forms.Select(choices=CHOICES).render("x", value, attrs)

    assert parse_html(ours) == parse_html(django)
    assert "<script>" not in ours


@pytest.mark.django_db
def test_a_model_choice_field_selects_the_chosen_row():
    field = forms.ModelChoiceField(
        Municipality.objects.order_by("name"), widget=Select, empty_label="Alle kommuner"
    )
    koege = Municipality.objects.get(name="Køge")

    html = field.widget.render("kommune", koege.pk, {"id": "id_kommune"})

    assert html.count("<option") == Municipality.objects.count() + 1
    assert f'<option value="{koege.pk}" selected>Køge</option>' in html
    assert parse_html(html) == parse_html(
        forms.Select(choices=field.choices).render("kommune", koege.pk, {"id": "id_kommune"})
    )


@pytest.mark.django_db
def test_a_model_choice_field_costs_one_query(django_assert_num_queries):
    field = forms.ModelChoiceField(Municipality.objects.order_by("name"), widget=Select)

    with django_assert_num_queries(1) as queries:
        field.widget.render("kommune", None)
    # A plain SELECT: not a server-side cursor (declare, fetch, close) for a few dozen rows.
    assert queries.captured_queries[0]["sql"].startswith("SELECT")


def test_grouped_choices_are_rendered_by_djangos_template():
    grouped = [("Sjælland", [("1", "Køge"), ("2", "Stevns")])]

    html = Select(choices=grouped).render("x", "2")

    assert '<optgroup label="Sjælland">' in html and '<option value="2" selected>' in html


@pytest.mark.django_db
def test_labels_read_as_plain_values_render_the_same_options(django_assert_num_queries):
    """With label_field the options come from one values query, no model instances."""
    rows = Municipality.objects.order_by("name")
    plain = forms.ModelChoiceField(rows, widget=Select(label_field="name"), empty_label="Alle")
    usual = forms.ModelChoiceField(rows, widget=Select, empty_label="Alle")
    koege = Municipality.objects.get(name="Køge")

    with django_assert_num_queries(1) as queries:
        html = plain.widget.render("kommune", str(koege.pk), {"id": "id_kommune"})
    assert '"partnerships_municipality"."code"' not in queries.captured_queries[0]["sql"]
    assert f'<option value="{koege.pk}" selected>Køge</option>' in html
    assert parse_html(html) == parse_html(
        usual.widget.render("kommune", str(koege.pk), {"id": "id_kommune"})
    )
