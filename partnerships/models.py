"""Geography, organisations, users and roles, and the growth partnerships."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from siv.access import ScopedQuerySet
from siv.limits import LONG_TEXT, NOTE_TEXT, SHORT_TEXT
from siv.models import Decision
from siv.permissions import has_perm
from siv.roles import FUND_ROLES, MUNICIPAL_ROLES, Role


class Region(models.Model):
    name = models.CharField(_("navn"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regioner")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    code = models.CharField(_("kommunekode"), max_length=3, unique=True)
    name = models.CharField(_("navn"), max_length=100, unique=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="municipalities"
    )

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProgrammeQuerySet(ScopedQuerySet):
    """Programme structure (clusters, slots): every role reads it, the programme managers
    edit."""

    def scoped(self, user, *, write):
        if write and not has_perm(user, "partnerships.manage"):
            return self.none()
        return self.all()


class Cluster(models.Model):
    number = models.PositiveSmallIntegerField(_("nummer"), unique=True)
    start_year = models.PositiveSmallIntegerField(_("startår"))
    municipalities = models.ManyToManyField(
        Municipality, through="ClusterMembership", related_name="clusters"
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("klynge")
        verbose_name_plural = _("klynger")
        ordering = ["number"]

    def __str__(self) -> str:
        return _("Klynge %(number)s (%(year)s)") % {"number": self.number, "year": self.start_year}


# The planned number of citizen places each accelerator company slot carries.
PLACES_PER_SLOT = 8


class ClusterMembership(models.Model):
    """A municipality's place in a cluster: its accelerator company slots (pladser), and the
    citizen places (borgerpladser) each slot carries.

    Company enrolment counts slots (two very small companies may share one); the citizen
    screens' open places count places: slots × places per slot − citizens in the track.
    """

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="memberships")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="memberships"
    )
    slots = models.PositiveSmallIntegerField(
        _("pladser (virksomheder)"),
        default=0,
        help_text=_("Acceleratorpladser til virksomheder; to meget små virksomheder kan dele én."),
    )
    places_per_slot = models.PositiveSmallIntegerField(
        _("borgerpladser pr. plads"),
        default=PLACES_PER_SLOT,
        db_default=PLACES_PER_SLOT,
        validators=[MinValueValidator(1, _("Der skal være mindst én borgerplads pr. plads."))],
        help_text=_("Hvor mange borgere hver virksomhedsplads giver plads til (planlagt: 8)."),
    )
    declaration_signed = models.DateField(
        _("partnerskabserklæring underskrevet"), null=True, blank=True
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("kommune i klynge")
        verbose_name_plural = _("kommuner i klynger")
        ordering = ["cluster__number", "municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "municipality"], name="uniq_cluster_municipality"
            ),
            models.CheckConstraint(
                condition=Q(places_per_slot__gte=1), name="membership_places_per_slot_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} – {self.cluster}"

    @property
    def places(self) -> int:
        """Citizen places: slots × places per slot."""
        return self.slots * self.places_per_slot


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Kommune/jobcenter")
    EMPLOYMENT_ACTOR = "employment_actor", _("Beskæftigelsesaktør")
    COMPANY = "company", _("Virksomhed")
    FUND = "fund", _("Fonden")


class OrganisationQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        if write:
            return self.all() if has_perm(user, "partnerships.manage") else self.none()
        # Names of partner organisations are not personal data: every role may see them.
        return self.all()


class Organisation(models.Model):
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(_("navn"), max_length=200)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="uniq_organisation_kind_name"),
            models.CheckConstraint(
                condition=~Q(kind="municipality") | Q(municipality__isnull=False),
                name="municipality_org_has_municipality",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UserQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        if has_perm(user, "users.manage"):
            return self.all()
        if write:
            return self.none()  # roles and organisations are the administrator's to change
        return self.filter(pk=user.pk)


class SivUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A member of staff. The role decides what they see; no role, nothing."""

    role = models.CharField(_("rolle"), max_length=30, choices=Role.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("Sagsbehandlere og kommunale projektledere ser kun deres egen kommune."),
    )
    phone = models.CharField(_("telefon"), max_length=30, blank=True)

    objects = SivUserManager()

    class Meta:
        verbose_name = _("bruger")
        verbose_name_plural = _("brugere")
        ordering = ["username"]

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        role = self.role
        org_kind = self.organisation.kind if self.organisation_id else None
        if role in MUNICIPAL_ROLES and not self.municipality_id:
            errors["municipality"] = _("En kommunal rolle kræver en kommune.")
        if role == Role.EMPLOYMENT_ACTOR and org_kind != OrganisationKind.EMPLOYMENT_ACTOR:
            errors["organisation"] = _(
                "En beskæftigelsesaktør skal høre til en aktør-organisation."
            )
        if role == Role.COMPANY_CONTACT and org_kind != OrganisationKind.COMPANY:
            errors["organisation"] = _("En virksomhedskontakt skal høre til en virksomhed.")
        if role in FUND_ROLES and org_kind != OrganisationKind.FUND:
            errors["organisation"] = _("Fondens roller skal høre til fonden.")
        if errors:
            raise ValidationError(errors)

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else _("Ingen rolle")


