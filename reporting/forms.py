from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from partnerships.models import Cluster, Municipality, Organisation, Region
from siv.forms import Select, VersionedForm
from siv.limits import LONG_TEXT
from siv.permissions import has_perm

from .models import (
    FORMATS,
    HEADINGS,
    IndicatorCode,
    ProjectSettings,
    ReportFormat,
    ReportKind,
    SubProject,
)
from .selectors import ReportParams

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget (templates render the widgets as they are)."""
    for field in form.fields.values():
        widget = field.widget
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class ScopeForm(forms.Form):
    """Where and when: region, cluster or municipality, and a period. All optional."""

    region = forms.ModelChoiceField(
        Region.objects.order_by("name"),
        label=_("Region"),
        required=False,
        to_field_name="name",
        widget=Select(label_field="name"),
    )
    cluster = forms.ModelChoiceField(
        Cluster.objects.order_by("number"),
        label=_("Klynge"),
        required=False,
        to_field_name="number",
        widget=Select,
    )
    municipality = forms.ModelChoiceField(
        Municipality.objects.order_by("name"),
        label=_("Kommune"),
        required=False,
        to_field_name="name",
        widget=Select(label_field="name"),
    )
    sub_project = forms.ModelChoiceField(
        SubProject.objects.select_related("region").order_by("region__name"),
        label=_("Delprojekt"),
        required=False,
        widget=Select(label_field="name"),
    )
    start = forms.DateField(label=_("Fra"), required=False, widget=DATE_WIDGET)
    end = forms.DateField(label=_("Til"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not has_perm(user, "reports.programme"):
            for name in ("region", "cluster", "municipality", "sub_project"):
                del self.fields[name]
        _style(self)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("Fra-datoen skal ligge før til-datoen."))
        sub_project, region = data.get("sub_project"), data.get("region")
        if sub_project and region and sub_project.region_id != region.pk:
            self.add_error(
                "sub_project",
                _("Delprojektet omfatter %(region)s. Vælg den region eller ingen.")
                % {"region": sub_project.region.name},
            )
        return data

    def params(self) -> ReportParams:
        data = self.cleaned_data if self.is_valid() else {}
        sub_project = data.get("sub_project")
        region = sub_project.region if sub_project else data.get("region")
        return ReportParams(
            region=region.name if region else "",
            cluster=data["cluster"].number if data.get("cluster") else None,
            municipality=data["municipality"].name if data.get("municipality") else "",
            start=data.get("start"),
            end=data.get("end"),
            sub_project=sub_project.pk if sub_project else None,
            by=data.get("by") or "",
        )


LEVEL_CHOICES = [
    ("region", _("Region")),
    ("cluster", _("Klynge")),
    ("municipality", _("Kommune")),
]


class BreakdownForm(ScopeForm):
    """The scope and period, and the level the indicators are broken down by."""

    by = forms.ChoiceField(label=_("Opdelt pr."), choices=LEVEL_CHOICES, required=False)
    field_order = ["by"]


class JobForm(ScopeForm):
    kind = forms.ChoiceField(label=_("Rapport"), choices=ReportKind.choices)
    format = forms.ChoiceField(label=_("Format"), choices=ReportFormat.choices)
    by = forms.ChoiceField(
        label=_("Opdelt pr."), choices=[("", _("Alle niveauer")), *LEVEL_CHOICES], required=False
    )
    field_order = ["kind", "format"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if user is not None and not has_perm(user, "reports.write"):
            self.fields["kind"].choices = [
                c for c in ReportKind.choices if c[0] not in (ReportKind.PROGRESS, ReportKind.FINAL)
            ]
        _style(self)

    def clean(self):
        data = super().clean()
        kind, fmt = data.get("kind"), data.get("format")
        if kind and fmt and fmt not in FORMATS[ReportKind(kind)]:
            allowed = ", ".join(f.upper() for f in FORMATS[ReportKind(kind)])
            self.add_error(
                "format", _("Denne rapport kan dannes som: %(formats)s.") % {"formats": allowed}
            )
        return data


class TargetsForm(forms.Form):
    def __init__(self, *args, initial_values: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for code in IndicatorCode:
            self.fields[code.value] = forms.IntegerField(
                label=f"{code.value} {code.label}",
                required=False,
                min_value=0,
                initial=(initial_values or {}).get(code.value),
                error_messages={"min_value": _("Et mål kan ikke være negativt.")},
            )
        _style(self)

    def values(self) -> dict[str, int | None]:
        return {code.value: self.cleaned_data.get(code.value) for code in IndicatorCode}


class NarrativeForm(forms.Form):
    period_start = forms.DateField(label=_("Periode fra"), widget=DATE_WIDGET)
    period_end = forms.DateField(label=_("Periode til"), widget=DATE_WIDGET)

    def __init__(self, *args, kind: str, sections: list[dict] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        texts = {s["number"]: s["text"] for s in sections or []}
        for number, title in enumerate(HEADINGS[ReportKind(kind)], start=1):
            self.fields[f"heading_{number}"] = forms.CharField(
                label=f"{number}. {title}",
                required=False,
                initial=texts.get(number, ""),
                widget=forms.Textarea(attrs={"rows": 6}),
                max_length=LONG_TEXT,
            )
        _style(self)

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end"):
            if data["period_start"] > data["period_end"]:
                raise forms.ValidationError(_("Perioden skal starte før den slutter."))
        return data

    def texts(self) -> dict[int, str]:
        return {
            int(name.split("_")[1]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("heading_")
        }


class ReportForm(NarrativeForm):
    """The report's one form: its period and texts, and, when the readiness check finds open
    data-quality findings, the controller's acknowledgement of them."""

    acknowledge = forms.BooleanField(
        label=_("Jeg har set de åbne fund og vil danne rapporten alligevel"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["acknowledge"].widget.attrs["class"] = "form-check-input"

    def text_fields(self) -> list:
        return [self[name] for name in self.fields if name.startswith("heading_")]


class SubProjectForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = SubProject
        fields = ["name", "journal_number", "project_start", "project_end", "partners"]
        widgets = {
            "project_start": DATE_WIDGET,
            "project_end": DATE_WIDGET,
            "partners": forms.SelectMultiple(attrs={"size": 10}),
        }
        help_texts = {
            "journal_number": _("F.eks. SFNPO-18-0012"),
            "partners": _("Partnere med eget budget i delprojektet."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = Organisation.objects.order_by("kind", "name")
        _style(self)

    def clean(self):
        data = super().clean()
        if data.get("project_start") and data.get("project_end"):
            if data["project_start"] > data["project_end"]:
                self.add_error("project_end", _("Projektperioden skal starte før den slutter."))
        return data


class ProjectSettingsForm(forms.ModelForm):
    class Meta:
        model = ProjectSettings
        fields = ["name", "journal_number", "project_start", "project_end"]
        widgets = {"project_start": DATE_WIDGET, "project_end": DATE_WIDGET}
        help_texts = {"journal_number": _("F.eks. SFNPO-18-0012")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean(self):
        data = super().clean()
        if data.get("project_start") and data.get("project_end"):
            if data["project_start"] > data["project_end"]:
                raise forms.ValidationError(_("Projektperioden skal starte før den slutter."))
        return data
