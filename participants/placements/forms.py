"""Forms for placements and their hour steps."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accelerator.models import Company, CompanyStatus
from participants.track.forms import DateInput
from siv.forms import VersionedForm

from .models import Placement
from .services import PLACEMENT_FIELDS


class PlacementForm(forms.ModelForm):
    class Meta:
        model = Placement
        fields = list(PLACEMENT_FIELDS)
        widgets = {"start": DateInput(), "end": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.exclude(
            status=CompanyStatus.DROPPED_OUT
        ).order_by("name")


class PlacementEditForm(VersionedForm, forms.Form):
    """A placement's dates, hours and people. Kind and company stay (a move to another company
    is its own operation). A plain form: services.placement_update changes it."""

    FIELDS = ("start", "end", "hours_per_week", "buddy", "support_person", "vitas_reference")

    def __init__(self, *args, placement: Placement, **kwargs):
        kwargs.setdefault("initial", {name: getattr(placement, name) for name in self.FIELDS})
        super().__init__(*args, record=placement, **kwargs)
        self.fields.update(
            forms.fields_for_model(
                Placement,
                fields=self.FIELDS,
                widgets={"start": DateInput(), "end": DateInput()},
            )
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("Slutdatoen kan ikke ligge før startdatoen."))
        return data


class PlacementStepForm(forms.Form):
    """One dated step; a row left empty is no step."""

    from_date = forms.DateField(label=_("Fra"), widget=DateInput(), required=False)
    hours_per_week = forms.DecimalField(
        label=_("Timer om ugen"), min_value=0, max_value=60, decimal_places=2, required=False
    )

    def clean(self):
        data = super().clean()
        day, hours = data.get("from_date"), data.get("hours_per_week")
        if day is None and hours is not None and "from_date" not in self.errors:
            self.add_error("from_date", _("Angiv fra hvilken dato trinnet gælder."))
        if hours is None and day is not None and "hours_per_week" not in self.errors:
            self.add_error("hours_per_week", _("Angiv timer om ugen for trinnet."))
        return data


class BasePlacementStepFormSet(forms.BaseFormSet):
    def plan(self) -> list[tuple]:
        """The filled-in steps as (from_date, hours per week)."""
        return [
            (data["from_date"], data["hours_per_week"])
            for data in self.cleaned_data
            if data.get("from_date") is not None
        ]

    def clean(self):
        if any(self.errors) or not self.management_form.is_valid():
            return  # the formset's own errors say what is wrong (a mangled form, too)
        days = [day for day, _hours in self.plan()]
        if len(set(days)) != len(days):
            raise ValidationError(_("To trin i timeplanen har samme dato."))


PlacementStepFormSet = forms.formset_factory(
    PlacementStepForm, formset=BasePlacementStepFormSet, extra=3, max_num=12
)


class RetentionConfirmForm(forms.Form):
    confirmed_on = forms.DateField(label=_("Fastholdelse bekræftet den"), widget=DateInput())
