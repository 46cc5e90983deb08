"""Payment by results: contracts (versioned), outcomes with their evidence, the append-only
ledger, and the business case's dated benefit rates.

The ledger is append-only in code (LedgerEntry refuses save-after-insert and delete) and in
the database (migration 0002's triggers). Each row holds the hash of the previous row, so a
changed past row breaks the chain (`manage.py verify_ledger`).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from json.encoder import encode_basestring_ascii

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accelerator.models import Company
from participants.models import Benefit, Citizen
from partnerships.models import Cluster, Municipality
from siv import bulk
from siv.access import ScopedQuerySet
from siv.models import Decision
from siv.roles import Role

CENT = Decimal("0.01")
GENESIS_HASH = "0" * 64


def money(value) -> Decimal:
    """DKK with øre, rounded half up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def money_field(label, **kwargs) -> models.DecimalField:
    return models.DecimalField(label, max_digits=13, decimal_places=2, **kwargs)


class MunicipalScopedQuerySet(ScopedQuerySet):
    """Controllers write, admins read everything, a municipal lead reads their own municipality.

    Nobody else sees payment-by-results data at all.
    """

    municipality_path = "municipality"

    def scoped(self, user, *, write):
        role = user.role
        if role == Role.CONTROLLER:
            return self.all()
        if role == Role.ADMIN:
            return self.none() if write else self.all()
        if role == Role.MUNICIPAL_LEAD and not write and user.municipality_id:
            return self.filter(**{f"{self.municipality_path}_id": user.municipality_id})
        return self.none()


class ContractVersionQuerySet(MunicipalScopedQuerySet):
    municipality_path = "contract__municipality"


class OutcomeQuerySet(MunicipalScopedQuerySet):
    municipality_path = "contract__municipality"


class BenefitRateQuerySet(ScopedQuerySet):
    """Benefit rates and saving bands are programme assumptions: readable by who reads PbR."""

    def scoped(self, user, *, write):
        if user.role == Role.CONTROLLER:
            return self.all()
        if user.role in (Role.ADMIN, Role.MUNICIPAL_LEAD) and not write:
            return self.all()
        return self.none()


# --- Contracts -----------------------------------------------------------------------------


class RetentionMode(models.TextChoices):
    CONTINUOUS = "continuous", _("Sammenhængende")
    CUMULATIVE = "cumulative", _("Akkumuleret")


