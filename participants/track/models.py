"""The citizen and the track: visitation, screening, phases, pauses, progress
assessments, competence courses, exit, follow-ups and case notes.

Every table with citizen data is scoped (siv/access.py). Sub-records scope through their
citizen, so a row is visible exactly when its citizen is.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants import cpr as cpr_lib
from participants import names
from partnerships.models import (
    Cluster,
    GrowthPartnership,
    Municipality,
    Organisation,
    OrganisationKind,
)
from siv.access import ScopedQuerySet
from siv.fields import EncryptedCharField, EncryptedEmailField, EncryptedTextField
from siv.limits import NOTE_TEXT, SHORT_TEXT
from siv.permissions import has_perm, roles_with
from siv.roles import Role

# Phase 1 and phase 2 each last 26 weeks; pause days do not count.
PHASE_DAYS = 182


# A visitation is expected within 4 weeks; so is the re-visitation after an early exit.
VISITATION_DEADLINE_DAYS = 28


REVISITATION_DEADLINE_DAYS = 28


class Gender(models.TextChoices):
    FEMALE = "F", _("Kvinde")
    MALE = "M", _("Mand")
    OTHER = "X", _("Andet")


class TargetGroup(models.TextChoices):
    FLEXJOB_LOW_CAPACITY = "flexjob_low_capacity", _("Visiteret til fleksjob, lav arbejdsevne")
    EARLY_PENSION = "early_pension", _("Førtidspensionist")
    RESOURCE_COURSE = "resource_course", _("Ressourceforløb")
    CASH_BENEFIT_ACTIVITY_READY = (
        "cash_benefit_activity_ready",
        _("Aktivitetsparat kontanthjælpsmodtager"),
    )
    YOUTH = "youth", _("Ung")
    REFUGEE_IMMIGRANT = "refugee_immigrant", _("Indvandrer eller flygtning")
    OTHER = "other", _("Andet")


class Benefit(models.TextChoices):
    KONTANTHJAELP = "kontanthjaelp", _("Kontanthjælp")
    UDDANNELSESHJAELP = "uddannelseshjaelp", _("Uddannelseshjælp")
    RESSOURCEFORLOEBSYDELSE = "ressourceforloebsydelse", _("Ressourceforløbsydelse")
    LEDIGHEDSYDELSE = "ledighedsydelse", _("Ledighedsydelse")
    FOERTIDSPENSION = "foertidspension", _("Førtidspension")
    SELVFORSOERGELSESYDELSE = "selvforsoergelsesydelse", _("Selvforsørgelsesydelse")
    SYGEDAGPENGE = "sygedagpenge", _("Sygedagpenge")
    NONE = "none", _("Ingen ydelse")
    OTHER = "other", _("Anden ydelse")


class IscedBand(models.TextChoices):
    ISCED_1_2 = "1-2", _("ISCED 1–2 (grundskole)")
    ISCED_3_4 = "3-4", _("ISCED 3–4 (gymnasial/erhvervsfaglig)")
    ISCED_5_8 = "5-8", _("ISCED 5–8 (videregående)")


class EntryStatus(models.TextChoices):
    """The ESF labour-market status at entry: exactly one per participant."""

    UNEMPLOYED = "unemployed", _("Ledig")
    LONG_TERM_UNEMPLOYED = "long_term_unemployed", _("Langtidsledig")
    INACTIVE = "inactive", _("Inaktiv")
    INACTIVE_NOT_IN_EDUCATION = (
        "inactive_not_in_education",
        _("Inaktiv, ikke i uddannelse"),
    )
    EMPLOYED = "employed", _("I beskæftigelse (inkl. selvstændig)")


class VisitationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Foreslået")
    ACCEPTED = "accepted", _("Godkendt")
    REJECTED = "rejected", _("Afvist")


class Phase(models.IntegerChoices):
    VISITED = 0, _("Visiteret")
    TRAINING = 1, _("Fase 1 – arbejdsmarkedstræning")
    PLACEMENT = 2, _("Fase 2 – virksomhedsindslusning")
    EMPLOYMENT = 3, _("Fase 3 – beskæftigelse")


class PauseReason(models.TextChoices):
    ILLNESS = "illness", _("Sygdom")
    LOCKDOWN = "lockdown", _("Nedlukning")
    COMPANY_CLOSED = "company_closed", _("Virksomheden lukket")
    OTHER = "other", _("Andet")


class Barrier(models.TextChoices):
    HEALTH = "health", _("Helbred")
    TRANSPORT = "transport", _("Transport")
    LANGUAGE = "language", _("Sprog")
    HOUSING = "housing", _("Bolig")
    ADDICTION = "addiction", _("Misbrug")
    CHILDCARE = "childcare", _("Børnepasning")
    SOCIAL = "social", _("Sociale forhold")
    OTHER = "other", _("Andet")


class FunctionalLevel(models.IntegerChoices):
    VERY_LOW = 1, _("1 – meget lavt")
    LOW = 2, _("2 – lavt")
    MEDIUM = 3, _("3 – middel")
    HIGH = 4, _("4 – højt")
    VERY_HIGH = 5, _("5 – meget højt")


ASSESSMENT_DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("attendance_stability", _("Stabilt fremmøde")),
    ("social_skills", _("Sociale kompetencer")),
    ("motivation", _("Motivation")),
    ("self_care", _("Egenomsorg")),
    ("work_skills", _("Arbejdsfærdigheder")),
)


class CourseKind(models.TextChoices):
    AMU = "amu", _("AMU")
    FVU = "fvu", _("FVU")
    VEU = "veu", _("VEU")
    LANGUAGE = "language", _("Sprog")
    OTHER = "other", _("Andet")


class ExitStatus(models.TextChoices):
    """Status at exit and at follow-up. 'Deceased' is a not-available reason."""

    EMPLOYED_ORDINARY = "employed_ordinary", _("I ordinær beskæftigelse")
    EMPLOYED_FLEX = "employed_flex", _("I fleksjob")
    EMPLOYED_WAGE_SUBSIDY = "employed_wage_subsidy", _("I løntilskud")
    EMPLOYED_SMALL_JOB = "employed_small_job", _("I småjob")
    EMPLOYED_SELF = "employed_self", _("Selvstændig")
    EDUCATION = "education", _("Påbegyndt uddannelse")
    UNEMPLOYED = "unemployed", _("Ledig og aktivt jobsøgende")
    NOT_AVAILABLE = "not_available", _("Ikke til rådighed for arbejdsmarkedet")


EMPLOYED_STATUSES = frozenset(
    {
        ExitStatus.EMPLOYED_ORDINARY,
        ExitStatus.EMPLOYED_FLEX,
        ExitStatus.EMPLOYED_WAGE_SUBSIDY,
        ExitStatus.EMPLOYED_SMALL_JOB,
        ExitStatus.EMPLOYED_SELF,
    }
)


class NotAvailableReason(models.TextChoices):
    ILLNESS = "illness", _("Sygdom")
    PENSION = "pension", _("Pension")
    MOVED = "moved", _("Fraflyttet")
    DECEASED = "deceased", _("Afgået ved døden")
    OTHER = "other", _("Anden årsag")
    # Legacy data say 'not available' without a reason.
    UNKNOWN = "unknown", _("Ikke oplyst")


class FollowUpKind(models.TextChoices):
    SIX_MONTHS = "6m", _("6 måneder efter ophør")
    TWO_YEARS = "2y", _("2 år efter ophør")


FOLLOW_UP_OFFSETS = {
    FollowUpKind.SIX_MONTHS: relativedelta(months=6),
    FollowUpKind.TWO_YEARS: relativedelta(years=2),
}


# --- Scoping -------------------------------------------------------------------------------


class CitizenQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        role = user.role
        if role == Role.ADMIN:
            return self.all()
        if role == Role.CONTROLLER:
            return self.none() if write else self.all()
        if role == Role.CASEWORKER:
            return self.filter(municipality_id=user.municipality_id)
        if role == Role.MUNICIPAL_LEAD:
            return self.none() if write else self.filter(municipality_id=user.municipality_id)
        if role == Role.EMPLOYMENT_ACTOR:
            return self.filter(employment_actor_id=user.organisation_id)
        # Business developers and company contacts never see citizens.
        return self.none()

    def with_last_exit(self, as_of: date | None = None, *, select: bool = True) -> CitizenQuerySet:
        """Annotate the exit that counts as of a day (the last one; later exits ignored).

        exit_id, exit_date, exit_status, exit_reason, and `reentered`: visited again (an
        accepted visitation) after that exit, so active again as the same participant.
        With select=False only exit_date and reentered, as aliases: a filter or another
        expression can use them (left_q()), and the database computes them only there.
        """
        day = as_of or timezone.localdate()
        exits = ExitForm.objects.filter(citizen=OuterRef("pk"), exit_date__lte=day).order_by(
            "-exit_date", "-pk"
        )
        reentered = Exists(
            Visitation.objects.filter(
                citizen=OuterRef("pk"),
                status=VisitationStatus.ACCEPTED,
                proposed_on__gt=OuterRef("exit_date"),
                proposed_on__lte=day,
            )
        )
        if not select:
            return self.alias(exit_date=Subquery(exits.values("exit_date")[:1])).alias(
                reentered=reentered
            )
        return self.annotate(
            exit_id=Subquery(exits.values("pk")[:1]),
            exit_date=Subquery(exits.values("exit_date")[:1]),
            exit_status=Subquery(exits.values("status")[:1]),
            exit_reason=Subquery(exits.values("not_available_reason")[:1]),
        ).annotate(reentered=reentered)

    @staticmethod
    def left_q() -> Q:
        """For querysets from with_last_exit(): the citizen has left (as of that day)."""
        return Q(exit_date__isnull=False, reentered=False)

    def with_exit_as_of(
        self, day: date, alias: str = "exit_as_of", *, reentry_cancels: bool = True
    ) -> CitizenQuerySet:
        """Join each citizen to the exit that counts as of a day, as `alias` (the rule of
        ExitForm.objects.last_as_of(); with reentry_cancels=False the last exit up to the
        day, whatever came after it): a LEFT JOIN, so `alias` is null for a citizen without
        one. A citizen has at most one such exit (one exit a day), so each citizen stays one
        row and the citizens and their exits are counted in one pass."""
        counting = exit_counts(day, prefix="exits__", row=alias, reentry_cancels=reentry_cancels)
        return self.annotate(**{alias: models.FilteredRelation("exits", condition=counting)})

    def left_as_of(self, day: date, *, left: bool = True) -> CitizenQuerySet:
        """The citizens who have left as of a day (an exit that counts, ExitForm.last_as_of),
        or with left=False those who have not: one set-based pass (a hashed semi- or
        anti-join), for filtering a whole list rather than a lookup per row."""
        exited = Exists(ExitForm.objects.last_as_of(day).filter(citizen=OuterRef("pk")))
        return self.filter(exited if left else ~exited)

    def visitation_overdue_as_of(self, day: date) -> CitizenQuerySet:
        """The citizens with a proposed visitation waiting past its deadline on a day (the
        list's `visitation_overdue`), as one set-based pass for filtering a whole list."""
        late = Visitation.objects.filter(
            citizen=OuterRef("pk"),
            status=VisitationStatus.PROPOSED,
            proposed_on__lt=day - timedelta(days=VISITATION_DEADLINE_DAYS),
        )
        return self.filter(Exists(late))

    def visited(self, *, start: date | None = None, end: date | None = None) -> CitizenQuerySet:
        """Citizens with an accepted visitation dated in [start, end] (P01)."""
        visits = Visitation.objects.filter(citizen=OuterRef("pk"), status=VisitationStatus.ACCEPTED)
        if start is not None:
            visits = visits.filter(proposed_on__gte=start)
        if end is not None:
            visits = visits.filter(proposed_on__lte=end)
        return self.filter(Exists(visits))


class CitizenRecordQuerySet(ScopedQuerySet):
    """Rows that belong to one citizen: visible exactly when the citizen is."""

    citizen_path = "citizen"

    def scoped(self, user, *, write):
        citizens = Citizen.objects.for_user(user, write=write)
        return self.filter(**{f"{self.citizen_path}__in": citizens.values("pk")})


class ExitFormQuerySet(CitizenRecordQuerySet):
    def last_as_of(self, day: date) -> ExitFormQuerySet:
        """Each citizen's exit that counts as of a day: the last one dated up to it, unless an
        accepted visitation after it (up to the day) made the citizen active again.

        The same rule as Citizen.with_last_exit() plus left_q(), written as NOT EXISTS so the
        database answers it with anti-joins over the table instead of a lookup per citizen.
        """
        return self.filter(exit_counts(day))

    def places_open(self, day: date) -> ExitFormQuerySet:
        """Early exits up to a day whose place still waits for a re-visitation: none for it
        has been accepted (one that is proposed or was rejected leaves the place open)."""
        return self.filter(
            ~revisitation_exists(VisitationStatus.ACCEPTED), early=True, exit_date__lte=day
        )


def revisitation_exists(status: str, exit_ref: str = "pk") -> Exists:
    """Whether the exit (named `exit_ref` in the outer query) has a re-visitation in a status."""
    return Exists(Visitation.objects.filter(replaces_exit=OuterRef(exit_ref), status=status))


def exit_counts(day: date, prefix: str = "", row: str = "", *, reentry_cancels: bool = True) -> Q:
    """The exit rows (reached through `prefix` in a filter, named `row` in a subquery's outer
    reference) that count as of a day: the last one dated up to it, unless an accepted
    visitation after it (up to the day) made the citizen active again. With
    reentry_cancels=False, the last one dated up to it (the ESF rule: exit data come from
    the last exit)."""
    here = f"{row}__" if row else ""
    later_exit = ExitForm.objects.filter(
        citizen=OuterRef(f"{here}citizen"),
        exit_date__gt=OuterRef(f"{here}exit_date"),
        exit_date__lte=day,
    )
    last = Q(**{f"{prefix}exit_date__lte": day}) & ~Exists(later_exit)
    if not reentry_cancels:
        return last
    reentry = Visitation.objects.filter(
        citizen=OuterRef(f"{here}citizen"),
        status=VisitationStatus.ACCEPTED,
        proposed_on__gt=OuterRef(f"{here}exit_date"),
        proposed_on__lte=day,
    )
    return last & ~Exists(reentry)


class FollowUpQuerySet(CitizenRecordQuerySet):
    citizen_path = "exit__citizen"


class CaseNoteQuerySet(CitizenRecordQuerySet):
    def scoped(self, user, *, write):
        notes = super().scoped(user, write=write)
        if not has_perm(user, "citizens.sensitive_notes"):
            notes = notes.filter(sensitive=False)
        return notes


# --- Citizen -------------------------------------------------------------------------------


# The citizen's situation as the ESF start form asks it: personal data beyond the name.
PROFILE_FIELDS = (
    "target_group",
    "benefit",
    "isced",
    "entry_status",
    "migrant",
    "disability",
    "other_disadvantaged",
)


PHASE_ORDER_CONSTRAINTS = (
    models.CheckConstraint(
        condition=Q(phase2_start__isnull=True)
        | Q(phase1_start__isnull=True)
        | Q(phase2_start__gte=models.F("phase1_start")),
        name="citizen_phase2_not_before_phase1",
    ),
    models.CheckConstraint(
        condition=Q(phase3_start__isnull=True)
        | Q(phase1_start__isnull=True)
        | Q(phase3_start__gte=models.F("phase1_start")),
        name="citizen_phase3_not_before_phase1",
    ),
    models.CheckConstraint(
        condition=Q(phase3_start__isnull=True)
        | Q(phase2_start__isnull=True)
        | Q(phase3_start__gte=models.F("phase2_start")),
        name="citizen_phase3_not_before_phase2",
    ),
)


class Citizen(models.Model):
    """One participant per CPR number, also across re-entries."""

    # The CPR number is stored encrypted; the keyed hash finds the citizen and keeps it unique.
    cpr_encrypted = models.TextField(_("CPR-nummer (krypteret)"), editable=False)
    cpr_hash = models.CharField(max_length=64, unique=True, editable=False)
    birth_date = models.DateField(_("fødselsdato"), editable=False)
    # Names and contact data are encrypted at rest (siv/fields.py); the name is found by the
    # keyed hashes of its words' beginnings (participants/names.py), kept by save().
    first_name = EncryptedCharField(_("fornavn"), max_length=100)
    last_name = EncryptedCharField(_("efternavn"), max_length=100)
    name_hashes = ArrayField(
        models.CharField(max_length=names.HASH_LENGTH), default=list, blank=True, editable=False
    )
    gender = models.CharField(_("køn"), max_length=1, choices=Gender.choices)
    phone = EncryptedCharField(_("telefon"), max_length=30, blank=True)
    email = EncryptedEmailField(_("e-mail"), blank=True)
    address = EncryptedCharField(_("adresse"), max_length=300, blank=True)

    target_group = models.CharField(_("målgruppe"), max_length=40, choices=TargetGroup.choices)
    benefit = models.CharField(_("ydelse"), max_length=40, choices=Benefit.choices)
    # ESF start form (deltagerstartskema); blank where legacy data lack it.
    isced = models.CharField(
        _("uddannelsesniveau (ISCED)"), max_length=3, choices=IscedBand.choices, blank=True
    )
    entry_status = models.CharField(
        _("arbejdsmarkedsstatus ved start"),
        max_length=30,
        choices=EntryStatus.choices,
        blank=True,
    )
    migrant = models.BooleanField(_("indvandrer/udenlandsk baggrund/minoritet"), default=False)
    disability = models.BooleanField(_("handicap"), default=False)
    other_disadvantaged = models.BooleanField(_("anden udsat gruppe"), default=False)

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommune"), on_delete=models.PROTECT, related_name="citizens"
    )
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("klynge"), on_delete=models.PROTECT, related_name="citizens"
    )
    partnership = models.ForeignKey(
        GrowthPartnership,
        verbose_name=_("vækstpartnerskab"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="citizens",
    )
    employment_actor = models.ForeignKey(
        Organisation,
        verbose_name=_("beskæftigelsesaktør"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="citizens",
        limit_choices_to={"kind": OrganisationKind.EMPLOYMENT_ACTOR},
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sagsbehandler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="citizens",
        limit_choices_to={"role": Role.CASEWORKER},
    )

    # The track (first entry): typed once, when each phase actually starts.
    phase1_start = models.DateField(_("start fase 1"), null=True, blank=True)
    phase2_start = models.DateField(_("start fase 2"), null=True, blank=True)
    phase3_start = models.DateField(_("start fase 3 (beskæftigelse)"), null=True, blank=True)

    created_at = models.DateTimeField(_("oprettet"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    # Raised by each save (siv.audit.save_and_record): an edit form opened at an older
    # version is a conflict, not a silent overwrite.
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)

    objects = CitizenQuerySet.as_manager()

    # The audit log names these fields when they change but keeps their values out.
    audit_private_fields = ("gender", *PROFILE_FIELDS)

    class Meta:
        verbose_name = _("deltager")
        verbose_name_plural = _("deltagere")
        # Names are encrypted: the lists sort them after reading (names.NameOrdered).
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(phase2_start__isnull=True) | Q(phase1_start__isnull=False),
                name="citizen_phase2_after_phase1",
            ),
            models.CheckConstraint(
                condition=Q(phase3_start__isnull=True) | Q(phase1_start__isnull=False),
                name="citizen_phase3_after_phase1",
            ),
            # The phases start in their order (added NOT VALID: rows stored before the rule
            # stay, and the data-quality screen lists them).
            *PHASE_ORDER_CONSTRAINTS,
        ]
        indexes = [
            models.Index(fields=["municipality", "cluster"]),
            GinIndex(fields=["name_hashes"], name="citizen_name_hashes"),
        ]

    def __str__(self) -> str:
        return self.audit_label

    def save(self, *args, **kwargs) -> None:
        # The name's search hashes are derived from the name, so they follow it wherever it
        # is saved (a service, the import, the anonymisation writes them itself).
        # A save that names its fields and leaves the names out leaves the hashes alone.
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            self.name_hashes = names.search_hashes(self.first_name, self.last_name)
        elif {"first_name", "last_name"} & set(update_fields):
            self.name_hashes = names.search_hashes(self.first_name, self.last_name)
            kwargs["update_fields"] = [*update_fields, "name_hashes"]
        super().save(*args, **kwargs)

    @property
    def audit_label(self) -> str:
        # The pseudonym every role without names sees, never the bare database id.
        return f"Deltager {self.pseudonym}"

    @property
    def pseudonym(self) -> str:
        """What the fund's roles see instead of name and CPR."""
        return f"D-{self.pk:06d}" if self.pk else "D-"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    # CPR ---------------------------------------------------------------------------------

    def set_cpr(self, value: str) -> None:
        parsed = cpr_lib.parse(value)
        self.cpr_encrypted = cpr_lib.encrypt(parsed.digits)
        self.cpr_hash = cpr_lib.keyed_hash(parsed.digits)
        self.birth_date = parsed.birth_date

    @staticmethod
    def search_hashes(clear: dict[str, str]) -> dict[str, object]:
        """The search hashes computed again from the clear values (`manage.py rekey_fields`)."""
        hashes: dict[str, object] = {}
        if clear.get("cpr_encrypted"):
            hashes["cpr_hash"] = cpr_lib.keyed_hash(clear["cpr_encrypted"])
        if clear.get("first_name") or clear.get("last_name"):
            hashes["name_hashes"] = names.search_hashes(
                clear.get("first_name", ""), clear.get("last_name", "")
            )
        return hashes

    @property
    def cpr(self) -> str:
        """The full number, `DDMMYY-SSSS`. Reveal it through cpr_reveal only."""
        digits = cpr_lib.decrypt(self.cpr_encrypted)
        return f"{digits[:6]}-{digits[6:]}"

    @property
    def cpr_masked(self) -> str:
        return f"{self.birth_date:%d%m%y}-XXXX" if self.birth_date else "XXXXXX-XXXX"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.employment_actor_id and (
            self.employment_actor.kind != OrganisationKind.EMPLOYMENT_ACTOR
        ):
            errors["employment_actor"] = _("Vælg en beskæftigelsesaktør.")
        if self.caseworker_id and self.caseworker.role not in roles_with("citizens.caseworker"):
            errors["caseworker"] = _("Vælg en sagsbehandler.")
        if self.phase2_start and not self.phase1_start:
            errors["phase2_start"] = _("Fase 2 kan ikke starte før fase 1.")
        if self.phase1_start and self.phase2_start and self.phase2_start < self.phase1_start:
            errors["phase2_start"] = _("Fase 2 kan ikke starte før fase 1.")
        if self.phase3_start and not self.phase1_start:
            errors["phase3_start"] = _("Fase 3 kan ikke starte før fase 1.")
        earliest_phase3 = self.phase2_start or self.phase1_start
        if self.phase3_start and earliest_phase3 and self.phase3_start < earliest_phase3:
            errors["phase3_start"] = _("Fase 3 kan ikke starte før de tidligere faser.")
        if self.partnership_id and self.partnership.municipality_id != self.municipality_id:
            errors["partnership"] = _("Partnerskabet hører til en anden kommune.")
        if errors:
            raise ValidationError(errors)

    # The track ---------------------------------------------------------------------------

    def current_phase(self, as_of: date | None = None) -> Phase:
        day = as_of or timezone.localdate()
        for phase, start in (
            (Phase.EMPLOYMENT, self.phase3_start),
            (Phase.PLACEMENT, self.phase2_start),
            (Phase.TRAINING, self.phase1_start),
        ):
            if start and start <= day:
                return phase
        return Phase.VISITED

    def last_exit(self) -> ExitForm | None:
        """The exit that counts (re-entry: exit data come from the last exit)."""
        exits = getattr(self, "_prefetched_objects_cache", {}).get("exits")
        if exits is not None:
            rows = sorted(exits, key=lambda e: (e.exit_date, e.pk))
            return rows[-1] if rows else None
        return self.exits.order_by("-exit_date", "-pk").first()

    def exit_in_force(self, as_of: date | None = None) -> ExitForm | None:
        """The last exit up to `as_of`, unless the citizen was visited again after it."""
        day = as_of or timezone.localdate()
        cache = getattr(self, "_prefetched_objects_cache", {})
        exits = cache.get("exits")
        exits = list(exits) if exits is not None else list(self.exits.filter(exit_date__lte=day))
        exits = sorted((e for e in exits if e.exit_date <= day), key=lambda e: (e.exit_date, e.pk))
        if not exits:
            return None
        last = exits[-1]
        visits = cache.get("visitations")
        if visits is None:
            visits = self.visitations.filter(status=VisitationStatus.ACCEPTED)
        reentered = any(
            v.status == VisitationStatus.ACCEPTED and last.exit_date < v.proposed_on <= day
            for v in visits
        )
        return None if reentered else last

    def _pauses(self) -> list[Pause]:
        pauses = getattr(self, "_prefetched_objects_cache", {}).get("pauses")
        return list(pauses) if pauses is not None else list(self.pauses.all())

    def phase_window(self, phase: int, as_of: date | None = None) -> tuple[date, date] | None:
        """[start, end) of a phase as far as it has run by `as_of` (end exclusive)."""
        day = as_of or timezone.localdate()
        starts = {1: self.phase1_start, 2: self.phase2_start, 3: self.phase3_start}
        start = starts.get(phase)
        if start is None or start > day:
            return None
        # Like an exit date, `as_of` itself is not counted: Mar 2 → Aug 31 is 182 days.
        ends = [day]
        later = [s for p, s in starts.items() if p > phase and s]
        ends.extend(later)
        last = self.last_exit()
        if last is not None:
            ends.append(last.exit_date)
        return start, max(start, min(ends))

    def counted_days(self, phase: int, as_of: date | None = None) -> int:
        """Days spent in a phase up to `as_of`, pause days not counted."""
        window = self.phase_window(phase, as_of)
        if window is None:
            return 0
        return count_days(window[0], window[1], self._pauses())

    def counted_weeks(self, phase: int, as_of: date | None = None) -> int:
        return self.counted_days(phase, as_of) // 7

    def planned_end(self, phase: int) -> date | None:
        """The phase's planned end: start + 26 weeks, moved by every pause inside it."""
        start = {1: self.phase1_start, 2: self.phase2_start}.get(phase)
        if start is None:
            return None
        return planned_end(start, PHASE_DAYS, self._pauses())

    def phase1_complete(self, as_of: date | None = None) -> bool:
        """Reached phase 2, or at least 182 counted days in phase 1 (DOMAIN.md)."""
        day = as_of or timezone.localdate()
        if self.phase2_start and self.phase2_start <= day:
            return True
        return self.counted_days(1, day) >= PHASE_DAYS


def count_days(start: date, end: date, pauses) -> int:
    """Days in [start, end) that are not inside any pause (pauses may overlap)."""
    if end <= start:
        return 0
    paused: set[date] = set()
    for pause in pauses:
        p_start = max(pause.start, start)
        p_end = min(pause.end + timedelta(days=1) if pause.end else end, end)
        day = p_start
        while day < p_end:
            paused.add(day)
            day += timedelta(days=1)
    return (end - start).days - len(paused)


def planned_end(start: date, days: int, pauses, today: date | None = None) -> date:
    """The day after `days` counted (unpaused) days from `start`: when the phase is over.

    An open pause is taken to last until today, so the planned end moves day by day.
    """
    today = today or timezone.localdate()
    spans = [(p.start, p.end or max(today, p.start)) for p in pauses]
    day, counted = start, 0
    while counted < days:
        if not any(p_start <= day <= p_end for p_start, p_end in spans):
            counted += 1
        day += timedelta(days=1)
    return day


# --- Visitation ----------------------------------------------------------------------------


START_AFTER_PROPOSAL = models.CheckConstraint(
    condition=Q(start_on__isnull=True) | Q(start_on__gte=models.F("proposed_on")),
    name="visitation_start_not_before_proposal",
)


class Visitation(models.Model):
    """A caseworker's proposal of a citizen for a slot, reviewed in dialogue before start."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="visitations")
    partnership = models.ForeignKey(
        GrowthPartnership,
        verbose_name=_("vækstpartnerskab"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visitations",
    )
    proposed_on = models.DateField(_("visitationsdato"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("foreslået af"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=VisitationStatus.choices,
        default=VisitationStatus.PROPOSED,
    )
    realistic_20_hours = models.BooleanField(
        _("realistisk med job på mindst 20 timer om ugen efter 52 uger"), null=True, blank=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vurderet af"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("vurderet"), null=True, blank=True)
    rejection_reason = models.TextField(
        _("begrundelse for afvisning"), max_length=SHORT_TEXT, blank=True
    )
    match_meeting_date = models.DateField(_("matchmøde"), null=True, blank=True)
    # Who met and what was said are encrypted at rest (siv/fields.py).
    match_meeting_participants = EncryptedTextField(
        _("deltagere i matchmødet"), max_length=SHORT_TEXT, blank=True
    )
    match_meeting_notes = EncryptedTextField(
        _("referat af matchmødet"), max_length=NOTE_TEXT, blank=True
    )
    start_on = models.DateField(_("aftalt start"), null=True, blank=True)
    # A re-visitation proposes a citizen for the place left by an early exit (deadline: 4
    # weeks after the exit). The place stays open until one of them is accepted: a rejected
    # proposal leaves room for the next, and at most one is ever accepted per exit.
    replaces_exit = models.ForeignKey(
        "ExitForm",
        verbose_name=_("genvisitation efter ophør"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisitations",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CitizenRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("visitation")
        verbose_name_plural = _("visitationer")
        ordering = ["-proposed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="visitation_rejection_has_reason",
            ),
            START_AFTER_PROPOSAL,
            models.UniqueConstraint(
                fields=["replaces_exit"],
                condition=Q(status="accepted"),
                name="uniq_accepted_revisitation_per_exit",
                violation_error_message=_(
                    "Pladsen efter dette ophør er allerede besat af en godkendt genvisitation."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citizen.audit_label} {self.proposed_on:%d.%m.%Y}"

    @property
    def audit_label(self) -> str:
        return f"Visitation #{self.pk}"

    def clean(self) -> None:
        super().clean()
        if self.status == VisitationStatus.REJECTED and not self.rejection_reason.strip():
            raise ValidationError({"rejection_reason": _("Angiv en begrundelse for afvisningen.")})
        if self.start_on and self.start_on < self.proposed_on:
            raise ValidationError({"start_on": _("Start kan ikke ligge før visitationen.")})

    def days_waited(self, as_of: date | None = None) -> int:
        """From the proposal to the decision (or until today while undecided)."""
        if self.reviewed_at:
            end = timezone.localdate(self.reviewed_at)
        else:
            end = as_of or timezone.localdate()
        return max(0, (end - self.proposed_on).days)

    def is_overdue(self, as_of: date | None = None) -> bool:
        return (
            self.status == VisitationStatus.PROPOSED
            and self.days_waited(as_of) > VISITATION_DEADLINE_DAYS
        )


# --- Pauses, screening, assessments --------------------------------------------------------


class Pause(models.Model):
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="pauses")
    start = models.DateField(_("pause fra"))
    end = models.DateField(_("pause til og med"), null=True, blank=True)
    reason = models.CharField(_("årsag"), max_length=20, choices=PauseReason.choices)
    note = EncryptedCharField(_("bemærkning"), max_length=300, blank=True)

    objects = CitizenRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauser")
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="pause_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.citizen.audit_label} pause {self.start:%d.%m.%Y}"

    def clean(self) -> None:
        super().clean()
        if self.end and self.end < self.start:
            raise ValidationError({"end": _("Pausen kan ikke slutte før den starter.")})
        if self.citizen_id and self.start:
            others = Pause.objects.filter(citizen_id=self.citizen_id).exclude(pk=self.pk)
            others = others.filter(Q(end__isnull=True) | Q(end__gte=self.start))
            if self.end:
                others = others.filter(start__lte=self.end)
            if others.exists():
                raise ValidationError(_("Pausen overlapper en anden pause."))

    @property
    def days(self) -> int | None:
        return (self.end - self.start).days + 1 if self.end else None


class Screening(models.Model):
    """Screening right at start: functional level, barriers and wishes."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="screenings")
    screened_on = models.DateField(_("screeningsdato"))
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    functional_level = models.PositiveSmallIntegerField(
        _("funktionsniveau"), choices=FunctionalLevel.choices
    )
    barriers = models.JSONField(
        _("barrierer"), default=list, blank=True, help_text=_("Koder fra listen over barrierer.")
    )
    # Screening notes are encrypted at rest (siv/fields.py).
    barrier_notes = EncryptedTextField(_("om barriererne"), max_length=SHORT_TEXT, blank=True)
    wishes = EncryptedTextField(
        _("ønsker til fag og virksomhed"), max_length=SHORT_TEXT, blank=True
    )

    objects = CitizenRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screeninger")
        ordering = ["-screened_on", "-id"]

    def __str__(self) -> str:
        return f"{self.citizen.audit_label} screening {self.screened_on:%d.%m.%Y}"

    def clean(self) -> None:
        super().clean()
        valid = set(Barrier.values)
        if not isinstance(self.barriers, list) or any(b not in valid for b in self.barriers):
            raise ValidationError({"barriers": _("Vælg barrierer fra listen.")})
        self.barriers = sorted(set(self.barriers))

    def barrier_labels(self) -> list[str]:
        return [Barrier(b).label for b in self.barriers]


def _score_field(label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class ProgressAssessment(models.Model):
    """Progression on the fixed dimensions, scored 1 (low) to 5 (high)."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("dato"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attendance_stability = _score_field(_("Stabilt fremmøde"))
    social_skills = _score_field(_("Sociale kompetencer"))
    motivation = _score_field(_("Motivation"))
    self_care = _score_field(_("Egenomsorg"))
    work_skills = _score_field(_("Arbejdsfærdigheder"))
    note = EncryptedTextField(_("bemærkning"), max_length=SHORT_TEXT, blank=True)

    objects = CitizenRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("progressionsvurdering")
        verbose_name_plural = _("progressionsvurderinger")
        ordering = ["assessed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(attendance_stability__range=(1, 5))
                & Q(social_skills__range=(1, 5))
                & Q(motivation__range=(1, 5))
                & Q(self_care__range=(1, 5))
                & Q(work_skills__range=(1, 5)),
                name="assessment_scores_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.citizen.audit_label} vurdering {self.assessed_on:%d.%m.%Y}"

    def scores(self) -> dict[str, int]:
        return {name: getattr(self, name) for name, _label in ASSESSMENT_DIMENSIONS}


# --- Competence courses ------------------------------------------------------------------


class CompetenceCourse(models.Model):
    """Kompetenceløft: AMU, FVU, VEU or language course."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="courses")
    kind = models.CharField(_("type"), max_length=20, choices=CourseKind.choices)
    title = models.CharField(_("titel"), max_length=200)
    start = models.DateField(_("start"))
    end = models.DateField(_("slut"), null=True, blank=True)
    completed = models.BooleanField(_("gennemført"), default=False)
    qualification_gained = models.BooleanField(_("kvalifikation opnået"), default=False)
    qualification = models.CharField(_("kvalifikation"), max_length=200, blank=True)

    objects = CitizenRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("kompetenceløft")
        verbose_name_plural = _("kompetenceløft")
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="course_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def clean(self) -> None:
        super().clean()
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": _("Slutdatoen kan ikke ligge før startdatoen.")})
        if self.qualification_gained and not self.completed:
            raise ValidationError(
                {"qualification_gained": _("En kvalifikation kræver et gennemført forløb.")}
            )


# --- Exit and follow-up --------------------------------------------------------------------


def _status_reason_clean(status: str, reason: str) -> None:
    if status == ExitStatus.NOT_AVAILABLE and not reason:
        raise ValidationError(
            {"not_available_reason": _("Angiv hvorfor borgeren ikke er til rådighed.")}
        )
    if status != ExitStatus.NOT_AVAILABLE and reason:
        raise ValidationError(
            {"not_available_reason": _("En årsag angives kun ved 'ikke til rådighed'.")}
        )


_REASON_ONLY_WHEN_NOT_AVAILABLE = Q(status="not_available", not_available_reason__gt="") | (
    ~Q(status="not_available") & Q(not_available_reason="")
)


def _employer_clean(status: str, company_id: int | None, name: str) -> None:
    """The employer is recorded only for an employed status: a partner company or another
    employer, never both. (That one is named at all is the service's rule for new exits:
    legacy rows carry no employer.)"""
    if status not in EMPLOYED_STATUSES and (company_id or name):
        raise ValidationError(
            {"employer_company": _("En arbejdsgiver angives kun ved ophør til beskæftigelse.")}
        )
    if company_id and name:
        raise ValidationError(
            {
                "employer_name": _(
                    "Angiv enten en partnervirksomhed eller en anden arbejdsgiver, ikke begge."
                )
            }
        )


_EMPLOYER_ONLY_WHEN_EMPLOYED = Q(employer_company__isnull=True, employer_name="") | (
    Q(status__in=sorted(EMPLOYED_STATUSES))
    & (Q(employer_company__isnull=True) | Q(employer_name=""))
)


class ExitForm(models.Model):
    """Slutskema. A citizen who re-enters can have several: the last one counts."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="exits")
    exit_date = models.DateField(_("ophørsdato"))
    status = models.CharField(_("status ved ophør"), max_length=30, choices=ExitStatus.choices)
    not_available_reason = models.CharField(
        _("årsag (ikke til rådighed)"),
        max_length=20,
        choices=NotAvailableReason.choices,
        blank=True,
    )
    # When the status is employed: one of the programme's partner (accelerator) companies, or
    # another employer by name ("i beskæftigelse hos partnervirksomheder" counts the first).
    employer_company = models.ForeignKey(
        "accelerator.Company",
        verbose_name=_("partnervirksomhed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employed_exits",
    )
    employer_name = models.CharField(_("anden arbejdsgiver"), max_length=200, blank=True)
    early = models.BooleanField(
        _("tidligt ophør"),
        default=False,
        help_text=_("Kommunen skal genvisitere til pladsen inden for 4 uger."),
    )
    note = EncryptedTextField(_("bemærkning"), max_length=SHORT_TEXT, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    # Raised by each save (siv.audit.save_and_record): an edit form opened at an older
    # version is a conflict, not a silent overwrite.
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)

    objects = ExitFormQuerySet.as_manager()

    class Meta:
        verbose_name = _("slutskema")
        verbose_name_plural = _("slutskemaer")
        ordering = ["-exit_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=_REASON_ONLY_WHEN_NOT_AVAILABLE, name="exit_reason_iff_not_available"
            ),
            models.UniqueConstraint(fields=["citizen", "exit_date"], name="uniq_exit_per_day"),
            models.CheckConstraint(
                condition=_EMPLOYER_ONLY_WHEN_EMPLOYED, name="exit_employer_only_when_employed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citizen.audit_label} ophør {self.exit_date:%d.%m.%Y}"

    @property
    def audit_label(self) -> str:
        return f"Slutskema #{self.pk}"

    def clean(self) -> None:
        super().clean()
        _status_reason_clean(self.status, self.not_available_reason)
        _employer_clean(self.status, self.employer_company_id, self.employer_name)

    @property
    def employer(self) -> str:
        """The employer as the screens name it: the partner company or the other employer."""
        return self.employer_company.name if self.employer_company_id else self.employer_name

    @property
    def revisitation_deadline(self) -> date | None:
        if not self.early:
            return None
        return self.exit_date + timedelta(days=REVISITATION_DEADLINE_DAYS)

    def follow_up_due(self, kind: str) -> date:
        return self.exit_date + FOLLOW_UP_OFFSETS[FollowUpKind(kind)]


class FollowUp(models.Model):
    """Status again 6 months and 2 years after an exit."""

    exit = models.ForeignKey(ExitForm, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(_("opfølgning"), max_length=2, choices=FollowUpKind.choices)
    followed_up_on = models.DateField(_("dato"))
    status = models.CharField(_("status"), max_length=30, choices=ExitStatus.choices)
    not_available_reason = models.CharField(
        _("årsag (ikke til rådighed)"),
        max_length=20,
        choices=NotAvailableReason.choices,
        blank=True,
    )
    improved_situation = models.BooleanField(
        _("forbedret situation på arbejdsmarkedet"), null=True, blank=True
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("opfølgning")
        verbose_name_plural = _("opfølgninger")
        ordering = ["followed_up_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["exit", "kind"], name="uniq_followup_per_exit"),
            models.CheckConstraint(
                condition=_REASON_ONLY_WHEN_NOT_AVAILABLE, name="followup_reason_iff_not_available"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exit} {self.get_kind_display()}"

    def clean(self) -> None:
        super().clean()
        _status_reason_clean(self.status, self.not_available_reason)
        if self.exit_id and self.followed_up_on and self.followed_up_on < self.exit.exit_date:
            raise ValidationError({"followed_up_on": _("Opfølgningen ligger før ophøret.")})


# --- Case notes ----------------------------------------------------------------------------


class CaseNote(models.Model):
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="notes")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("skrevet"), default=timezone.now)
    # Case notes (the sensitive ones about health among them) are encrypted at rest.
    text = EncryptedTextField(_("notat"), max_length=NOTE_TEXT)
    sensitive = models.BooleanField(
        _("følsomme oplysninger"),
        default=False,
        help_text=_("Fx helbred. Kun sagsbehandler og beskæftigelsesaktør kan læse notatet."),
    )

    objects = CaseNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("notat")
        verbose_name_plural = _("notater")
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"{self.citizen.audit_label} notat {self.written_at:%d.%m.%Y}"

    @property
    def audit_label(self) -> str:
        return f"Notat #{self.pk}"
