"""What the API shows. Citizens never carry the full CPR number: the masked form for the
roles that work with citizens by name, only the pseudonym for everybody else."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from rest_framework import serializers

from accelerator.models import Camp, Company, CompanyRole
from participants.models import (
    Citizen,
    ExitForm,
    ExitStatus,
    HoursEntry,
    HoursKind,
    NotAvailableReason,
    Placement,
    PlacementKind,
)
from siv.permissions import has_perm


class CitizenSerializer(serializers.ModelSerializer):
    pseudonym = serializers.CharField(read_only=True)
    first_name = serializers.CharField(read_only=True, allow_null=True)
    last_name = serializers.CharField(read_only=True, allow_null=True)
    cpr_masked = serializers.CharField(read_only=True, allow_null=True)
    municipality = serializers.CharField(source="municipality.name", read_only=True)
    cluster = serializers.IntegerField(source="cluster.number", read_only=True)
    employment_actor = serializers.CharField(
        source="employment_actor.name", read_only=True, allow_null=True
    )

    class Meta:
        model = Citizen
        fields = [
            "id",
            "pseudonym",
            "first_name",
            "last_name",
            "cpr_masked",
            "gender",
            "target_group",
            "benefit",
            "municipality",
            "cluster",
            "employment_actor",
            "phase1_start",
            "phase2_start",
            "phase3_start",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not has_perm(request.user, "citizens.name"):
            data.update(first_name=None, last_name=None, cpr_masked=None)
        return data


class HoursEntrySerializer(serializers.ModelSerializer):
    week = serializers.CharField(source="week_label", read_only=True)

    class Meta:
        model = HoursEntry
        fields = ["id", "citizen", "week", "week_start", "kind", "hours"]
        read_only_fields = fields


class HoursRowSerializer(serializers.Serializer):
    citizen_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    kind = serializers.ChoiceField(choices=HoursKind.choices)
    hours = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, help_text=_("Tom (null) sletter timerne.")
    )
    previous_hours = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        allow_null=True,
        required=False,
        help_text=_(
            "Valgfri: timerne, som klienten sidst læste (null: ingen). Står der noget andet nu, "
            "gemmes ugen ikke, og svaret er 409 med de nuværende timer."
        ),
    )


class HoursWeekSerializer(serializers.Serializer):
    rows = HoursRowSerializer(many=True, allow_empty=False, max_length=5000)


class HoursWeekResultSerializer(serializers.Serializer):
    week = serializers.CharField()
    entries = HoursEntrySerializer(many=True)


class PlacementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Placement
        fields = [
            "id",
            "citizen",
            "kind",
            "company",
            "start",
            "end",
            "hours_per_week",
            "vitas_reference",
        ]
        read_only_fields = fields


class ExitFormSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExitForm
        # The free-text note stays on the screens: it may hold personal details.
        fields = [
            "id",
            "citizen",
            "exit_date",
            "status",
            "not_available_reason",
            "employer_company",
            "employer_name",
            "early",
        ]
        read_only_fields = fields


class CompanySerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.name", read_only=True)
    enrolled_cluster = serializers.IntegerField(
        source="enrolled_cluster.number", read_only=True, allow_null=True
    )

    class Meta:
        model = Company
        fields = [
            "id",
            "cvr",
            "name",
            "municipality",
            "role",
            "status",
            "dropped_out_on",
            "enrolled_cluster",
            "entry_year",
        ]
        read_only_fields = fields


class CampSerializer(serializers.ModelSerializer):
    cluster = serializers.IntegerField(source="cluster.number", read_only=True)
    attending_companies = serializers.SerializerMethodField()
    attending_staff = serializers.SerializerMethodField()

    class Meta:
        model = Camp
        fields = [
            "id",
            "cluster",
            "theme",
            "title",
            "date",
            "place",
            "cancelled",
            "attending_companies",
            "attending_staff",
        ]
        read_only_fields = fields

    def get_attending_companies(self, camp) -> list[int]:
        """The ids of the companies that attended (prefetched by the view)."""
        return sorted(row.company_id for row in camp.company_attendance.all())

    def get_attending_staff(self, camp) -> int:
        """How many municipal staff members attended (a count: staff are not listed)."""
        return len(camp.staff_attendance.all())


class IndicatorQuerySerializer(serializers.Serializer):
    region = serializers.CharField(required=False, allow_blank=True, max_length=100)
    cluster = serializers.IntegerField(required=False, min_value=1, max_value=1000)
    municipality = serializers.CharField(required=False, allow_blank=True, max_length=100)
    start = serializers.DateField(required=False, help_text=_("Periodens første dag."))
    end = serializers.DateField(required=False, help_text=_("Periodens sidste dag."))

    def validate(self, attrs):
        start, end = attrs.get("start"), attrs.get("end")
        if start and end and start > end:
            raise serializers.ValidationError(_("Perioden starter efter den slutter."))
        for day in (start, end):
            if day and not date(1900, 1, 1) <= day <= date(2200, 12, 31):
                raise serializers.ValidationError(_("Datoen ligger uden for det mulige."))
        return attrs


class IndicatorRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    value = serializers.IntegerField()
    target = serializers.IntegerField(allow_null=True)


class _ScopedWriteSerializer(serializers.Serializer):
    """Related ids are looked up in the requesting user's write scope: a foreign id is
    'does not exist', exactly like an unknown one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:  # schema generation
            return
        user = request.user
        self.fields["citizen"].queryset = Citizen.objects.for_user(user, write=True)
        if "company" in self.fields:
            self.fields["company"].queryset = Company.objects.for_user(user)


class PlacementCreateSerializer(_ScopedWriteSerializer):
    citizen = serializers.PrimaryKeyRelatedField(queryset=Citizen.objects.none())
    kind = serializers.ChoiceField(choices=PlacementKind.choices)
    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.none())
    start = serializers.DateField()
    end = serializers.DateField(required=False, allow_null=True)
    hours_per_week = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0"), max_value=Decimal("60")
    )
    buddy = serializers.CharField(required=False, allow_blank=True, max_length=200)
    support_person = serializers.CharField(required=False, allow_blank=True, max_length=200)
    vitas_reference = serializers.CharField(required=False, allow_blank=True, max_length=50)


class ExitCreateSerializer(_ScopedWriteSerializer):
    citizen = serializers.PrimaryKeyRelatedField(queryset=Citizen.objects.none())
    exit_date = serializers.DateField()
    status = serializers.ChoiceField(choices=ExitStatus.choices)
    not_available_reason = serializers.ChoiceField(
        choices=NotAvailableReason.choices, required=False, allow_blank=True
    )
    employer_company = serializers.PrimaryKeyRelatedField(
        queryset=Company.objects.none(),
        required=False,
        allow_null=True,
        help_text=_("Ved beskæftigelse: partnervirksomheden (en acceleratorvirksomhed)."),
    )
    employer_name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("Ved beskæftigelse hos en anden arbejdsgiver: dens navn."),
    )
    early = serializers.BooleanField(required=False, default=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.context.get("request") is not None:
            # Any of the programme's partner companies: the employer need not be one the
            # user works with.
            self.fields["employer_company"].queryset = Company.objects.filter(
                role=CompanyRole.ACCELERATOR
            )