class Contract(models.Model):
    """The PbR contract of one municipality in one cluster. Its terms live in versions."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommune"), on_delete=models.PROTECT, related_name="+"
    )
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("klynge"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("navn"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    # Raised by each save (siv.audit.save_and_record): an edit form opened at an older
    # version is a conflict, not a silent overwrite.
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)

    objects = MunicipalScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("resultatkontrakt")
        verbose_name_plural = _("resultatkontrakter")
        ordering = ["municipality__name", "cluster__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "cluster"], name="uniq_contract_municipality_cluster"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def version_on(self, day: date) -> ContractVersion | None:
        """The version in force on a day (the latest that started on or before it)."""
        version = self.versions.filter(valid_from__lte=day).order_by("-valid_from").first()
        if version is None or (version.valid_until and version.valid_until < day):
            return None
        return version


# A version's terms: what a new version carries over from the one before unless changed.
VERSION_TERMS = (
    "valid_until",
    "tariff_job_started",
    "tariff_retained_13",
    "tariff_retained_26",
    "tariff_retained_52",
    "tariff_ebitda_growth",
    "fixed_part",
    "cap_total",
    "cap_per_citizen",
    "count_practice",
    "deadweight_share",
    "min_hours_per_week",
    "retention_mode",
)


class ContractVersion(models.Model):
    """The contract's terms from a date. A change is a new version, never an edit."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="versions")
    valid_from = models.DateField(_("gælder fra"))
    valid_until = models.DateField(_("gælder til og med"), null=True, blank=True)
    tariff_job_started = money_field(_("takst: lønnet job påbegyndt (kr.)"), default=Decimal(0))
    tariff_retained_13 = money_field(_("takst: fastholdt 13 uger (kr.)"), default=Decimal(0))
    tariff_retained_26 = money_field(_("takst: fastholdt 26 uger (kr.)"), default=Decimal(0))
    tariff_retained_52 = money_field(_("takst: fastholdt 52 uger (kr.)"), default=Decimal(0))
    tariff_ebitda_growth = money_field(_("takst: EBITDA-vækst (kr.)"), default=Decimal(0))
    fixed_part = money_field(_("fast del (kr.)"), default=Decimal(0))
    cap_total = money_field(_("loft for kontrakten (kr.)"), null=True, blank=True)
    cap_per_citizen = money_field(_("loft pr. deltager (kr.)"), null=True, blank=True)
    count_practice = models.BooleanField(_("praktik tæller med"), default=False)
    deadweight_share = models.DecimalField(
        _("dødvægt (andel)"),
        max_digits=5,
        decimal_places=4,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("Andelen af resultaterne, der antages at ske alligevel (0–1)."),
    )
    min_hours_per_week = models.DecimalField(
        _("mindst timer om ugen for lønnet job"),
        max_digits=4,
        decimal_places=1,
        default=Decimal(15),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal(60))],
    )
    retention_mode = models.CharField(
        _("fastholdelse"),
        max_length=20,
        choices=RetentionMode.choices,
        default=RetentionMode.CONTINUOUS,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ContractVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("kontraktversion")
        verbose_name_plural = _("kontraktversioner")
        ordering = ["contract", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "valid_from"], name="uniq_contract_version_from"
            ),
            models.CheckConstraint(
                condition=Q(deadweight_share__gte=0) & Q(deadweight_share__lte=1),
                name="contract_deadweight_0_to_1",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="contract_version_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract} fra {self.valid_from:%d.%m.%Y}"

    def clean(self) -> None:
        super().clean()
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("Slutdatoen kan ikke ligge før startdatoen.")})

    def tariff_for(self, kind: str) -> Decimal:
        return {
            OutcomeKind.JOB_STARTED: self.tariff_job_started,
            OutcomeKind.RETAINED_13: self.tariff_retained_13,
            OutcomeKind.RETAINED_26: self.tariff_retained_26,
            OutcomeKind.RETAINED_52: self.tariff_retained_52,
            OutcomeKind.EBITDA_GROWTH: self.tariff_ebitda_growth,
            OutcomeKind.FIXED: self.fixed_part,
        }[kind]


# --- Outcomes ------------------------------------------------------------------------------


class OutcomeKind(models.TextChoices):
    JOB_STARTED = "job_started", _("Lønnet job påbegyndt")
    RETAINED_13 = "retained_13", _("Fastholdt 13 uger")
    RETAINED_26 = "retained_26", _("Fastholdt 26 uger")
    RETAINED_52 = "retained_52", _("Fastholdt 52 uger")
    EBITDA_GROWTH = "ebitda_growth", _("Virksomhedens EBITDA-vækst")
    FIXED = "fixed", _("Fast del")


RETENTION_KINDS = {
    13: OutcomeKind.RETAINED_13,
    26: OutcomeKind.RETAINED_26,
    52: OutcomeKind.RETAINED_52,
}


class OutcomeStatus(models.TextChoices):
    ACCRUED = "accrued", _("Optjent")
    REVERSED = "reversed", _("Tilbageført")


class Outcome(models.Model):
    """One result under a contract (e.g. citizen 12 retained 13 weeks), with its evidence.

    `subject` names what the outcome is about ("citizen:12", "company:5"); an outcome exists
    once per contract, kind and subject, and the ledger accrues it at most once net.
    """

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="outcomes")
    kind = models.CharField(_("resultat"), max_length=20, choices=OutcomeKind.choices)
    subject = models.CharField(max_length=40)
    # Kept for five years even when the citizen's personal data are anonymised: id only.
    citizen = models.ForeignKey(
        Citizen, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    achieved_on = models.DateField(_("opnået"))
    evidence = models.JSONField(_("dokumentation"), default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=OutcomeStatus.choices, default=OutcomeStatus.ACCRUED
    )
    detected_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("resultat")
        verbose_name_plural = _("resultater")
        ordering = ["-achieved_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "kind", "subject"], name="uniq_outcome_contract_kind_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.subject_label})"

    @property
    def subject_label(self) -> str:
        if self.citizen_id:
            return f"D-{self.citizen_id:06d}"
        if self.company_id:
            return f"V-{self.company_id:06d}"
        return str(_("kontrakt"))

    @property
    def evidence_dates(self) -> list[date]:
        return sorted({date.fromisoformat(day) for day in self.evidence.get("dates", [])})


