import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from siv.filters import UsedChoicesMixin
from siv.forms import Select
from siv.roles import Role

from .models import (
    Cluster,
    GrowthPartnership,
    Municipality,
    Organisation,
    OrganisationKind,
    Region,
    SteeringGroupMeeting,
    User,
)


class PartnershipFilter(UsedChoicesMixin, django_filters.FilterSet):
    cluster = django_filters.ModelChoiceFilter(
        widget=Select,
        label=_("Klynge"),
        queryset=Cluster.objects.all(),
        empty_label=_("Alle klynger"),
    )
    region = django_filters.ModelChoiceFilter(
        widget=Select,
        label=_("Region"),
        field_name="municipality__region",
        queryset=Region.objects.all(),
        empty_label=_("Alle regioner"),
    )
    name = django_filters.CharFilter(label=_("Navn"), lookup_expr="icontains")

    class Meta:
        model = GrowthPartnership
        fields = ["cluster", "region", "name"]

    used_choices = {"cluster": "cluster_id", "region": "municipality__region_id"}


class OrganisationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        widget=Select,
        label=_("Type"),
        choices=OrganisationKind.choices,
        empty_label=_("Alle typer"),
    )
    name = django_filters.CharFilter(label=_("Navn"), lookup_expr="icontains")

    class Meta:
        model = Organisation
        fields = ["kind", "name"]


class SteeringMeetingFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("År"), field_name="date", lookup_expr="year")
    municipality = django_filters.ModelChoiceFilter(
        widget=Select(label_field="name"),
        label=_("Repræsenteret kommune"),
        field_name="attending_municipalities",
        queryset=Municipality.objects.filter(memberships__isnull=False).distinct(),
        empty_label=_("Alle kommuner"),
    )

    class Meta:
        model = SteeringGroupMeeting
        fields = ["year", "municipality"]


class UserFilter(UsedChoicesMixin, django_filters.FilterSet):
    search = django_filters.CharFilter(label=_("Søg"), method="filter_search")
    role = django_filters.ChoiceFilter(
        widget=Select, label=_("Rolle"), choices=Role.choices, empty_label=_("Alle roller")
    )
    organisation = django_filters.ModelChoiceFilter(
        widget=Select(label_field="name"),
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        empty_label=_("Alle organisationer"),
    )
    status = django_filters.ChoiceFilter(
        widget=Select,
        label=_("Status"),
        choices=[("active", _("Aktive")), ("inactive", _("Deaktiverede"))],
        empty_label=_("Alle"),
        method="filter_status",
    )

    class Meta:
        model = User
        fields = ["search", "role", "organisation", "status"]

    used_choices = {"organisation": "organisation_id"}

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(email__icontains=value)
        )

    def filter_status(self, queryset, name, value):
        return queryset.filter(is_active=value == "active")
