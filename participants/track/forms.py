"""Forms of the track screens: visitation, citizen, screening, phases, pauses, courses,
exit, follow-ups and notes. Writes go through participants.track.services."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accelerator.models import Company, CompanyRole, CompanyStatus
from participants import cpr as cpr_lib
from partnerships.models import Cluster, GrowthPartnership, Organisation, OrganisationKind, User
from siv.forms import VersionedForm, _as_data
from siv.limits import NOTE_TEXT, SHORT_TEXT
from siv.permissions import roles_with

from .models import (
    ASSESSMENT_DIMENSIONS,
    Barrier,
    Benefit,
    CaseNote,
    Citizen,
    CompetenceCourse,
    EntryStatus,
    ExitForm,
    FollowUp,
    FunctionalLevel,
    Gender,
    IscedBand,
    Pause,
    ProgressAssessment,
    Screening,
    TargetGroup,
    VisitationStatus,
    revisitation_exists,
)
from .selectors import visibility_for
from .services import (
    CITIZEN_EDIT_FIELDS,
    CITIZEN_FIELDS,
    CORRECTION_EXIT_FIELDS,
    CORRECTION_PHASE_FIELDS,
    CORRECTION_REASON_MAX,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


YES_NO_UNKNOWN = [("", _("Ikke vurderet")), ("true", _("Ja")), ("false", _("Nej"))]


def _yes_no(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value)


REALISTIC_20_HOURS = _("Realistisk med job på mindst 20 timer om ugen efter 52 uger?")


def yes_no_field(label) -> forms.TypedChoiceField:
    """Ja / Nej / Ikke vurderet, as True / False / None."""
    return forms.TypedChoiceField(
        label=label, choices=YES_NO_UNKNOWN, coerce=_yes_no, empty_value=None, required=False
    )


# --- Visitation ----------------------------------------------------------------------------


class _ChoicesWhenIterated(ModelChoiceIterator):
    """The field's options, its queryset read when they are listed (not when made)."""

    def __init__(self, field):
        self.field = field

    @property
    def queryset(self):
        return self.field.queryset


class BuiltWhenReadChoiceField(forms.ModelChoiceField):
    """A choice of records whose queryset is built when first read: `build` (set by the
    form) returns it. A form sent without a value for the field never builds it."""

    iterator = _ChoicesWhenIterated
    build = None

    @property
    def queryset(self):
        if self.build is not None:
            build, self.build = self.build, None
            forms.ModelChoiceField._set_queryset(self, build())
        return self._queryset

    @queryset.setter
    def queryset(self, queryset):
        self.build = None
        forms.ModelChoiceField._set_queryset(self, queryset)


