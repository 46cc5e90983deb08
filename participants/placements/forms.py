"""Forms for placements and their hour steps."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accelerator.models import Company, CompanyStatus
from participants.track.forms import DateInput
from siv import audit
from siv.forms import VersionedForm

from .models import Placement, PlacementStep
from .services import PLACEMENT_FIELDS, plan_log


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
    """A placement's dates, hours and people, and its hour plan (`steps`, a formset). Kind and
    company stay (a move to another company is its own operation). A plain form:
    services.placement_update changes it.

    Beside the fields' values the form carries, hidden, the plan it showed, so that the plan
    counts as changed by the user ("steps" in `opened().touched`) only when the plan sent
    differs from it, not when someone else changed the plan meanwhile."""

    FIELDS = ("start", "end", "hours_per_week", "buddy", "support_person", "vitas_reference")
    HIDDEN = (*VersionedForm.HIDDEN, "plan_shown")

    def __init__(self, data=None, *args, placement: Placement, **kwargs):
        kwargs.setdefault("initial", {name: getattr(placement, name) for name in self.FIELDS})
        self.opened_plan = _stored_plan(placement.steps.all())
        super().__init__(data, *args, record=placement, **kwargs)
        self.fields.update(
            forms.fields_for_model(
                Placement,
                fields=self.FIELDS,
                widgets={"start": DateInput(), "end": DateInput()},
            )
        )
        self.steps = _step_formset(data, self.opened_plan)

    def get_initial_for_field(self, field, field_name):
        if field_name == "plan_shown":
            return json.dumps(self.opened_plan)
        return super().get_initial_for_field(field, field_name)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("Slutdatoen kan ikke ligge før startdatoen."))
        self._plan_shown = self._read_plan_shown(data.get("plan_shown") or "")
        return data

    def _read_plan_shown(self, text: str) -> dict[str, str]:
        """The plan the form was opened with; a form without one (opened before the form
        carried it) is taken as opened with the plan stored now."""
        if not text:
            return self.opened_plan
        try:
            plan = json.loads(text)
        except ValueError:
            plan = None
        if not isinstance(plan, dict) or not all(isinstance(v, str) for v in plan.values()):
            raise ValidationError(
                _("Formularen kunne ikke læses. Åbn siden igen, og ret det, du ville."),
                code="opened",
            )
        return plan

    def opened(self) -> audit.Opened | None:
        opened = super().opened()
        if opened is None or plan_log(self.steps.plan()) == self._plan_shown:
            return opened
        return audit.Opened(version=opened.version, touched=frozenset({*opened.touched, "steps"}))

    def show_conflict(self, exc: audit.StaleRecord, opened: audit.Opened) -> None:
        """Besides the fields, the plan as stored now unless the user changed it; the plan
        the form carries as shown is the stored one either way."""
        super().show_conflict(exc, opened)
        stored = _stored_plan(PlacementStep.objects.filter(placement=self.record))
        data = self.data.copy()
        data["plan_shown"] = json.dumps(stored)
        self.data = data
        if "steps" not in opened.touched:
            self.steps = _step_formset(None, stored)


def _stored_plan(steps) -> dict[str, str]:
    return plan_log((s.from_date, s.hours_per_week) for s in steps)


def _step_formset(data, plan: dict[str, str]):
    initial = [{"from_date": day, "hours_per_week": hours} for day, hours in plan.items()]
    return PlacementStepFormSet(data, prefix="trin", initial=initial)


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
