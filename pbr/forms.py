import uuid
from decimal import Decimal

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Benefit
from partnerships.models import Cluster, Municipality
from siv.forms import VersionedForm

from .models import (
    TARGET_KINDS,
    VERSION_TERMS,
    BenefitRate,
    ContractTarget,
    ContractVersion,
    EntryKind,
    LedgerEntry,
    OutcomeKind,
    SavingBand,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TERM_FIELDS = ["valid_from", *VERSION_TERMS]
EXAMPLE_HELP = _(
    "Et eksempel, ikke en besluttet sats: skærmen og business casen viser, at det er et eksempel."
)


class ContractVersionForm(forms.ModelForm):
    class Meta:
        model = ContractVersion
        fields = TERM_FIELDS
        localized_fields = "__all__"
        widgets = {"valid_from": DATE, "valid_until": DATE}


class NewContractVersionForm(ContractVersionForm):
    """A new version, prefilled from the latest one; `based_on` names that version."""

    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta(ContractVersionForm.Meta):
        fields = [*TERM_FIELDS, "based_on"]


class ContractForm(ContractVersionForm):
    municipality = forms.ModelChoiceField(Municipality.objects.order_by("name"), label=_("Kommune"))
    cluster = forms.ModelChoiceField(Cluster.objects.order_by("number"), label=_("Klynge"))
    name = forms.CharField(label=_("Navn"), max_length=200, required=False)

    class Meta(ContractVersionForm.Meta):
        fields = ["municipality", "cluster", "name", *TERM_FIELDS]


class KeyedForm(forms.Form):
    """A write that carries an idempotency key: a double submit returns the first result."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["idempotency_key"].initial = uuid.uuid4().hex


class InvoiceForm(KeyedForm):
    booked_on = forms.DateField(label=_("Fakturadato"), widget=DATE, initial=timezone.localdate)


class PaymentForm(KeyedForm):
    booked_on = forms.DateField(label=_("Betalingsdato"), widget=DATE, initial=timezone.localdate)
    amount = forms.DecimalField(
        label=_("Beløb (kr.)"),
        max_digits=13,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
    )
    memo = forms.CharField(label=_("Tekst"), max_length=300, required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Begrundelse"),
        max_length=300,
        help_text=_("Controlleren, der foreslog posteringen, ser begrundelsen."),
    )


class DatedRowForm(VersionedForm, forms.ModelForm):
    """A rate, band or target form. The form checks each field; the service checks the row
    whole before it saves (a duplicate date or year, in words that name the row it clashes
    with), so the model's own check, whose generic unique message would come first, is
    left to the service's save."""

    def _post_clean(self):
        pass


class BenefitRateForm(DatedRowForm):
    class Meta:
        model = BenefitRate
        fields = ["benefit", "valid_from", "weekly_rate", "is_example"]
        localized_fields = "__all__"
        widgets = {"valid_from": DATE}
        help_texts = {"is_example": EXAMPLE_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Without a benefit nothing is saved: there is no rate to set.
        self.fields["benefit"].choices = [
            choice for choice in self.fields["benefit"].choices if choice[0] != Benefit.NONE
        ]


class SavingBandForm(DatedRowForm):
    class Meta:
        model = SavingBand
        fields = ["valid_from", "min_hours", "share_saved", "is_example"]
        localized_fields = "__all__"
        widgets = {"valid_from": DATE}
        help_texts = {
            "share_saved": _("Fx 0,6 for 60 %. Flere timer kan ikke spare en mindre andel."),
            "is_example": EXAMPLE_HELP,
        }


class ContractTargetForm(DatedRowForm):
    class Meta:
        model = ContractTarget
        fields = ["year", *TARGET_KINDS]
        help_texts = {"year": _("Antal resultater, kontrakten sigter mod i året, pr. type.")}


class WhatIfForm(forms.Form):
    """Other tariffs and rates, to see the business case move; the ledger is not touched."""

    tariff_job_started = forms.DecimalField(
        label=OutcomeKind.JOB_STARTED.label, min_value=0, localize=True
    )
    tariff_retained_13 = forms.DecimalField(
        label=OutcomeKind.RETAINED_13.label, min_value=0, localize=True
    )
    tariff_retained_26 = forms.DecimalField(
        label=OutcomeKind.RETAINED_26.label, min_value=0, localize=True
    )
    tariff_retained_52 = forms.DecimalField(
        label=OutcomeKind.RETAINED_52.label, min_value=0, localize=True
    )
    tariff_ebitda_growth = forms.DecimalField(
        label=OutcomeKind.EBITDA_GROWTH.label, min_value=0, localize=True
    )
    deadweight_share = forms.DecimalField(
        label=_("Dødvægt (andel 0–1)"), min_value=0, max_value=1, decimal_places=4, localize=True
    )
    rate_percent = forms.DecimalField(
        label=_("Ydelsessatser i procent af de gældende"),
        min_value=0,
        max_value=500,
        initial=100,
        localize=True,
    )

    def tariffs(self) -> dict:
        return {
            kind: self.cleaned_data[f"tariff_{kind}"]
            for kind in OutcomeKind.values
            if f"tariff_{kind}" in self.cleaned_data
        }


class LedgerFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=EntryKind.choices)
    municipality = django_filters.ModelChoiceFilter(
        label=_("Kommune"), queryset=Municipality.objects.none()
    )
    booked_from = django_filters.DateFilter(
        label=_("Bogført fra"), field_name="booked_on", lookup_expr="gte", widget=DATE
    )
    booked_to = django_filters.DateFilter(
        label=_("Bogført til"), field_name="booked_on", lookup_expr="lte", widget=DATE
    )

    class Meta:
        model = LedgerEntry
        fields = ["kind", "municipality", "booked_from", "booked_to"]

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if municipalities is not None:
            self.filters["municipality"].queryset = municipalities