class VisitationProposeForm(forms.Form):
    """Citizen data (incl. CPR), the ESF start form and the proposal itself."""

    cpr = forms.CharField(
        label=_("CPR-nummer"),
        max_length=11,
        help_text=_("DDMMÅÅ-XXXX. Findes borgeren allerede, foreslås hun/han igen."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    first_name = forms.CharField(label=_("Fornavn"), max_length=100)
    last_name = forms.CharField(label=_("Efternavn"), max_length=100)
    gender = forms.ChoiceField(label=_("Køn"), choices=Gender.choices)
    phone = forms.CharField(label=_("Telefon"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Adresse"), max_length=300, required=False)
    target_group = forms.ChoiceField(label=_("Målgruppe"), choices=TargetGroup.choices)
    benefit = forms.ChoiceField(label=_("Ydelse"), choices=Benefit.choices)
    isced = forms.ChoiceField(
        label=_("Uddannelsesniveau (ISCED)"), choices=IscedBand.choices, required=False
    )
    entry_status = forms.ChoiceField(
        label=_("Arbejdsmarkedsstatus ved start"), choices=EntryStatus.choices
    )
    migrant = forms.BooleanField(
        label=_("Indvandrer/udenlandsk baggrund/minoritet"), required=False
    )
    disability = forms.BooleanField(label=_("Handicap"), required=False)
    other_disadvantaged = forms.BooleanField(label=_("Anden udsat gruppe"), required=False)
    cluster = forms.ModelChoiceField(label=_("Klynge"), queryset=Cluster.objects.none())
    employment_actor = forms.ModelChoiceField(
        label=_("Beskæftigelsesaktør"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.EMPLOYMENT_ACTOR),
    )
    partnership = forms.ModelChoiceField(
        label=_("Vækstpartnerskab"), queryset=GrowthPartnership.objects.none(), required=False
    )
    proposed_on = forms.DateField(label=_("Visitationsdato"), widget=DateInput())
    realistic_20_hours = yes_no_field(
        _("Realistisk med job på mindst 20 timer om ugen efter 52 uger?")
    )

    replaces_exit = BuiltWhenReadChoiceField(
        label=_("Genvisitation til pladsen efter"),
        queryset=ExitForm.objects.none(),
        required=False,
        help_text=_("Vælg det tidlige ophør, hvis borgeren skal overtage en ledig plads."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The open places: no re-visitation accepted, none waiting for a decision.
        self.fields["replaces_exit"].build = lambda: (
            ExitForm.objects.for_user(user, write=True)
            .places_open(timezone.localdate())
            .filter(~revisitation_exists(VisitationStatus.PROPOSED))
            .select_related("citizen")
        )
        # The citizen by name for the roles that see names, else by pseudonym.
        visibility = visibility_for(user)
        self.fields["replaces_exit"].label_from_instance = lambda e: (
            _("%(citizen)s, ophør %(date)s")
            % {"citizen": visibility.label(e.citizen), "date": e.exit_date.strftime("%d.%m.%Y")}
        )
        self.fields["cluster"].queryset = Cluster.objects.filter(
            memberships__municipality_id=user.municipality_id
        ).order_by("number")
        self.fields["partnership"].queryset = GrowthPartnership.objects.filter(
            municipality_id=user.municipality_id
        )
        self.fields["entry_status"].choices = [("", "---------"), *EntryStatus.choices]
        self.fields["isced"].choices = [("", "---------"), *IscedBand.choices]

    def clean_cpr(self) -> str:
        return cpr_lib.parse(self.cleaned_data["cpr"]).digits

    def citizen_fields(self) -> dict:
        """The citizen's fields as the services take them (municipality and caseworker
        come from the signed-in caseworker)."""
        return {name: self.cleaned_data[name] for name in CITIZEN_FIELDS if name in self.fields}


class VisitationReviewForm(forms.Form):
    ACCEPT, REJECT = "accept", "reject"
    decision = forms.ChoiceField(
        label=_("Beslutning"),
        choices=[(ACCEPT, _("Godkend")), (REJECT, _("Afvis"))],
        widget=forms.RadioSelect,
    )
    realistic_20_hours = yes_no_field(
        _("Realistisk med job på mindst 20 timer om ugen efter 52 uger?")
    )
    rejection_reason = forms.CharField(
        label=_("Begrundelse for afvisning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=SHORT_TEXT,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.REJECT and not (data.get("rejection_reason") or "").strip():
            self.add_error("rejection_reason", _("Angiv en begrundelse for afvisningen."))
        return data


class MatchMeetingForm(forms.Form):
    meeting_date = forms.DateField(label=_("Dato for matchmøde"), widget=DateInput())
    participants = forms.CharField(
        label=_("Deltagere (borger, virksomhed, jobformidler)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=SHORT_TEXT,
        required=False,
    )
    notes = forms.CharField(
        label=_("Referat"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTE_TEXT,
        required=False,
    )
    start_on = forms.DateField(label=_("Aftalt start"), widget=DateInput(), required=False)


# --- Citizen data --------------------------------------------------------------------------


def _caseworker_label(user: User) -> str:
    label = str(user)
    return label if user.is_active else _("%(name)s (fratrådt)") % {"name": label}


class CitizenEditForm(VersionedForm, forms.Form):
    """A citizen's data as the services take them. A plain form (not a ModelForm) so the
    citizen is changed by services.citizen_update only, which logs the fields."""

    def __init__(self, *args, citizen: Citizen, fields: tuple[str, ...], **kwargs):
        kwargs.setdefault(
            "initial",
            {name: getattr(citizen, citizen._meta.get_field(name).attname) for name in fields},
        )
        super().__init__(*args, record=citizen, **kwargs)
        self.fields.update(
            forms.fields_for_model(
                Citizen,
                fields=[name for name in CITIZEN_EDIT_FIELDS if name in fields],
                widgets={"address": forms.TextInput()},
            )
        )
        if "partnership" in self.fields:
            self.fields["partnership"].queryset = GrowthPartnership.objects.filter(
                municipality_id=citizen.municipality_id
            )
        if "employment_actor" in self.fields:
            self.fields["employment_actor"].queryset = Organisation.objects.filter(
                kind=OrganisationKind.EMPLOYMENT_ACTOR
            ).order_by("name")
        if "caseworker" in self.fields:
            # The active caseworkers of the citizen's municipality, and the citizen's own
            # even after they left: a save of other data keeps them (a select without their
            # option would send another), and nobody else who left can be chosen.
            field = self.fields["caseworker"]
            field.queryset = User.objects.filter(
                Q(
                    role__in=roles_with("citizens.caseworker"),
                    municipality_id=citizen.municipality_id,
                    is_active=True,
                )
                | Q(pk=citizen.caseworker_id)
            ).order_by("first_name", "last_name", "username")
            field.label_from_instance = _caseworker_label

    GROUPS = (
        (
            _("Person og kontakt"),
            ("first_name", "last_name", "gender", "phone", "email", "address"),
        ),
        (_("Målgruppe og ydelse"), ("target_group", "benefit")),
        (
            _("ESF-startskema"),
            ("isced", "entry_status", "migrant", "disability", "other_disadvantaged"),
        ),
        (_("Tilknytning"), ("partnership", "employment_actor", "caseworker")),
    )

    def groups(self) -> list[tuple[str, list]]:
        """The fields in fieldsets, as the template shows them."""
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.GROUPS
        ]


# --- Track ---------------------------------------------------------------------------------


class PhaseStartForm(forms.Form):
    phase = forms.TypedChoiceField(
        label=_("Fase"),
        coerce=int,
        choices=[
            (1, _("Fase 1 – arbejdsmarkedstræning")),
            (2, _("Fase 2 – virksomhedsindslusning")),
            (3, _("Fase 3 – beskæftigelse")),
        ],
    )
    start = forms.DateField(label=_("Startdato"), widget=DateInput())


class ScreeningForm(forms.ModelForm):
    barriers = forms.MultipleChoiceField(
        label=_("Barrierer"),
        choices=Barrier.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    functional_level = forms.TypedChoiceField(
        label=_("Funktionsniveau"), choices=FunctionalLevel.choices, coerce=int
    )

    class Meta:
        model = Screening
        fields = ["screened_on", "functional_level", "barriers", "barrier_notes", "wishes"]
        widgets = {
            "screened_on": DateInput(),
            "barrier_notes": forms.Textarea(attrs={"rows": 3}),
            "wishes": forms.Textarea(attrs={"rows": 3}),
        }


SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = ProgressAssessment
        fields = ["assessed_on", *[name for name, _label in ASSESSMENT_DIMENSIONS], "note"]
        widgets = {
            "assessed_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
            **{
                name: forms.RadioSelect(choices=SCORE_CHOICES)
                for name, _label in ASSESSMENT_DIMENSIONS
            },
        }
        help_texts = {name: _("1 = lav, 5 = høj") for name, _label in ASSESSMENT_DIMENSIONS}


class PauseForm(forms.ModelForm):
    class Meta:
        model = Pause
        fields = ["start", "end", "reason", "note"]
        widgets = {"start": DateInput(), "end": DateInput()}


class PauseEndForm(forms.Form):
    end = forms.DateField(label=_("Pause til og med"), widget=DateInput())


class CourseForm(forms.ModelForm):
    class Meta:
        model = CompetenceCourse
        fields = [
            "kind",
            "title",
            "start",
            "end",
            "completed",
            "qualification_gained",
            "qualification",
        ]
        widgets = {"start": DateInput(), "end": DateInput()}


class ExitRegisterForm(forms.ModelForm):
    class Meta:
        model = ExitForm
        fields = [
            "exit_date",
            "status",
            "not_available_reason",
            "employer_company",
            "employer_name",
            "early",
            "note",
        ]
        widgets = {"exit_date": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "employer_company": _(
                "Ved ophør til beskæftigelse: en af programmets partnervirksomheder, eller "
                "skriv navnet på en anden arbejdsgiver nedenfor."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The programme's partner companies: the accelerator companies still in it.
        self.fields["employer_company"].queryset = (
            Company.objects.filter(role=CompanyRole.ACCELERATOR)
            .exclude(status=CompanyStatus.DROPPED_OUT)
            .order_by("name")
        )


class FollowUpForm(forms.ModelForm):
    improved_situation = yes_no_field(_("Forbedret situation på arbejdsmarkedet"))

    class Meta:
        model = FollowUp
        fields = ["kind", "followed_up_on", "status", "not_available_reason", "improved_situation"]
        widgets = {"followed_up_on": DateInput()}


class NoteForm(forms.ModelForm):
    class Meta:
        model = CaseNote
        fields = ["text", "sensitive"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, allow_sensitive: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_sensitive:
            del self.fields["sensitive"]


# --- Correction after the exit -------------------------------------------------------------


class TrackCorrectionForm(VersionedForm, forms.Form):
    """The exit in force and the phase starts, corrected after the exit with a reason
    (services.track_correct). It carries the citizen's and the exit's versions: a change
    someone else saved meanwhile is a conflict, not overwritten."""

    HIDDEN = ("version", "exit_version", "shown")
    EXIT_FIELDS = CORRECTION_EXIT_FIELDS
    PHASE_FIELDS = CORRECTION_PHASE_FIELDS

    def __init__(self, *args, citizen: Citizen, exit_form: ExitForm, **kwargs):
        self.exit_form = exit_form
        kwargs.setdefault("initial", self.current(citizen, exit_form))
        super().__init__(*args, record=citizen, **kwargs)
        self.fields.update(
            forms.fields_for_model(
                ExitForm,
                fields=self.EXIT_FIELDS,
                widgets={"exit_date": DateInput()},
                help_texts={
                    "employer_company": _(
                        "Ved ophør til beskæftigelse: en af programmets partnervirksomheder, "
                        "eller skriv navnet på en anden arbejdsgiver nedenfor."
                    )
                },
            )
        )
        self.fields.update(
            forms.fields_for_model(
                Citizen,
                fields=self.PHASE_FIELDS,
                widgets={name: DateInput() for name in self.PHASE_FIELDS},
            )
        )
        # The partner companies still in the programme, and the one the exit names.
        self.fields["employer_company"].queryset = (
            Company.objects.filter(role=CompanyRole.ACCELERATOR)
            .exclude(
                Q(status=CompanyStatus.DROPPED_OUT) & ~Q(pk=exit_form.employer_company_id or 0)
            )
            .order_by("name")
        )
        self.fields["exit_version"] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.fields["reason"] = forms.CharField(
            label=_("Begrundelse for rettelsen"),
            max_length=CORRECTION_REASON_MAX,
            error_messages={"required": _("Angiv en begrundelse for rettelsen.")},
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_(
                "Hvad var forkert, og hvorfor rettes det? Gemmes som notat på deltageren; "
                "ændringen logges med før og efter."
            ),
        )
        self.fields["confirm"] = forms.BooleanField(
            label=_("Jeg er klar over, at indberettede tal ændres"), required=False
        )

    @classmethod
    def current(cls, citizen: Citizen, exit_form: ExitForm) -> dict:
        return {
            **{name: getattr(exit_form, name) for name in ("exit_date", "status")},
            "not_available_reason": exit_form.not_available_reason,
            "employer_company": exit_form.employer_company_id,
            "employer_name": exit_form.employer_name,
            **{name: getattr(citizen, name) for name in cls.PHASE_FIELDS},
        }

    def get_initial_for_field(self, field, field_name):
        if field_name == "exit_version":
            return self.exit_form.version
        return super().get_initial_for_field(field, field_name)

    def edited(self) -> list[str]:
        return [name for name in (*self.EXIT_FIELDS, *self.PHASE_FIELDS) if name in self.fields]

    def clean(self):
        data = super().clean()
        if (data.get("exit_version") or "") and not data["exit_version"].isdigit():
            raise forms.ValidationError(
                _("Formularen kunne ikke læses. Åbn siden igen, og ret det, du ville.")
            )
        return data

    def exit_opened(self):
        opened = self.opened()
        version = self.cleaned_data.get("exit_version")
        if opened is None or not version:
            return None
        return type(opened)(version=int(version), touched=opened.touched)

    def show_conflict(self, exc, opened) -> None:
        """The citizen and the exit as stored now, with the user's own changes on top."""
        self.record.refresh_from_db()
        self.exit_form.refresh_from_db()
        current = self.current(self.record, self.exit_form)
        data = self.data.copy()
        for name in self.edited():
            if opened is None or name not in opened.touched:
                data[name] = _as_data(self.fields[name], current[name])
        data["version"] = str(self.record.version)
        data["exit_version"] = str(self.exit_form.version)
        data["shown"] = self._snapshot(current)
        self.data = data
        self.add_error(None, exc)

    def groups(self) -> list[tuple[str, list]]:
        return [
            (_("Ophør"), [self[name] for name in self.EXIT_FIELDS]),
            (_("Faser"), [self[name] for name in self.PHASE_FIELDS]),
        ]
