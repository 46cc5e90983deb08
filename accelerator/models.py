"""Social-economy companies, the accelerator programme and its camps."""

from __future__ import annotations

from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, FilteredRelation, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.models import Cluster, Municipality, Organisation
from siv.access import ScopedQuerySet
from siv.fields import EncryptedCharField, EncryptedTextField
from siv.limits import NOTE_TEXT, SHORT_TEXT
from siv.permissions import has_perm
from siv.roles import MUNICIPAL_ROLES, Role

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def cvr_is_valid(value: str) -> bool:
    """8 digits whose weighted sum (2,7,6,5,4,3,2,1) is divisible by 11."""
    if not isinstance(value, str) or len(value) != 8 or not value.isascii() or not value.isdigit():
        return False
    return sum(int(d) * w for d, w in zip(value, CVR_WEIGHTS, strict=True)) % 11 == 0


def validate_cvr(value: str) -> None:
    if not cvr_is_valid(value):
        raise ValidationError(
            _("%(value)s er ikke et gyldigt CVR-nummer (8 cifre med korrekt kontrolciffer)."),
            params={"value": value},
            code="invalid_cvr",
        )


class CompanyRole(models.TextChoices):
    ACCELERATOR = "accelerator", _("Acceleratorvirksomhed")
    SUPPORT = "support", _("Støttevirksomhed")


class CompanyStatus(models.TextChoices):
    ACTIVE = "active", _("Aktiv")
    DROPPED_OUT = "dropped_out", _("Frafaldet")


class CompanySize(models.TextChoices):
    MICRO = "micro", _("Mikro (under 10 ansatte)")
    SMALL = "small", _("Lille (10–49 ansatte)")
    MEDIUM = "medium", _("Mellemstor (50–249 ansatte)")


# Two companies of these sizes may share one programme slot.
SLOT_SHARING_SIZES = frozenset({CompanySize.MICRO, CompanySize.SMALL})


class CompanyQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        role = user.role
        if role in (Role.ADMIN, Role.CONTROLLER):
            return self.all()
        if role == Role.BUSINESS_DEVELOPER:
            return self.filter(business_developer=user)
        if write:
            return self.none()
        if role in (Role.CASEWORKER, Role.MUNICIPAL_LEAD):
            return self.filter(municipality_id=user.municipality_id)
        if role == Role.EMPLOYMENT_ACTOR:
            # Companies in the partnerships the actor takes part in.
            return self.filter(organisation__partnerships__partners=user.organisation_id).distinct()
        if role == Role.COMPANY_CONTACT:
            return self.filter(organisation_id=user.organisation_id)
        return self.none()

    def enrolled(self) -> CompanyQuerySet:
        """Companies in an accelerator programme (indicator C01)."""
        return self.filter(role=CompanyRole.ACCELERATOR, enrolled_cluster__isnull=False)

    def support(self) -> CompanyQuerySet:
        """Active support companies (støttevirksomheder) that can take over placements."""
        return self.filter(role=CompanyRole.SUPPORT, status=CompanyStatus.ACTIVE)

    def with_growth(self) -> CompanyQuerySet:
        """Annotate EBITDA of the entry year and two years later, and `has_growth` (C02).

        Growth means strictly greater EBITDA; an equal figure or a missing year is no growth.
        """
        # Joins rather than a lookup per company: (company, year) is unique, so each join
        # matches at most one row.
        return (
            self.annotate(
                entry_figures=FilteredRelation(
                    "financials", condition=Q(financials__year=models.F("entry_year"))
                ),
                later_figures=FilteredRelation(
                    "financials", condition=Q(financials__year=models.F("entry_year") + 2)
                ),
            )
            .annotate(
                ebitda_entry=models.F("entry_figures__ebitda"),
                ebitda_after=models.F("later_figures__ebitda"),
            )
            .annotate(
                has_growth=Case(
                    When(ebitda_after__gt=models.F("ebitda_entry"), then=Value(True)),
                    default=Value(False),
                    output_field=models.BooleanField(),
                )
            )
        )

    def grown(self) -> CompanyQuerySet:
        return self.with_growth().filter(has_growth=True)


