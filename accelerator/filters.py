import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partnerships.models import Cluster, Municipality, User
from siv.filters import UsedChoicesMixin
from siv.forms import Select
from siv.permissions import roles_with

from .models import Company, CompanyRole, CompanyStatus, JobOpening, OpeningKind, OpeningStatus


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class PersonFilter(django_filters.ModelChoiceFilter):
    field_class = PersonChoiceField


class CompanyFilter(UsedChoicesMixin, django_filters.FilterSet):
    role = django_filters.ChoiceFilter(
        widget=Select, label=_("Rolle"), choices=CompanyRole.choices, empty_label=_("Alle roller")
    )
    status = django_filters.ChoiceFilter(
        widget=Select,
        label=_("Status"),
        choices=CompanyStatus.choices,
        empty_label=_("Alle statusser"),
    )
    municipality = django_filters.ModelChoiceFilter(
        widget=Select(label_field="name"),
        label=_("Kommune"),
        queryset=Municipality.objects.order_by("name"),
        empty_label=_("Alle kommuner"),
    )
    cluster = django_filters.ModelChoiceFilter(
        widget=Select,
        label=_("Klynge"),
        field_name="enrolled_cluster",
        queryset=Cluster.objects.all(),
        empty_label=_("Alle klynger"),
    )
    developer = PersonFilter(
        widget=Select,
        label=_("Forretningsudvikler"),
        field_name="business_developer",
        queryset=User.objects.filter(role__in=roles_with("companies.developer")).order_by(
            "first_name", "last_name"
        ),
        empty_label=_("Alle forretningsudviklere"),
    )
    name = django_filters.CharFilter(label=_("Navn eller CVR"), method="filter_name")

    class Meta:
        model = Company
        fields = ["role", "status", "municipality", "cluster", "developer"]

    used_choices = {
        "municipality": "municipality_id",
        "cluster": "enrolled_cluster_id",
        "developer": "business_developer_id",
    }

    def filter_name(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(cvr=value.strip()))


# Hours a week as the actors match them: a few hours, part time, (nearly) full time.
HOURS_BANDS = {
    "under15": (None, 15),
    "15to29": (15, 30),
    "30plus": (30, None),
}


class OpeningFilter(UsedChoicesMixin, django_filters.FilterSet):
    municipality = django_filters.ModelChoiceFilter(
        widget=Select(label_field="name"),
        label=_("Kommune"),
        field_name="company__municipality",
        queryset=Municipality.objects.order_by("name"),
        empty_label=_("Alle kommuner"),
    )
    kind = django_filters.ChoiceFilter(
        widget=Select, label=_("Type"), choices=OpeningKind.choices, empty_label=_("Alle typer")
    )
    hours = django_filters.ChoiceFilter(
        widget=Select,
        label=_("Timer pr. uge"),
        choices=[
            ("under15", _("Under 15 timer")),
            ("15to29", _("15–29 timer")),
            ("30plus", _("30 timer eller flere")),
        ],
        method="filter_hours",
        empty_label=_("Alle timetal"),
    )
    status = django_filters.ChoiceFilter(
        widget=Select,
        label=_("Status"),
        choices=OpeningStatus.choices,
        empty_label=_("Alle statusser"),
    )

    class Meta:
        model = JobOpening
        fields = ["municipality", "kind", "hours", "status"]

    used_choices = {"municipality": "company__municipality_id"}

    def filter_hours(self, queryset, name, value):
        low, high = HOURS_BANDS[value]
        if low is not None:
            queryset = queryset.filter(hours_per_week__gte=low)
        if high is not None:
            queryset = queryset.filter(hours_per_week__lt=high)
        return queryset
