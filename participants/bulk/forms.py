"""The forms of the handover and bulk actions: what each action is aimed at. The chosen
values travel in the preview's address (ids, kinds and dates, never a name), and the
confirmation posts them back with the preview's fingerprint."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participants.hours.models import HoursKind
from participants.track.models import PauseReason
from partnerships.models import GrowthPartnership, Municipality, User
from siv.roles import Role

from . import selectors


def user_label(user: User) -> str:
    return user.get_full_name() or user.get_username()


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return user_label(obj)


class BulkForm(forms.Form):
    """A form whose cleaned data are the service's keyword arguments."""

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def query(self) -> dict[str, Any]:
        """The chosen values as the preview's address holds them."""
        return {
            name: self.data.get(name)
            for name in self.fields
            if self.data.get(name) not in (None, "")
        }

    def arguments(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if value is not None}


class HandoverForm(BulkForm):
    from_caseworker = UserChoiceField(label=_("Fra sagsbehandler"), queryset=User.objects.none())
    to_caseworker = UserChoiceField(
        label=_("Til sagsbehandler"),
        queryset=User.objects.none(),
        help_text=_("En kollega i samme jobcenter."),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        colleagues = selectors.caseworkers_for(user)
        self.fields["to_caseworker"].queryset = colleagues
        if user.role == Role.CASEWORKER:
            # A caseworker hands over their own citizens.
            self.fields["from_caseworker"].queryset = colleagues.filter(pk=user.pk)
            self.fields["from_caseworker"].initial = user.pk
            self.fields["from_caseworker"].empty_label = None
            self.fields["to_caseworker"].queryset = colleagues.exclude(pk=user.pk)
        else:
            # The lead also hands over the citizens of a caseworker who has left.
            self.fields["from_caseworker"].queryset = selectors.caseworkers_for(user, active=False)


class ActorMoveForm(BulkForm):
    municipality = forms.ModelChoiceField(label=_("Kommune"), queryset=Municipality.objects.none())
    from_actor = forms.ModelChoiceField(
        label=_("Fra beskæftigelsesaktør"), queryset=selectors.employment_actors()
    )
    to_actor = forms.ModelChoiceField(
        label=_("Til beskæftigelsesaktør"), queryset=selectors.employment_actors()
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        municipalities = selectors.municipalities_for(user)
        self.fields["municipality"].queryset = municipalities
        if user.role != Role.CONTROLLER:
            self.fields["municipality"].initial = user.municipality_id
            self.fields["municipality"].empty_label = None


class PauseForm(BulkForm):
    municipality = forms.ModelChoiceField(
        label=_("Kommune"),
        queryset=Municipality.objects.none(),
        required=False,
        help_text=_("Alle aktive deltagere i kommunen; eller vælg et partnerskab."),
    )
    partnership = forms.ModelChoiceField(
        label=_("Vækstpartnerskab"), queryset=GrowthPartnership.objects.none(), required=False
    )
    start = forms.DateField(label=_("Fra"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Til"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.ChoiceField(
        label=_("Årsag"), choices=PauseReason.choices, initial=PauseReason.LOCKDOWN
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["municipality"].queryset = selectors.municipalities_for(user)
        self.fields["partnership"].queryset = selectors.partnerships_for(user)

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("municipality")) == bool(cleaned.get("partnership")):
            raise forms.ValidationError(_("Vælg enten en kommune eller et partnerskab."))
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("Slutdatoen ligger før startdatoen."))
        return cleaned


class RecategoriseForm(BulkForm):
    from_kind = forms.ChoiceField(label=_("Fra type"), choices=HoursKind.choices)
    to_kind = forms.ChoiceField(label=_("Til type"), choices=HoursKind.choices)
    start = forms.DateField(
        label=_("Fra uge"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("En dag i den første uge."),
    )
    end = forms.DateField(
        label=_("Til uge"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("En dag i den sidste uge."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("from_kind") and cleaned.get("from_kind") == cleaned.get("to_kind"):
            self.add_error("to_kind", _("Timerne skal flyttes til en anden type."))
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("Slutdatoen ligger før startdatoen."))
        return cleaned