class Company(models.Model):
    cvr = models.CharField(_("CVR-nummer"), max_length=8, unique=True, validators=[validate_cvr])
    name = models.CharField(_("navn"), max_length=200)
    industry = models.CharField(_("branche"), max_length=200, blank=True)
    size = models.CharField(
        _("størrelse"), max_length=10, choices=CompanySize.choices, default=CompanySize.SMALL
    )
    registered_social_economy = models.BooleanField(
        _("registreret socialøkonomisk virksomhed"), default=False
    )
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommune"), on_delete=models.PROTECT, related_name="companies"
    )
    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="company",
        help_text=_(
            "Virksomhedens organisation i SIV (for virksomhedskontakter og partnerskaber)."
        ),
    )
    role = models.CharField(
        _("rolle"), max_length=20, choices=CompanyRole.choices, default=CompanyRole.ACCELERATOR
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CompanyStatus.choices, default=CompanyStatus.ACTIVE
    )
    dropped_out_on = models.DateField(_("frafaldsdato"), null=True, blank=True)
    dropout_reason = models.CharField(_("årsag til frafald"), max_length=300, blank=True)
    enrolled_cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("acceleratorprogram (klynge)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="companies",
    )
    entry_year = models.PositiveSmallIntegerField(_("indgangsår"), null=True, blank=True)
    business_developer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("forretningsudvikler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="companies",
        limit_choices_to={"role": Role.BUSINESS_DEVELOPER},
    )
    slot = models.ForeignKey(
        "ProgrammeSlot",
        verbose_name=_("programplads"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="companies",
        help_text=_("Pladsen i acceleratorprogrammet; to små virksomheder kan dele en plads."),
    )

    # Raised by each save (siv.audit.save_and_record): an edit form opened at an older
    # version is a conflict, not a silent overwrite.
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("virksomhed")
        verbose_name_plural = _("virksomheder")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="active") | Q(dropped_out_on__isnull=False),
                name="dropout_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_dropped_out(self) -> bool:
        return self.status == CompanyStatus.DROPPED_OUT


class ProgrammeSlot(models.Model):
    """One of a municipality's slots (ClusterMembership.slots) in its cluster's programme.

    Usually one company holds a slot; two micro or small companies may share one.
    """

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="slots_used")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="programme_slots"
    )
    created_on = models.DateField(_("oprettet"), default=timezone.localdate)

    class Meta:
        verbose_name = _("programplads")
        verbose_name_plural = _("programpladser")

    def __str__(self) -> str:
        return f"{self.municipality} – {self.cluster}"


class CompanyRecordQuerySet(ScopedQuerySet):
    """Rows that belong to one company: visible and writable with the company."""

    def scoped(self, user, *, write):
        return self.filter(company__in=Company.objects.for_user(user, write=write))


class CompanyFinancialQuerySet(CompanyRecordQuerySet):
    pass


class CompanyFinancial(models.Model):
    """A company's figures for one year. Growth (C02): EBITDA two years after entry > entry."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="financials")
    year = models.PositiveSmallIntegerField(_("år"))
    revenue = models.DecimalField(
        _("omsætning"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    ebitda = models.DecimalField(
        _("EBITDA"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    full_time_employees = models.DecimalField(
        _("årsværk"), max_digits=7, decimal_places=1, null=True, blank=True
    )

    objects = CompanyFinancialQuerySet.as_manager()

    class Meta:
        verbose_name = _("regnskabstal")
        verbose_name_plural = _("regnskabstal")
        ordering = ["company", "year"]
        constraints = [
            models.UniqueConstraint(fields=["company", "year"], name="uniq_company_year")
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.year}"


class CampTheme(models.TextChoices):
    PARTNERSHIPS = "partnerships", _("Vækstpartnerskaber, sociale modeller og impact management")
    BRAND = "brand", _("Brand, salg og markedsføring")
    ECONOMY = "economy", _("Driftsøkonomi, organisation og ledelse")
    COLLEGIALITY = "collegiality", _("Socialt kollegaskab og buddy-træning")
    BOOT_CAMP = "boot_camp", _("Boot camp")
    OTHER = "other", _("Andet")


class ClusterScopedQuerySet(ScopedQuerySet):
    """Fund roles see all; municipal roles read what belongs to their municipality's cluster."""

    cluster_field = "cluster"

    def scoped(self, user, *, write):
        if has_perm(user, "recruitment.run"):
            return self.all()
        if write:
            return self.none()
        if user.role in MUNICIPAL_ROLES:
            return self.filter(
                **{f"{self.cluster_field}__memberships__municipality": user.municipality_id}
            ).distinct()
        return self.none()


