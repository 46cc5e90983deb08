"""The list filters' fields render as crispy renders them, built in Python."""

import pytest
from django.test.html import parse_html

from accelerator.filters import CompanyFilter
from participants.track.filters import CitizenFilter
from partnerships.filters import (
    OrganisationFilter,
    PartnershipFilter,
    SteeringMeetingFilter,
    UserFilter,
)
from siv.filters import AuditEntryFilter
from siv.templatetags.siv import as_crispy_field, filter_field

pytestmark = pytest.mark.django_db


def filters(personas):
    from participants.track import selectors
    from participants.track.selectors import citizen_list

    citizens = citizen_list(user=personas.controller)
    visibility = selectors.visibility_for(personas.controller)
    return [
        lambda data: CitizenFilter(
            data, queryset=citizens, visibility=visibility, citizens=citizens
        ),
        lambda data: CompanyFilter(data),
        lambda data: PartnershipFilter(data),
        lambda data: OrganisationFilter(data),
        lambda data: SteeringMeetingFilter(data),
        lambda data: UserFilter(data),
        lambda data: AuditEntryFilter(data),
    ]


@pytest.mark.parametrize(
    "data", [None, {"q": "Hansen", "status": "active", "name": "a", "year": "2024"}]
)
def test_every_list_filter_field_renders_exactly_as_crispy_renders_it(personas, data, monkeypatch):
    handed_over = []
    monkeypatch.setattr(
        "siv.templatetags.siv.as_crispy_field",
        lambda field: handed_over.append(field.name) or as_crispy_field(field),
    )
    compared = 0
    for make in filters(personas):
        fast_form, crispy_form = make(data).form, make(data).form
        for name in fast_form.fields:
            fast = filter_field(fast_form[name])
            slow = as_crispy_field(crispy_form[name])
            assert parse_html(fast) == parse_html(slow), (type(fast_form).__name__, name)
            compared += 1
    assert compared >= 20
    # Fields with errors go to crispy; the rest are built in Python.
    assert len(handed_over) <= 2, handed_over


def test_the_filters_offer_only_what_the_users_records_contain(personas):
    from accelerator.models import Company
    from tests.factories.accelerator import CompanyFactory
    from tests.factories.partnerships import municipality

    CompanyFactory(municipality=municipality("Køge"))
    CompanyFactory(municipality=municipality("Aalborg"))
    koege_only = CompanyFilter(None, queryset=Company.objects.filter(municipality__name="Køge"))
    offered = [label for _value, label in koege_only.form.fields["municipality"].choices]
    assert offered == ["Alle kommuner", "Køge"]
    # The empty choice reads "Alle …" on every list filter, never "---------".
    for make in filters(personas):
        for field in make(None).form.fields.values():
            labels = [str(label) for _value, label in getattr(field, "choices", [])]
            assert "---------" not in labels
