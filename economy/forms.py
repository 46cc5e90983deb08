from decimal import Decimal

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.models import Organisation
from siv.forms import Select

from .models import MONEY, CostCategory, Expense, ExpenseState

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _amount(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(label=label, localize=True, **MONEY, **kwargs)


class ExpenseForm(forms.ModelForm):
    class Meta:
        model = Expense
        fields = ["spent_on", "partner", "category", "amount", "document", "description"]
        localized_fields = ["amount"]
        widgets = {"spent_on": DATE}
        help_texts = {"document": _("Fakturanummer eller bilagsnummer i regnskabet.")}

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        self.fields["amount"].widget.attrs["inputmode"] = "decimal"
        self.fields["spent_on"].initial = timezone.localdate


class ApproveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RemoveForm(ApproveForm):
    reservation = forms.CharField(
        label=_("Forbehold"),
        max_length=200,
        help_text=_("Hvilket forbehold fra regnskabsgennemgangen, fx »Revisors forbehold 2021«."),
    )
    reason = forms.CharField(
        label=_("Begrundelse"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SupportRateForm(forms.Form):
    valid_from = forms.DateField(label=_("Fra"), widget=DATE)
    valid_to = forms.DateField(label=_("Til"), widget=DATE)
    percent = forms.DecimalField(
        label=_("Støtteprocent"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=100,
        localize=True,
    )
    reason = forms.CharField(label=_("Begrundelse"), max_length=300, required=False)


class BudgetRevisionForm(forms.Form):
    """A whole budget: one amount per partner and cost category, prefilled from the budget
    in force, and the approval's date and reason."""

    approved_on = forms.DateField(label=_("Godkendt af Erhvervsstyrelsen den"), widget=DATE)
    reason = forms.CharField(
        label=_("Begrundelse"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, partners, amounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        amounts = amounts or {}
        self.grid = []
        for partner in partners:
            row = []
            for category, label in CostCategory.choices:
                name = f"amount_{partner.pk}_{category}"
                self.fields[name] = _amount(
                    f"{partner} – {label}",
                    required=False,
                    min_value=0,
                    initial=amounts.get((partner.pk, category)),
                )
                self.fields[name].widget.attrs.update(
                    {"class": "form-control", "inputmode": "decimal"}
                )
                row.append(self[name])
            self.grid.append((partner, row))

    def amounts(self) -> dict[tuple[int, str], Decimal]:
        return {
            (partner.pk, category): self.cleaned_data.get(f"amount_{partner.pk}_{category}")
            or Decimal(0)
            for partner, _row in self.grid
            for category in CostCategory.values
        }


class ExpenseFilter(django_filters.FilterSet):
    partner = django_filters.ModelChoiceFilter(
        label=_("Partner"),
        queryset=Organisation.objects.none(),
        widget=Select(label_field="name"),
    )
    category = django_filters.ChoiceFilter(
        label=_("Omkostningsart"), choices=CostCategory.choices, widget=Select
    )
    state = django_filters.ChoiceFilter(
        label=_("Status"), choices=ExpenseState.choices, widget=Select
    )
    spent_from = django_filters.DateFilter(
        label=_("Fra dato"), field_name="spent_on", lookup_expr="gte", widget=DATE
    )
    spent_to = django_filters.DateFilter(
        label=_("Til dato"), field_name="spent_on", lookup_expr="lte", widget=DATE
    )

    class Meta:
        model = Expense
        fields = ["partner", "category", "state", "spent_from", "spent_to"]

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["partner"].queryset = partners