# --- The ledger ----------------------------------------------------------------------------


class EntryKind(models.TextChoices):
    ACCRUAL = "accrual", _("Optjening")
    INVOICE = "invoice", _("Faktura")
    PAYMENT = "payment", _("Betaling")
    REVERSAL = "reversal", _("Tilbageførsel")


class AppendOnlyError(Exception):
    """A ledger row was about to be changed or deleted."""


class LedgerQuerySet(MunicipalScopedQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The ledger is append-only: rows are never updated.")

    def delete(self):
        raise AppendOnlyError("The ledger is append-only: rows are never deleted.")

    # A bulk write of rows that are not chained would break the hash chain.
    def bulk_create(self, *args, **kwargs):
        raise AppendOnlyError("Ledger rows are appended, chained, by pbr.services.")

    def append_chained(self, entries: list[LedgerEntry]) -> list[LedgerEntry]:
        """Insert rows pbr.services has chained in order under the ledger lock (each with its
        number, the previous row's hash, its own hash and its seal), with one COPY."""
        fields = [f.attname for f in self.model._meta.concrete_fields if not f.primary_key]
        rows = [[entry.__dict__[name] for name in fields] for entry in entries]
        ids = bulk.insert_rows(self.model, rows, ids=True, columns=fields)
        for entry, pk in zip(entries, ids, strict=True):
            entry.__dict__["id"] = pk
            entry._state.adding, entry._state.db = False, self.db
        return entries

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("The ledger is append-only: rows are never updated.")


class LedgerEntry(models.Model):
    """One append-only ledger row, DKK with øre.

    `amount` is the row's effect on what the municipality owes: accruals positive, reversals
    and payments negative. An invoice asks for money already accrued; its amount is the sum
    invoiced and it leaves the balance as it is.
    """

    seq = models.PositiveBigIntegerField(_("løbenummer"), unique=True, editable=False)
    kind = models.CharField(_("type"), max_length=20, choices=EntryKind.choices)
    booked_on = models.DateField(_("bogført"))
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommune"), on_delete=models.PROTECT, related_name="+"
    )
    contract = models.ForeignKey(
        Contract, verbose_name=_("kontrakt"), on_delete=models.PROTECT, related_name="entries"
    )
    outcome = models.ForeignKey(
        Outcome, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    # By id only; never personal data. PROTECT keeps the row when personal data are shredded.
    citizen = models.ForeignKey(
        Citizen, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    # The accrual round of an outcome: 0 first, 1 after a reversal and a new accrual, …
    cycle = models.PositiveIntegerField(default=0)
    gross_amount = money_field(_("takst"), default=Decimal(0))
    deadweight_amount = money_field(_("dødvægt"), default=Decimal(0))
    capped_amount = money_field(_("fratrukket pga. loft"), default=Decimal(0))
    amount = money_field(_("beløb"))
    memo = models.CharField(_("tekst"), max_length=300, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prev_hash = models.CharField(max_length=64, unique=True, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)
    # The head (seq, hash) under the ledger key, which the database does not hold (pbr/seal.py).
    seal = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("posteringer")
        verbose_name_plural = _("posteringer")
        ordering = ["-seq"]
        constraints = [
            # The same outcome is accrued once per round, whatever races.
            models.UniqueConstraint(
                fields=["outcome", "cycle"],
                condition=Q(kind="accrual"),
                name="uniq_ledger_accrual_per_outcome_cycle",
            ),
            models.CheckConstraint(
                condition=~Q(kind="reversal") | Q(reverses__isnull=False),
                name="ledger_reversal_has_entry",
            ),
            models.CheckConstraint(
                condition=~Q(kind="accrual") | Q(amount__gte=0),
                name="ledger_accrual_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(kind="payment") | Q(amount__lte=0),
                name="ledger_payment_not_positive",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "kind", "booked_on"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_kind_display()} {self.amount}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The ledger is append-only: rows are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The ledger is append-only: rows are never deleted.")

    @property
    def audit_label(self) -> str:
        return f"Postering #{self.seq}"

    def canonical(self) -> str:
        """The row's content as hashed: every field that means something, in a fixed form
        (JSON with sorted keys and no spaces)."""
        return _CANONICAL % (
            _json_text(f"{self.amount:.2f}"),
            _json_text(self.booked_on.isoformat()),
            _json_text(f"{self.capped_amount:.2f}"),
            _json_value(self.citizen_id),
            _json_value(self.contract_id),
            _json_text(_utc_text(self.created_at)),
            _json_value(self.created_by_id),
            _json_value(self.cycle),
            _json_text(f"{self.deadweight_amount:.2f}"),
            _json_text(f"{self.gross_amount:.2f}"),
            _json_value(self.idempotency_key),
            _json_value(self.kind),
            _json_value(self.memo),
            _json_value(self.municipality_id),
            _json_value(self.outcome_id),
            _json_value(self.prev_hash),
            _json_value(self.reverses_id),
            _json_value(self.seq),
        )

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical().encode()).hexdigest()


# What LedgerEntry.canonical hashes: the JSON that json.dumps(..., sort_keys=True,
# separators=(",", ":")) writes of these keys, built without the encoder's generic walk (a
# detection run hashes thousands of rows). tests/pbr/test_ledger.py holds it to json.dumps.
CANONICAL_KEYS = (
    "amount",
    "booked_on",
    "capped_amount",
    "citizen",
    "contract",
    "created_at",
    "created_by",
    "cycle",
    "deadweight_amount",
    "gross_amount",
    "idempotency_key",
    "kind",
    "memo",
    "municipality",
    "outcome",
    "prev_hash",
    "reverses",
    "seq",
)
_CANONICAL = "{" + ",".join(f'"{key}":%s' for key in CANONICAL_KEYS) + "}"
_json_text = encode_basestring_ascii


def _json_value(value: int | str | None) -> str:
    """An id, a number or a text as json.dumps writes it."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return encode_basestring_ascii(value)
    return int.__repr__(value)


@lru_cache(maxsize=64)
def _utc_text(moment) -> str:
    """A moment in UTC to the microsecond (a run's rows share theirs)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- Four eyes: invoices and payments proposed by one controller, approved by another ---------


# The ledger rows that move money in or out and so need a second controller (ASVS 4.3.3).
PROPOSED_KINDS = (EntryKind.INVOICE, EntryKind.PAYMENT)


class LedgerProposal(models.Model):
    """An invoice or a payment one controller proposes; it is booked in the ledger only when
    another controller approves it, and then points at the row it became."""

    kind = models.CharField(
        _("type"),
        max_length=20,
        choices=[(kind.value, kind.label) for kind in PROPOSED_KINDS],
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommune"), on_delete=models.PROTECT, related_name="+"
    )
    contract = models.ForeignKey(
        Contract, verbose_name=_("kontrakt"), on_delete=models.PROTECT, related_name="proposals"
    )
    booked_on = models.DateField(_("bogføringsdato"))
    # A payment: the sum received. An invoice: the sum to invoice when it was proposed; the
    # approval books it only while that is still the sum.
    amount = money_field(_("beløb"))
    memo = models.CharField(_("tekst"), max_length=300, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Decision.choices,
        default=Decision.PENDING,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("foreslået af"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("foreslået"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("behandlet af"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("behandlet"), null=True, blank=True)
    reason = models.CharField(_("begrundelse for afvisning"), max_length=300, blank=True)
    # The ledger row it became, by its number: a foreign key would make the append-only
    # ledger a table others depend on (its TRUNCATE guard must stay the one that answers).
    entry_seq = models.PositiveBigIntegerField(_("postering"), null=True, blank=True, unique=True)

    objects = MunicipalScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("forslag til postering")
        verbose_name_plural = _("forslag til posteringer")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[kind.value for kind in PROPOSED_KINDS]),
                name="ledger_proposal_kind",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(entry_seq__isnull=False),
                name="ledger_proposal_approved_has_entry",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_by__isnull=False),
                name="ledger_proposal_decided_has_decider",
            ),
            # The database, too, refuses an approval by the one who proposed.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("proposed_by")),
                name="ledger_proposal_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def audit_label(self) -> str:
        return f"Forslag til postering #{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status == Decision.PENDING


# --- Business case -------------------------------------------------------------------------


# The programme started in 2018: the business case values weeks from then on.
PROGRAMME_START = date(2018, 1, 1)


class BenefitRate(models.Model):
    """The weekly rate of a benefit type from a date (a new row for a new rate)."""

    benefit = models.CharField(_("ydelse"), max_length=40, choices=Benefit.choices)
    valid_from = models.DateField(_("gælder fra"))
    weekly_rate = money_field(_("ugentlig sats (kr.)"), validators=[MinValueValidator(0)])
    # An illustrative rate (seeded for the demo or an imported sample), not a decided one:
    # the screens and the business case say so until the controller replaces it.
    is_example = models.BooleanField(_("eksempel"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)

    objects = BenefitRateQuerySet.as_manager()

    class Meta:
        verbose_name = _("ydelsessats")
        verbose_name_plural = _("ydelsessatser")
        ordering = ["benefit", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["benefit", "valid_from"], name="uniq_benefit_rate"),
            models.CheckConstraint(condition=Q(weekly_rate__gte=0), name="benefit_rate_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.get_benefit_display()} fra {self.valid_from:%d.%m.%Y}"


class SavingBand(models.Model):
    """From `min_hours` worked a week, this share of the benefit is saved (dated table)."""

    valid_from = models.DateField(_("gælder fra"))
    min_hours = models.DecimalField(_("fra timer om ugen"), max_digits=4, decimal_places=1)
    share_saved = models.DecimalField(
        _("andel af ydelsen sparet"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    is_example = models.BooleanField(_("eksempel"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)

    objects = BenefitRateQuerySet.as_manager()

    class Meta:
        verbose_name = _("besparelsesinterval")
        verbose_name_plural = _("besparelsesintervaller")
        ordering = ["-valid_from", "min_hours"]
        constraints = [
            models.UniqueConstraint(fields=["valid_from", "min_hours"], name="uniq_saving_band"),
            models.CheckConstraint(
                condition=Q(share_saved__gte=0) & Q(share_saved__lte=1),
                name="saving_band_share_0_to_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.min_hours} t/uge: {self.share_saved}"


class ContractTarget(models.Model):
    """How many outcomes of each kind a contract aims at in a year: the planned payments."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField(
        _("år"), validators=[MinValueValidator(PROGRAMME_START.year), MaxValueValidator(2100)]
    )
    job_started = models.PositiveIntegerField(OutcomeKind.JOB_STARTED.label, default=0)
    retained_13 = models.PositiveIntegerField(OutcomeKind.RETAINED_13.label, default=0)
    retained_26 = models.PositiveIntegerField(OutcomeKind.RETAINED_26.label, default=0)
    retained_52 = models.PositiveIntegerField(OutcomeKind.RETAINED_52.label, default=0)
    ebitda_growth = models.PositiveIntegerField(OutcomeKind.EBITDA_GROWTH.label, default=0)
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)

    objects = ContractVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("resultatmål")
        verbose_name_plural = _("resultatmål")
        ordering = ["contract", "year"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "year"], name="uniq_contract_target_year")
        ]

    def __str__(self) -> str:
        return f"{self.contract} {self.year}"

    def counts(self) -> dict[str, int]:
        """The target per outcome kind."""
        return {kind: getattr(self, kind) for kind in TARGET_KINDS}


# The kinds a contract sets yearly targets for (the fixed part is planned once, at the start).
TARGET_KINDS = (
    OutcomeKind.JOB_STARTED,
    OutcomeKind.RETAINED_13,
    OutcomeKind.RETAINED_26,
    OutcomeKind.RETAINED_52,
    OutcomeKind.EBITDA_GROWTH,
)
