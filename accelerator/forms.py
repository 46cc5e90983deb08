from django import forms
from django.utils.translation import gettext_lazy as _

from partnerships.models import Cluster, Organisation, OrganisationKind, User
from siv.forms import VersionedForm
from siv.permissions import roles_with

from .models import (
    Buddy,
    Camp,
    Campaign,
    Company,
    CompanyContact,
    CompanyFinancial,
    ContactLogEntry,
    DevelopmentSession,
    JobCommitment,
    JobOpening,
    Milestone,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CompanyForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Company
        fields = [
            "cvr",
            "name",
            "industry",
            "size",
            "registered_social_economy",
            "address",
            "municipality",
            "organisation",
            "role",
            "entry_year",
            "business_developer",
        ]
        widgets = {"cvr": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 8})}

    def __init__(self, *args, may_assign_developer: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.COMPANY
        )
        if not may_assign_developer:
            del self.fields["business_developer"]
        else:
            self.fields["business_developer"].queryset = User.objects.filter(
                role__in=roles_with("companies.developer"), is_active=True
            )


class DropOutForm(forms.Form):
    date = forms.DateField(label=_("Frafaldsdato"), widget=DATE)
    reason = forms.CharField(label=_("Årsag"), max_length=300)


class EnrolForm(forms.Form):
    cluster = forms.ModelChoiceField(label=_("Klynge"), queryset=Cluster.objects.all())
    share_with = forms.ModelChoiceField(
        label=_("Del plads med"),
        queryset=Company.objects.none(),
        required=False,
        help_text=_("Kun for to mikro- eller små virksomheder i samme kommune."),
    )

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if partners is not None:
            self.fields["share_with"].queryset = partners


class FinancialForm(forms.ModelForm):
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)

    class Meta:
        model = CompanyFinancial
        fields = ["year", "revenue", "ebitda", "full_time_employees"]
        # Danish amounts: 1.500.000,50 and 4,5.
        localized_fields = ["revenue", "ebitda", "full_time_employees"]


class ContactForm(forms.ModelForm):
    class Meta:
        model = CompanyContact
        fields = ["name", "title", "email", "phone"]


class BuddyForm(forms.ModelForm):
    class Meta:
        model = Buddy
        fields = ["name", "trained_on"]
        widgets = {"trained_on": DATE}


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["kind", "due_on", "done_on", "note"]
        widgets = {"due_on": DATE, "done_on": DATE}

    def validate_unique(self):
        """One row per kind: milestone_add refuses a kind the company has, with a message."""


class MilestoneEditForm(VersionedForm, forms.ModelForm):
    """A milestone's deadline, the day it was reached and its note; its kind stays."""

    class Meta:
        model = Milestone
        fields = ["due_on", "done_on", "note"]
        widgets = {"due_on": DATE, "done_on": DATE}


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = JobCommitment
        fields = ["openings", "hours_per_week", "due_on", "description"]
        localized_fields = ["hours_per_week"]
        widgets = {"due_on": DATE}


class OpeningForm(forms.ModelForm):
    class Meta:
        model = JobOpening
        fields = [
            "title",
            "positions",
            "hours_per_week",
            "kind",
            "starts_on",
            "status",
            "description",
        ]
        localized_fields = ["hours_per_week"]
        widgets = {"starts_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}


class OpeningEditForm(VersionedForm, OpeningForm):
    pass


class ContactLogForm(forms.ModelForm):
    class Meta:
        model = ContactLogEntry
        fields = ["date", "channel", "subject", "summary", "follow_up_on"]
        widgets = {
            "date": DATE,
            "follow_up_on": DATE,
            "summary": forms.Textarea(attrs={"rows": 4}),
        }


class SessionForm(forms.ModelForm):
    class Meta:
        model = DevelopmentSession
        fields = ["date", "hours", "topic", "notes"]
        localized_fields = ["hours"]
        widgets = {"date": DATE, "notes": forms.Textarea(attrs={"rows": 3})}


class ProgrammeStartForm(forms.Form):
    start = forms.DateField(label=_("Programstart"), widget=DATE)


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "municipality",
            "cluster",
            "title",
            "started_on",
            "boot_camp_date",
            "boot_camp_place",
            "notes",
        ]
        widgets = {"started_on": DATE, "boot_camp_date": DATE}


class InviteForm(forms.Form):
    company = forms.ModelChoiceField(label=_("Virksomhed"), queryset=Company.objects.none())
    invited_on = forms.DateField(label=_("Inviteret den"), widget=DATE)

    def __init__(self, *args, companies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if companies is not None:
            self.fields["company"].queryset = companies


class BootCampAttendanceForm(forms.Form):
    attended = forms.ModelMultipleChoiceField(
        label=_("Deltog i boot camp"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, invitations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = invitations
        self.fields["attended"].label_from_instance = lambda inv: inv.company.name


class CampForm(forms.ModelForm):
    class Meta:
        model = Camp
        fields = ["cluster", "theme", "title", "date", "place", "experts", "cancelled"]
        widgets = {"date": DATE, "experts": forms.Textarea(attrs={"rows": 3})}


class CampAttendanceForm(forms.Form):
    """The whole camp on one screen: a checkbox per company and per staff member."""

    companies = forms.ModelMultipleChoiceField(
        label=_("Virksomheder"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    staff = forms.ModelMultipleChoiceField(
        label=_("Kommunale medarbejdere"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, companies, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["companies"].queryset = companies
        self.fields["staff"].queryset = staff
        self.fields["staff"].label_from_instance = lambda user: (
            f"{user.get_full_name() or user.username} ({user.municipality})"
        )
