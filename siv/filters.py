import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from siv.forms import Select

from .models import AuditAction, AuditEntry


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