class CampQuerySet(ClusterScopedQuerySet):
    def held(self, *, until=None) -> CampQuerySet:
        """Camps that have taken place by `until` (indicator C04): not cancelled, and dated
        on or before both `until` and today; a camp planned inside a period that has not
        ended yet is not held."""
        today = timezone.localdate()
        until = today if until is None else min(until, today)
        return self.filter(date__lte=until, cancelled=False)


class Camp(models.Model):
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("klynge"), on_delete=models.PROTECT, related_name="camps"
    )
    theme = models.CharField(_("tema"), max_length=20, choices=CampTheme.choices)
    title = models.CharField(_("titel"), max_length=200)
    date = models.DateField(_("dato"))
    place = models.CharField(_("sted"), max_length=200, blank=True)
    experts = models.TextField(_("eksterne eksperter"), max_length=SHORT_TEXT, blank=True)
    cancelled = models.BooleanField(_("aflyst"), default=False)

    objects = CampQuerySet.as_manager()

    class Meta:
        verbose_name = _("camp")
        verbose_name_plural = _("camps")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d.%m.%Y})"

    @property
    def has_taken_place(self) -> bool:
        """Whether attendance can be registered: the camp's day has come (Danish time)."""
        return not self.cancelled and self.date <= timezone.localdate()


class CompanyContact(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("navn"), max_length=200)
    title = models.CharField(_("stilling"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)

    objects = CompanyRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("kontaktperson")
        verbose_name_plural = _("kontaktpersoner")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Buddy(models.Model):
    """An employee trained in buddy techniques, who supports citizens in the company."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="buddies")
    name = models.CharField(_("navn"), max_length=200)
    trained_on = models.DateField(_("uddannet den"), null=True, blank=True)

    objects = CompanyRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("buddy")
        verbose_name_plural = _("buddies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MilestoneKind(models.TextChoices):
    TASKS_IDENTIFIED = "tasks_identified", _("Værdiskabende opgaver identificeret")
    BUDDY_TRAINING = "buddy_training", _("Buddy-træning afholdt")
    INTRODUCTION_PLANNED = "introduction_planned", _("Introduktionsforløb planlagt")
    FOLLOW_UP_DONE = "follow_up_done", _("Opfølgning gennemført")


class MilestoneQuerySet(CompanyRecordQuerySet):
    def open(self) -> MilestoneQuerySet:
        return self.filter(done_on__isnull=True)


class Milestone(models.Model):
    """A step of the company's social model, with a due date and the day it was reached."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("milepæl"), max_length=30, choices=MilestoneKind.choices)
    due_on = models.DateField(_("frist"), null=True, blank=True)
    done_on = models.DateField(_("nået den"), null=True, blank=True)
    note = models.CharField(_("bemærkning"), max_length=300, blank=True)

    # Raised by each save (siv.audit.save_and_record): an edit form opened at an older
    # version is a conflict, not a silent overwrite.
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milepæl")
        verbose_name_plural = _("milepæle")
        ordering = ["company", "due_on", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["company", "kind"], name="uniq_company_milestone")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class JobCommitment(models.Model):
    """An explicit commitment on job openings: how many, how many hours a week, by when.

    What actually happened (placements and hires) is recorded on citizens in participants/,
    which builds on this app; participants' selectors compare their placements with these
    three figures (openings, hours_per_week, due_on). This app never reads citizens.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="commitments")
    openings = models.PositiveSmallIntegerField(_("antal job"), validators=[MinValueValidator(1)])
    hours_per_week = models.DecimalField(
        _("timer pr. uge"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(1)],
    )
    due_on = models.DateField(_("senest"))
    description = models.CharField(_("beskrivelse"), max_length=300, blank=True)
    made_on = models.DateField(_("aftalt den"), default=timezone.localdate)

    objects = CompanyRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("jobtilsagn")
        verbose_name_plural = _("jobtilsagn")
        ordering = ["company", "due_on"]

    def __str__(self) -> str:
        return f"{self.openings} × {self.hours_per_week} t/uge"


class OpeningKind(models.TextChoices):
    """What a job opening offers; the values are participants' placement kinds, so a
    citizen's placement can be matched against an opening of the same kind."""

    PRAKTIK = "praktik", _("Virksomhedspraktik")
    LOENTILSKUD = "loentilskud", _("Løntilskud")
    FLEKSJOB = "fleksjob", _("Fleksjob")
    SMAAJOB = "smaajob", _("Småjob")
    ORDINAER = "ordinaer", _("Ordinær ansættelse")


class OpeningStatus(models.TextChoices):
    OPEN = "open", _("Åben")
    FILLED = "filled", _("Besat")
    CLOSED = "closed", _("Lukket")


class JobOpeningQuerySet(CompanyRecordQuerySet):
    def open(self) -> JobOpeningQuerySet:
        return self.filter(status=OpeningStatus.OPEN)


class JobOpening(models.Model):
    """A concrete job the company has committed to, for employment actors and caseworkers
    to match citizens against. The commitments (JobCommitment) count jobs; an opening is
    one job (or several alike) to fill."""

    company = models.ForeignKey(
        Company, verbose_name=_("virksomhed"), on_delete=models.CASCADE, related_name="openings"
    )
    title = models.CharField(_("stilling"), max_length=200)
    positions = models.PositiveSmallIntegerField(
        _("antal pladser"), default=1, validators=[MinValueValidator(1)]
    )
    hours_per_week = models.DecimalField(
        _("timer pr. uge"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(1), MaxValueValidator(37)],
    )
    kind = models.CharField(_("type"), max_length=20, choices=OpeningKind.choices)
    starts_on = models.DateField(_("fra"))
    status = models.CharField(
        _("status"), max_length=10, choices=OpeningStatus.choices, default=OpeningStatus.OPEN
    )
    description = models.TextField(_("beskrivelse"), max_length=SHORT_TEXT, blank=True)

    # Raised by each save (siv.audit.save_and_record): an edit form opened at an older
    # version is a conflict, not a silent overwrite.
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)

    objects = JobOpeningQuerySet.as_manager()

    class Meta:
        verbose_name = _("jobåbning")
        verbose_name_plural = _("jobåbninger")
        ordering = ["company", "starts_on"]

    def __str__(self) -> str:
        return self.title


