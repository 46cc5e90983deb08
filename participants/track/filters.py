"""The citizen list's filters. The search box takes a name, a pseudonym or a CPR number."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.hours.selectors import phase1_low_hours
from partnerships.models import Cluster, Municipality, Organisation, OrganisationKind, User
from siv.filters import UsedChoicesMixin, read_options
from siv.forms import Select
from siv.roles import Role

from .models import Phase
from .selectors import citizen_search, not_screened


def caseworker_label(first_name: str, last_name: str, username: str) -> str:
    """A caseworker as the filter names them: the full name (as User.get_full_name() writes
    it), or the username."""
    return f"{first_name} {last_name}".strip() or username


class CaseworkerField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return caseworker_label(obj.first_name, obj.last_name, obj.get_username())


class CaseworkerFilter(django_filters.ModelChoiceFilter):
    field_class = CaseworkerField


class CitizenFilter(UsedChoicesMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Søg (navn eller CPR-nummer)"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("active", _("Aktive")), ("exited", _("Ophørte"))],
        method="filter_status",
        empty_label=_("Alle"),
        widget=Select,
    )
    phase = django_filters.ChoiceFilter(
        label=_("Fase"),
        choices=[(str(value), label) for value, label in Phase.choices],
        method="filter_phase",
        empty_label=_("Alle faser"),
        widget=Select,
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Kommune"),
        queryset=Municipality.objects.order_by("name"),
        empty_label=_("Alle kommuner"),
        widget=Select(label_field="name"),
    )
    employment_actor = django_filters.ModelChoiceFilter(
        label=_("Beskæftigelsesaktør"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.EMPLOYMENT_ACTOR).order_by(
            "name"
        ),
        empty_label=_("Alle aktører"),
        widget=Select(label_field="name"),
    )
    caseworker = CaseworkerFilter(
        label=_("Sagsbehandler"),
        queryset=User.objects.filter(role=Role.CASEWORKER).order_by("first_name", "last_name"),
        empty_label=_("Alle sagsbehandlere"),
        widget=Select,
    )
    cluster = django_filters.ModelChoiceFilter(
        label=_("Klynge"),
        queryset=Cluster.objects.all(),
        empty_label=_("Alle klynger"),
        widget=Select,
    )
    overdue = django_filters.BooleanFilter(
        label=_("Kun visitationer over 4 uger"),
        field_name="visitation_overdue",
        widget=forms.CheckboxInput,
        method="filter_overdue",
    )
    worklist = django_filters.ChoiceFilter(
        label=_("Arbejdsliste"),
        choices=[
            ("not_screened", _("Ikke screenet")),
            ("low_hours", _("Under 10 timer om ugen i fase 1")),
        ],
        method="filter_worklist",
        empty_label=_("Alle"),
        widget=Select,
    )

    # Only the municipalities, actors and caseworkers the user has citizens with.
    used_choices = {
        "municipality": "municipality_id",
        "employment_actor": "employment_actor_id",
        "caseworker": "caseworker_id",
    }

    def __init__(self, *args, visibility, citizens, **kwargs):
        self.visibility = visibility
        self.citizens = citizens
        super().__init__(*args, **kwargs)

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            # The four select boxes' options in one query.
            read_options(
                {
                    "municipality": (form.fields["municipality"], ("name",), str),
                    "employment_actor": (form.fields["employment_actor"], ("name",), str),
                    "caseworker": (
                        form.fields["caseworker"],
                        ("first_name", "last_name", "username"),
                        caseworker_label,
                    ),
                    "cluster": (
                        form.fields["cluster"],
                        ("number", "start_year"),
                        lambda number, year: str(Cluster(number=int(number), start_year=int(year))),
                    ),
                }
            )
        return self._form

    def used_rows(self):
        # The plain scope, not the list's annotated query.
        return self.citizens

    def search(self, queryset, name, value):
        return citizen_search(queryset, text=value, visibility=self.visibility)

    def filter_status(self, queryset, name, value):
        # The list's own `is_active` is worked out per row shown; a filter over every
        # citizen asks the database for the set of those who left, in one pass.
        return queryset.left_as_of(timezone.localdate(), left=(value == "exited"))

    def filter_phase(self, queryset, name, value):
        return queryset.filter(phase=int(value))

    def filter_overdue(self, queryset, name, value):
        return queryset.visitation_overdue_as_of(timezone.localdate()) if value else queryset

    def filter_worklist(self, queryset, name, value):
        if value == "not_screened":
            return not_screened(queryset)
        return phase1_low_hours(queryset)
