import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from siv.forms import Select

from .models import AuditAction, AuditEntry


class UsedChoicesMixin:
    """A list filter's choices are only the values the rows the user may see use: no
    municipality, actor or organisation outside the user's scope is offered.
    `used_choices` maps a choice filter's name to the path of its value in those rows (the
    filter's declared queryset, narrowed); the rows are the list's queryset unless
    `used_rows()` says otherwise."""

    used_choices: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = self.used_rows()
        for name, path in self.used_choices.items():
            choice = self.filters[name]
            choice.queryset = choice.queryset.filter(pk__in=rows.values(path))

    def used_rows(self):
        return self.queryset


class AuditEntryFilter(django_filters.FilterSet):
    actor_username = django_filters.CharFilter(label=_("Bruger"), lookup_expr="iexact")
    action = django_filters.ChoiceFilter(
        widget=Select,
        label=_("Handling"),
        choices=AuditAction.choices,
        empty_label=_("Alle handlinger"),
    )
    object_label = django_filters.CharFilter(label=_("Objekt"), lookup_expr="icontains")
    object_id = django_filters.CharFilter(label=_("Objekt-id"))
    after = django_filters.DateFilter(
        label=_("Fra dato"),
        field_name="at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    before = django_filters.DateFilter(
        label=_("Til dato"),
        field_name="at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEntry
        fields = ["actor_username", "action", "object_label", "object_id"]