class ContactChannel(models.TextChoices):
    MEETING = "meeting", _("Møde")
    PHONE = "phone", _("Telefon")
    MAIL = "mail", _("Mail")
    VISIT = "visit", _("Besøg")


class ContactLogQuerySet(ScopedQuerySet):
    """The company's history of contacts: read with the company by the roles that keep it
    (not by the company's own contact person, whom it is about), never changed."""

    def scoped(self, user, *, write):
        if not has_perm(user, "company_log.write" if write else "company_log.view"):
            return self.none()
        return self.filter(company__in=Company.objects.for_user(user))


class ContactLogEntry(models.Model):
    """One contact between the jobcentre, an employment actor or the fund and a company."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="contact_log")
    date = models.DateField(_("dato"))
    channel = models.CharField(_("kontaktform"), max_length=10, choices=ContactChannel.choices)
    # A subject and a summary may name people: encrypted like the other free texts.
    subject = EncryptedCharField(_("emne"), max_length=200)
    summary = EncryptedTextField(_("referat"), max_length=SHORT_TEXT, blank=True)
    follow_up_on = models.DateField(_("opfølgning"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registreret af"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registreret"), default=timezone.now)

    objects = ContactLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("kontakt med virksomhed")
        verbose_name_plural = _("kontakter med virksomheden")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["company", "-date"], name="contact_log_company_date")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class DevelopmentSession(models.Model):
    """An individual development session (sparring) between developer and company."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("dato"))
    hours = models.DecimalField(
        _("timer"), max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    topic = models.CharField(_("emne"), max_length=200)
    notes = models.TextField(_("noter"), max_length=NOTE_TEXT, blank=True)
    developer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("forretningsudvikler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = CompanyRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("sparringssession")
        verbose_name_plural = _("sparringssessioner")
        ordering = ["company", "-date"]

    def __str__(self) -> str:
        return f"{self.topic} ({self.date:%d.%m.%Y})"


class ProgrammeQuerySet(ClusterScopedQuerySet):
    pass


PROGRAMME_MONTHS = 12
FOLLOW_UP_MONTHS = 6


class Programme(models.Model):
    """The cluster's accelerator programme: 12 months, then 6 months of follow-up."""

    cluster = models.OneToOneField(
        Cluster, verbose_name=_("klynge"), on_delete=models.PROTECT, related_name="programme"
    )
    start = models.DateField(_("programstart"))

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("acceleratorprogram")
        verbose_name_plural = _("acceleratorprogrammer")
        ordering = ["cluster__number"]

    def __str__(self) -> str:
        return _("Acceleratorprogram, %(cluster)s") % {"cluster": self.cluster}

    @property
    def end(self):
        return self.start + relativedelta(months=PROGRAMME_MONTHS)

    @property
    def follow_up_end(self):
        return self.end + relativedelta(months=FOLLOW_UP_MONTHS)

    def phase_on(self, day) -> str:
        if day < self.start:
            return _("Ikke startet")
        if day < self.end:
            return _("I gang")
        if day < self.follow_up_end:
            return _("Opfølgning")
        return _("Afsluttet")

    @property
    def phase(self) -> str:
        return self.phase_on(timezone.localdate())


class CampaignQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        if has_perm(user, "recruitment.run"):
            return self.all()
        if write:
            return self.none()
        if user.role in MUNICIPAL_ROLES:
            return self.filter(municipality_id=user.municipality_id)
        return self.none()


class Campaign(models.Model):
    """Recruitment in one municipality (with its business council), ending in a boot camp."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommune"), on_delete=models.PROTECT, related_name="+"
    )
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("klynge"), on_delete=models.PROTECT, related_name="campaigns"
    )
    title = models.CharField(_("titel"), max_length=200)
    started_on = models.DateField(_("kampagnestart"))
    boot_camp_date = models.DateField(
        _("boot camp, første dag"),
        null=True,
        blank=True,
        help_text=_("Boot camp varer to dage."),
    )
    boot_camp_place = models.CharField(_("boot camp, sted"), max_length=200, blank=True)
    notes = models.TextField(_("noter"), max_length=NOTE_TEXT, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("rekrutteringskampagne")
        verbose_name_plural = _("rekrutteringskampagner")
        ordering = ["-started_on"]

    def __str__(self) -> str:
        return self.title

    @property
    def boot_camp_end(self):
        return self.boot_camp_date + relativedelta(days=1) if self.boot_camp_date else None


class BootCampInvitation(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    company = models.ForeignKey(
        Company,
        verbose_name=_("virksomhed"),
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    invited_on = models.DateField(_("inviteret den"), default=timezone.localdate)
    attended = models.BooleanField(_("deltog i boot camp"), default=False)
    selected = models.BooleanField(_("optaget i programmet"), default=False)

    class Meta:
        verbose_name = _("invitation til boot camp")
        verbose_name_plural = _("invitationer til boot camp")
        ordering = ["company__name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "company"], name="uniq_invitation")
        ]

    def __str__(self) -> str:
        return f"{self.company} – {self.campaign}"


class CampCompanyAttendance(models.Model):
    camp = models.ForeignKey(Camp, on_delete=models.CASCADE, related_name="company_attendance")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="camp_attendance")

    class Meta:
        verbose_name = _("virksomheds deltagelse i camp")
        constraints = [
            models.UniqueConstraint(fields=["camp", "company"], name="uniq_camp_company")
        ]

    def __str__(self) -> str:
        return f"{self.company} – {self.camp}"


class CampStaffAttendance(models.Model):
    """A member of municipal staff at a camp."""

    camp = models.ForeignKey(Camp, on_delete=models.CASCADE, related_name="staff_attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="camp_attendance"
    )

    class Meta:
        verbose_name = _("medarbejders deltagelse i camp")
        constraints = [models.UniqueConstraint(fields=["camp", "user"], name="uniq_camp_user")]

    def __str__(self) -> str:
        return f"{self.user} – {self.camp}"
