"""Forms for partnerships' screens. They parse input; services.py validates and writes."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from siv.forms import VersionedForm
from siv.limits import SHORT_TEXT

from .models import (
    EVALUATION_QUESTIONS,
    Answer,
    Cluster,
    ClusterMembership,
    CollaborationEvaluation,
    GrowthPartnership,
    Municipality,
    Organisation,
    OrganisationKind,
    PartnerPlanEntry,
    PartnershipMeeting,
    SteeringGroupMeeting,
    User,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClusterForm(forms.ModelForm):
    class Meta:
        model = Cluster
        fields = ["number", "start_year"]


class MembershipForm(forms.ModelForm):
    class Meta:
        model = ClusterMembership
        fields = ["municipality", "slots", "places_per_slot", "declaration_signed"]
        labels = {
            "municipality": _("Kommune"),
            "slots": _("Pladser (virksomheder)"),
            "places_per_slot": _("Borgerpladser pr. plads"),
        }
        widgets = {"declaration_signed": DATE_INPUT}

    def __init__(self, *args, cluster: Cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cluster = cluster
        self.fields["municipality"].queryset = Municipality.objects.select_related("region")

    def clean_municipality(self):
        municipality = self.cleaned_data["municipality"]
        others = ClusterMembership.objects.filter(
            cluster=self.instance.cluster, municipality=municipality
        ).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Kommunen er allerede med i klyngen."))
        return municipality


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["kind", "name", "municipality"]
        help_texts = {"municipality": _("Skal udfyldes for kommuner/jobcentre.")}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == OrganisationKind.MUNICIPALITY and not cleaned.get("municipality"):
            self.add_error("municipality", _("Et jobcenter skal høre til en kommune."))
        return cleaned


class GrowthPartnershipForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = GrowthPartnership
        fields = [
            "name",
            "municipality",
            "cluster",
            "partners",
            "terms_of_reference",
            "facilitation_start",
            "jobcentre_contact",
            "single_point_of_contact",
        ]
        widgets = {
            "facilitation_start": DATE_INPUT,
            "partners": forms.SelectMultiple(attrs={"size": 8}),
        }
        help_texts = {"facilitation_start": _("Fonden faciliterer i 12 måneder fra denne dato.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = Organisation.objects.filter(
            kind__in=[OrganisationKind.EMPLOYMENT_ACTOR, OrganisationKind.COMPANY]
        ).order_by("kind", "name")


class PartnerPlanEntryForm(forms.ModelForm):
    class Meta:
        model = PartnerPlanEntry
        fields = ["organisation", "needs", "wishes"]
        labels = {"organisation": _("Partner")}
        widgets = {
            "needs": forms.Textarea(attrs={"rows": 3}),
            "wishes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, partnership: GrowthPartnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["organisation"].queryset = partnership.partners.order_by("name")

    def validate_unique(self):
        """Saving a partner's entry again updates it (the service does), so no uniqueness error."""


class PartnershipMeetingForm(forms.ModelForm):
    class Meta:
        model = PartnershipMeeting
        fields = ["date", "notes"]
        widgets = {"date": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 8})}


class SteeringGroupMeetingForm(forms.ModelForm):
    class Meta:
        model = SteeringGroupMeeting
        fields = ["date", "place", "attending_municipalities", "attendees", "minutes"]
        widgets = {
            "date": DATE_INPUT,
            "attending_municipalities": forms.CheckboxSelectMultiple,
            "attendees": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The programme's municipalities: those in a cluster.
        self.fields["attending_municipalities"].queryset = Municipality.objects.filter(
            memberships__isnull=False
        ).distinct()


class EvaluationForm(forms.ModelForm):
    """The fixed questions, each with an answer (yes/partly/no) and a comment."""

    class Meta:
        model = CollaborationEvaluation
        fields = ["organisation", "year"]

    def __init__(self, *args, partnership: GrowthPartnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["organisation"].queryset = partnership.partners.order_by("name")
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year
        answers = self.instance.answers or {}
        for key, question in EVALUATION_QUESTIONS:
            given = answers.get(key) or {}
            self.fields[f"answer_{key}"] = forms.ChoiceField(
                label=question,
                choices=Answer.choices,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                initial=given.get("answer"),
                error_messages={"required": _("Vælg ja, delvist eller nej.")},
            )
            self.fields[f"comment_{key}"] = forms.CharField(
                label=_("Kommentar"),
                required=False,
                initial=given.get("comment", ""),
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=SHORT_TEXT,
            )

    def question_rows(self):
        return [(self[f"answer_{key}"], self[f"comment_{key}"]) for key, _q in EVALUATION_QUESTIONS]

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            key: {"answer": data[f"answer_{key}"], "comment": data[f"comment_{key}"].strip()}
            for key, _q in EVALUATION_QUESTIONS
        }

    def clean(self):
        cleaned = super().clean()
        others = CollaborationEvaluation.objects.filter(
            partnership=self.instance.partnership,
            organisation=cleaned.get("organisation"),
            year=cleaned.get("year"),
        ).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("Der er allerede en evaluering for denne virksomhed og dette år.")
            )
        if not self.errors:
            self.instance.answers = self.answers()
        return cleaned

    def _post_clean(self):
        # With a question unanswered the answers are incomplete: the model's check of them
        # would only repeat, on a field the form does not have, what the form already says.
        if not self.errors:
            super()._post_clean()


# What an administrator edits of a user; the username only when creating one.
USER_FIELDS = ["first_name", "last_name", "email", "phone", "role", "organisation", "municipality"]


class UserCreateForm(forms.ModelForm):
    """A new user has no password: they choose it with a link the administrator issues."""

    class Meta:
        model = User
        fields = ["username", *USER_FIELDS]


class UserUpdateForm(forms.ModelForm):
    class Meta:
        model = User
        fields = USER_FIELDS