class AdminGrant(models.Model):
    """An administrator's proposal to make a user administrator. The role is given only when
    a second administrator approves it (four eyes, ASVS 4.3.3); the user keeps their role
    until then."""

    user = models.ForeignKey(
        User, verbose_name=_("bruger"), on_delete=models.PROTECT, related_name="admin_grants"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    proposed_by = models.ForeignKey(
        User, verbose_name=_("foreslået af"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("foreslået"), default=timezone.now)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("behandlet af"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("behandlet"), null=True, blank=True)

    class Meta:
        verbose_name = _("forslag om administratorrolle")
        verbose_name_plural = _("forslag om administratorrolle")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="pending"), name="one_pending_admin_grant"
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_by__isnull=False),
                name="admin_grant_decided_has_decider",
            ),
            # The database, too, refuses a decision by the proposer or by the user it is about.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | (~Q(decided_by=models.F("proposed_by")) & ~Q(decided_by=models.F("user"))),
                name="admin_grant_four_eyes",
            ),
            models.CheckConstraint(
                condition=~Q(proposed_by=models.F("user")), name="admin_grant_not_for_oneself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class GrowthPartnershipQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        role = user.role
        if has_perm(user, "partnerships.manage"):
            return self.all()
        if write:
            return self.none()
        if role == Role.BUSINESS_DEVELOPER:
            return self.all()
        if role in MUNICIPAL_ROLES:
            return self.filter(municipality_id=user.municipality_id)
        if role in (Role.EMPLOYMENT_ACTOR, Role.COMPANY_CONTACT):
            return self.filter(partners=user.organisation_id).distinct()
        return self.none()


class GrowthPartnership(models.Model):
    """Vækstpartnerskab: jobcentre, employment actors, companies and the fund in one place."""

    name = models.CharField(_("navn"), max_length=200)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommune"),
        on_delete=models.PROTECT,
        related_name="partnerships",
    )
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("klynge"), on_delete=models.PROTECT, related_name="partnerships"
    )
    partners = models.ManyToManyField(
        Organisation,
        verbose_name=_("partnere"),
        related_name="partnerships",
        blank=True,
        help_text=_("Beskæftigelsesaktører og virksomheder i partnerskabet."),
    )
    terms_of_reference = models.TextField(_("kommissorium"), max_length=LONG_TEXT, blank=True)
    facilitation_start = models.DateField(_("facilitering fra"), null=True, blank=True)
    jobcentre_contact = models.CharField(
        _("fast kontaktperson i jobcentret"), max_length=200, blank=True
    )
    single_point_of_contact = models.ForeignKey(
        Organisation,
        verbose_name=_("indgang for virksomheder (aktør)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": OrganisationKind.EMPLOYMENT_ACTOR},
    )

    # Raised by each save (siv.audit.save_and_record): an edit form opened at an older
    # version is a conflict, not a silent overwrite.
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)

    objects = GrowthPartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("vækstpartnerskab")
        verbose_name_plural = _("vækstpartnerskaber")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "cluster", "name"], name="uniq_partnership_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def facilitation_end(self):
        """The fund facilitates for 12 months."""
        if self.facilitation_start is None:
            return None
        return self.facilitation_start + relativedelta(months=12)


class PartnerPlanEntry(models.Model):
    """One partner's needs and wishes in the partner plan."""

    partnership = models.ForeignKey(
        GrowthPartnership, on_delete=models.CASCADE, related_name="plan_entries"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    needs = models.TextField(_("behov"), max_length=SHORT_TEXT, blank=True)
    wishes = models.TextField(_("ønsker"), max_length=SHORT_TEXT, blank=True)

    class Meta:
        verbose_name = _("partnerplan")
        constraints = [
            models.UniqueConstraint(fields=["partnership", "organisation"], name="uniq_plan_entry")
        ]

    def __str__(self) -> str:
        return f"{self.partnership} – {self.organisation}"


class PartnershipMeeting(models.Model):
    partnership = models.ForeignKey(
        GrowthPartnership, on_delete=models.CASCADE, related_name="meetings"
    )
    date = models.DateField(_("dato"))
    notes = models.TextField(_("referat"), max_length=NOTE_TEXT, blank=True)

    class Meta:
        verbose_name = _("partnerskabsmøde")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.partnership} {self.date:%d.%m.%Y}"


class SteeringMeetingQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        if has_perm(user, "partnerships.manage"):
            return self.all()
        if write:
            return self.none()
        if has_perm(user, "steering.view"):
            return self.all()
        return self.none()


class SteeringGroupMeeting(models.Model):
    """Styregruppemøde: the fund and at least one representative per municipality."""

    date = models.DateField(_("dato"))
    place = models.CharField(_("sted"), max_length=200, blank=True)
    minutes = models.TextField(_("referat"), max_length=LONG_TEXT, blank=True)
    attending_municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("repræsenterede kommuner"), blank=True, related_name="+"
    )
    attendees = models.TextField(
        _("deltagere"),
        max_length=SHORT_TEXT,
        blank=True,
        help_text=_("Navne og organisationer, én per linje."),
    )

    objects = SteeringMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("styregruppemøde")
        verbose_name_plural = _("styregruppemøder")
        ordering = ["-date"]

    def __str__(self) -> str:
        return _("Styregruppemøde %(date)s") % {"date": self.date.strftime("%d.%m.%Y")}


class Answer(models.TextChoices):
    YES = "yes", _("Ja")
    PARTLY = "partly", _("Delvist")
    NO = "no", _("Nej")


EVALUATION_QUESTIONS: list[tuple[str, str]] = [
    ("courses_used", _("Bliver forløbene brugt?")),
    ("participant_plan", _("Har deltageren en plan, og ejer deltageren den?")),
    ("followup_meetings", _("Bliver opfølgningsmøderne holdt?")),
    ("caseworker_gets_agreed", _("Får sagsbehandleren det, der er aftalt?")),
    ("participant_results", _("Hvad opnår deltagerne?")),
    ("overview_after", _("Er der overblik efter forløbet?")),
    ("company_cooperation", _("Hvordan er samarbejdet med virksomheden?")),
]


class CollaborationEvaluationQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        partnerships = GrowthPartnership.objects.for_user(user, write=write)
        return self.filter(partnership__in=partnerships)


class CollaborationEvaluation(models.Model):
    """The yearly evaluation of a collaboration agreement, on the fixed questions."""

    partnership = models.ForeignKey(
        GrowthPartnership, on_delete=models.PROTECT, related_name="evaluations"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("socialøkonomisk virksomhed"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("år"), validators=[MinValueValidator(2018)])
    answers = models.JSONField(
        _("svar"),
        default=dict,
        help_text=_("For hvert spørgsmål: svar (ja/delvist/nej) og kommentar."),
    )

    objects = CollaborationEvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluering af samarbejdsaftale")
        verbose_name_plural = _("evalueringer af samarbejdsaftaler")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation", "year"], name="uniq_evaluation_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"

    def clean(self) -> None:
        super().clean()
        errors = answer_errors(self.answers)
        if errors:
            raise ValidationError({"answers": errors})


def answer_errors(answers) -> list[str]:
    """What is wrong with an evaluation's answers: every question, a valid answer, a comment."""
    if not isinstance(answers, dict):
        return [_("Svarene skal være en liste over spørgsmålene.")]
    errors = []
    keys = {key for key, _label in EVALUATION_QUESTIONS}
    unknown = sorted(set(answers) - keys)
    if unknown:
        errors.append(_("Ukendte spørgsmål: %(keys)s") % {"keys": ", ".join(unknown)})
    for key, label in EVALUATION_QUESTIONS:
        answer = answers.get(key)
        if not isinstance(answer, dict) or answer.get("answer") not in Answer.values:
            errors.append(_("Svar ja, delvist eller nej på: %(question)s") % {"question": label})
        elif not isinstance(answer.get("comment", ""), str):
            errors.append(_("Kommentaren skal være tekst: %(question)s") % {"question": label})
        elif len(answer.get("comment", "")) > SHORT_TEXT:
            errors.append(
                _("Kommentaren er for lang (højst %(max)s tegn): %(question)s")
                % {"max": formats.number_format(SHORT_TEXT, force_grouping=True), "question": label}
            )
    return errors
