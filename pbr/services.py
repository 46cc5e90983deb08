"""Every write of payment by results: contracts, the ledger and outcome detection.

The ledger is appended under a ledger-wide lock, so the hash chain stays a single line and
two workers that race for the same outcome are served one after the other: the second finds
the first's row by its idempotency key (and the database's unique constraints stop anything
that slips past). A detection run books all its rows at once under that lock: chained in
order in memory, written with one COPY.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from participants.models import Benefit
from partnerships.models import Cluster, Municipality, User
from siv import audit, bulk, limits
from siv.models import AuditAction, Decision
from siv.permissions import has_perm

from . import seal, selectors
from .models import (
    GENESIS_HASH,
    PROGRAMME_START,
    VERSION_TERMS,
    BenefitRate,
    Contract,
    ContractTarget,
    ContractVersion,
    EntryKind,
    LedgerEntry,
    LedgerProposal,
    Outcome,
    OutcomeKind,
    OutcomeStatus,
    SavingBand,
    money,
)

LEDGER_LOCK_ID = 7_460_221  # any constant: the advisory lock that serialises ledger appends
ASSUMPTIONS_LOCK_ID = 7_460_222  # the same for the business case's rates and bands
ZERO = Decimal("0.00")
# What makes two writes under one idempotency key "the same write".
CONTENT_FIELDS = (
    "kind",
    "booked_on",
    "municipality_id",
    "contract_id",
    "outcome_id",
    "citizen_id",
    "reverses_id",
    "cycle",
    "amount",
    "memo",
)


class IdempotencyConflict(ValidationError):
    """The key was used before for a write with different content."""


# --- Contracts -----------------------------------------------------------------------------


def contract_create(
    *,
    municipality: Municipality,
    cluster: Cluster,
    by: User | None,
    valid_from: date,
    name: str = "",
    **terms: Any,
) -> Contract:
    with transaction.atomic():
        contract = audit.save_and_record(
            obj=Contract(),
            by=by,
            changes={
                "municipality": municipality,
                "cluster": cluster,
                "name": name or f"{municipality.name}, klynge {cluster.number}",
            },
        )
        _version_save(contract=contract, by=by, valid_from=valid_from, terms=terms)
    return contract


def contract_version_add(
    *,
    contract: Contract,
    by: User | None,
    valid_from: date,
    based_on: int | None = None,
    **terms: Any,
) -> ContractVersion:
    """New terms from a date. The past is never edited: the date must lie after the latest
    version's start and not before today. `based_on` is the latest version the form showed
    (its terms prefill the form): a version someone added since is a conflict, never undone
    by terms copied from the one before it."""
    with transaction.atomic():
        # Two writers of one contract take turns, so the second sees the first's version.
        _lock_contract(contract.pk)
        latest = contract.versions.order_by("-valid_from").first()
        if based_on is not None and (latest is None or latest.pk != based_on):
            raise ValidationError(
                _(
                    "Kontrakten har fået en ny version, siden du åbnede formularen (gælder fra "
                    "%(day)s). Åbn formularen igen, så du bygger på de gældende vilkår."
                )
                % {"day": f"{latest.valid_from:%d.%m.%Y}" if latest else "–"},
                code="stale",
            )
        if latest is not None and valid_from <= latest.valid_from:
            raise ValidationError(
                {"valid_from": _("En ny version skal gælde fra en dato efter den seneste version.")}
            )
        if valid_from < timezone.localdate():
            raise ValidationError(
                {"valid_from": _("En ny version kan ikke gælde fra en dato i fortiden.")}
            )
        if latest is not None:
            # Terms not given carry over from the version before.
            terms = {name: terms.get(name, getattr(latest, name)) for name in VERSION_TERMS}
        return _version_save(contract=contract, by=by, valid_from=valid_from, terms=terms)


def _version_save(
    *, contract: Contract, by: User | None, valid_from: date, terms: dict
) -> ContractVersion:
    unknown = set(terms) - set(VERSION_TERMS)
    if unknown:
        raise TypeError(f"Unknown contract terms: {sorted(unknown)}")
    return audit.save_and_record(
        obj=ContractVersion(contract=contract),
        by=by,
        changes={"valid_from": valid_from, "created_by": by, **terms},
        details={"valid_from": valid_from.isoformat()},
    )


# --- The ledger ----------------------------------------------------------------------------


def _lock(key: int) -> None:
    """A transaction lock that the next writer under the same key waits for."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _lock_ledger() -> None:
    """Serialise ledger appends."""
    _lock(LEDGER_LOCK_ID)


def _content(entry: LedgerEntry) -> dict:
    return {name: getattr(entry, name) for name in CONTENT_FIELDS}


class _Chain:
    """New ledger rows, chained in order under the ledger lock: each gets the next number,
    the hash of the row before it, its own hash and its seal. `save()` writes them all with
    one COPY and their audit rows with another, and logs their heads once committed."""

    def __init__(self, by: User | None):
        last = LedgerEntry.objects.order_by("-seq").only("seq", "hash").first()
        self.seq, self.hash = (last.seq, last.hash) if last else (0, GENESIS_HASH)
        self.by = by
        self.created_at = timezone.now()
        self.entries: list[LedgerEntry] = []

    def add(self, entry: LedgerEntry) -> LedgerEntry:
        self.seq += 1
        entry.created_by = self.by
        values = entry.__dict__
        values["seq"], values["prev_hash"] = self.seq, self.hash
        values["created_at"] = self.created_at
        values["hash"] = self.hash = entry.compute_hash()
        values["seal"] = seal.seal(self.seq, self.hash)
        self.entries.append(entry)
        return entry

    def save(self) -> list[LedgerEntry]:
        if not self.entries:
            return []
        LedgerEntry.objects.append_chained(self.entries)
        audit.record_many(
            AuditAction.CREATE,
            actor=self.by,
            about=[(e, {"kind": e.kind, "amount": str(e.amount)}) for e in self.entries],
        )
        heads = [seal.Head(e.seq, e.hash, e.seal) for e in self.entries]
        transaction.on_commit(lambda: seal.append_heads(heads))
        return self.entries


def ledger_append(*, idempotency_key: str, by: User | None = None, **fields: Any) -> LedgerEntry:
    """Append one row to the chain; the same key with the same content returns the first row,
    the same key with other content is refused."""
    if not idempotency_key:
        raise ValidationError({"idempotency_key": _("Hver postering skal have en nøgle.")})
    fields["amount"] = money(fields["amount"])
    for name in ("gross_amount", "deadweight_amount", "capped_amount"):
        fields[name] = money(fields.get(name, ZERO))
    with transaction.atomic():
        _lock_ledger()
        candidate = LedgerEntry(idempotency_key=idempotency_key, created_by=by, **fields)
        existing = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if _content(existing) != _content(candidate):
                raise IdempotencyConflict(
                    _("Nøglen er allerede brugt til en anden postering."), code="idempotency"
                )
            return existing
        chain = _Chain(by)
        chain.add(candidate)
        # The lock and the key lookup above stand in for the unique checks.
        limits.full_clean(candidate, validate_unique=False, validate_constraints=False)
        chain.save()
        return candidate


class _Accruals:
    """The accrual rows of outcomes, in the order they are booked: tariff, less deadweight,
    up to the caps per citizen and per contract, which each row uses up as it is booked."""

    def __init__(self, contract_ids: Iterable[int]):
        # What is accrued (net) so far per contract and per citizen under it.
        self.by_contract: dict[int, Decimal] = defaultdict(lambda: ZERO)
        self.by_citizen: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
        self.terms: dict[tuple[int, str], tuple[Decimal, Decimal, str]] = {}
        self.booked_on = timezone.localdate()
        rows = (
            LedgerEntry.objects.filter(
                contract_id__in=list(contract_ids),
                kind__in=(EntryKind.ACCRUAL, EntryKind.REVERSAL),
            )
            .values_list("contract_id", "citizen_id")
            .annotate(net=Sum("amount"))
            .order_by()
        )
        for contract_id, citizen_id, net in rows:
            self.by_contract[contract_id] += net
            if citizen_id:
                self.by_citizen[contract_id, citizen_id] += net

    def entry(self, *, outcome: Outcome, version: ContractVersion, cycle: int) -> LedgerEntry:
        """The accrual of `outcome` in round `cycle` under `version`, not yet chained."""
        gross, deadweight, memo = self._terms(version, outcome.kind)
        net = gross - deadweight
        room = net
        contract_id, citizen_id = outcome.contract_id, outcome.citizen_id
        if version.cap_per_citizen is not None and citizen_id:
            used = self.by_citizen[contract_id, citizen_id]
            room = min(room, max(ZERO, version.cap_per_citizen - used))
        if version.cap_total is not None:
            room = min(room, max(ZERO, version.cap_total - self.by_contract[contract_id]))
        self.by_contract[contract_id] += room
        if citizen_id:
            self.by_citizen[contract_id, citizen_id] += room
        # Built as the model's __init__ would, without its field-by-field walk (thousands a
        # run); `_Chain.add` fills in the chain's fields.
        values = {
            "id": None,
            "seq": None,
            "kind": EntryKind.ACCRUAL.value,
            "booked_on": self.booked_on,
            "municipality_id": outcome.contract.municipality_id,
            "contract_id": contract_id,
            "outcome_id": outcome.pk,
            "citizen_id": citizen_id,
            "reverses_id": None,
            "cycle": cycle,
            "gross_amount": gross,
            "deadweight_amount": deadweight,
            "capped_amount": net - room,
            "amount": room,
            "memo": memo,
            "idempotency_key": f"accrual:outcome:{outcome.pk}:cycle:{cycle}",
            "created_at": None,
            "created_by_id": None,
            "prev_hash": "",
            "hash": "",
            "seal": "",
        }
        return bulk.instance(LedgerEntry, values, saved=False, outcome=outcome)

    def _terms(self, version: ContractVersion, kind: str) -> tuple[Decimal, Decimal, str]:
        """A kind's tariff and deadweight under a version, and its memo: the same for every
        outcome of the kind, so worked out once."""
        key = (version.pk, kind)
        if key not in self.terms:
            gross = money(version.tariff_for(kind))
            deadweight = (
                ZERO if kind == OutcomeKind.FIXED else money(gross * version.deadweight_share)
            )
            self.terms[key] = (gross, deadweight, str(OutcomeKind(kind).label))
        return self.terms[key]


def ledger_accrue(*, outcome: Outcome, by: User | None = None) -> LedgerEntry | None:
    """Accrue an outcome at its tariff, less deadweight, up to the caps. None when it is
    accrued already (net) or no contract version covers its date."""
    with transaction.atomic():
        _lock_ledger()
        counts = outcome.entries.aggregate(
            accruals=Count("pk", filter=Q(kind=EntryKind.ACCRUAL)),
            reversals=Count("pk", filter=Q(kind=EntryKind.REVERSAL)),
        )
        if counts["accruals"] > counts["reversals"]:
            return None
        version = outcome.contract.version_on(outcome.achieved_on)
        if version is None:
            return None
        entry = _Accruals([outcome.contract_id]).entry(
            outcome=outcome, version=version, cycle=counts["reversals"]
        )
        return ledger_append(by=by, **_fields(entry))


def _reversal(entry: LedgerEntry, memo: str = "") -> LedgerEntry:
    """The row that nets an accrual to zero, not yet chained."""
    return LedgerEntry(
        idempotency_key=f"reversal:entry:{entry.pk}",
        kind=EntryKind.REVERSAL,
        booked_on=timezone.localdate(),
        municipality_id=entry.municipality_id,
        contract_id=entry.contract_id,
        outcome_id=entry.outcome_id,
        citizen_id=entry.citizen_id,
        reverses_id=entry.pk,
        cycle=entry.cycle,
        amount=-entry.amount,
        memo=memo or _("Dokumentationen holder ikke længere"),
    )


def _fields(entry: LedgerEntry) -> dict:
    """An unchained row's content, as `ledger_append` takes it."""
    return {
        "idempotency_key": entry.idempotency_key,
        "gross_amount": entry.gross_amount,
        "deadweight_amount": entry.deadweight_amount,
        "capped_amount": entry.capped_amount,
        **_content(entry),
    }


def ledger_reverse(*, entry: LedgerEntry, by: User | None = None, memo: str = "") -> LedgerEntry:
    """Net an accrual to zero with a reversing row (never an edit)."""
    if entry.kind != EntryKind.ACCRUAL:
        raise ValidationError(_("Kun optjeninger kan tilbageføres."))
    return ledger_append(by=by, **_fields(_reversal(entry, memo)))


def _net_accrued(**lookup: Any) -> Decimal:
    return LedgerEntry.objects.filter(
        kind__in=(EntryKind.ACCRUAL, EntryKind.REVERSAL), **lookup
    ).aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]


def invoiceable(contract: Contract) -> Decimal:
    """What is accrued (net) on the contract and not invoiced yet."""
    invoiced = LedgerEntry.objects.filter(contract=contract, kind=EntryKind.INVOICE).aggregate(
        total=Coalesce(Sum("amount"), ZERO)
    )["total"]
    return _net_accrued(contract=contract) - invoiced


def invoice_issue(
    *,
    contract: Contract,
    by: User | None,
    booked_on: date,
    idempotency_key: str,
    expected: Decimal | None = None,
) -> LedgerEntry:
    """Invoice what is accrued (net) and not invoiced yet; a negative sum is a credit note.
    With `expected` (the sum a controller approved), any other sum is refused.

    Staff book invoices and payments through a proposal another controller approves
    (`ledger_proposal_approve`), never by calling this directly."""
    with transaction.atomic():
        _lock_ledger()
        amount = invoiceable(contract)
        existing = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            amount = existing.amount if existing.kind == EntryKind.INVOICE else amount
        elif amount == 0:
            raise ValidationError(_("Der er intet nyt at fakturere på kontrakten."))
        elif expected is not None and amount != expected:
            raise ValidationError(
                _(
                    "Kontrakten har nu %(now)s kr. at fakturere, ikke %(proposed)s kr. som "
                    "foreslået. Afvis forslaget, og foreslå fakturaen igen."
                )
                % {"now": _kroner(amount), "proposed": _kroner(expected)}
            )
        return ledger_append(
            idempotency_key=idempotency_key,
            by=by,
            kind=EntryKind.INVOICE,
            booked_on=booked_on,
            municipality_id=contract.municipality_id,
            contract_id=contract.pk,
            amount=amount,
            memo=_("Faktura"),
        )


def payment_register(
    *,
    contract: Contract,
    by: User | None,
    amount: Decimal,
    booked_on: date,
    idempotency_key: str,
    memo: str = "",
) -> LedgerEntry:
    if amount <= 0:
        raise ValidationError({"amount": _("Beløbet skal være større end 0.")})
    return ledger_append(
        idempotency_key=idempotency_key,
        by=by,
        kind=EntryKind.PAYMENT,
        booked_on=booked_on,
        municipality_id=contract.municipality_id,
        contract_id=contract.pk,
        amount=-money(amount),
        memo=memo or _("Indbetaling"),
    )


# --- Four eyes: a second controller approves invoices and payments --------------------------


def _kroner(amount: Decimal) -> str:
    return formats.number_format(amount, 2, use_l10n=True, force_grouping=True)


def ledger_propose(
    *,
    contract: Contract,
    by: User,
    kind: str,
    booked_on: date,
    idempotency_key: str,
    amount: Decimal | None = None,
    memo: str = "",
) -> LedgerProposal:
    """Propose an invoice (of what is invoiceable now) or a payment (of `amount`) on the
    contract. Nothing is booked until another controller approves it. The same key twice (a
    double submit) returns the first proposal."""
    if not has_perm(by, "ledger.write"):
        raise ValidationError(_("Kun en controller kan foreslå posteringer."))
    existing = LedgerProposal.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    if kind == EntryKind.INVOICE:
        if contract.proposals.filter(kind=EntryKind.INVOICE, status=Decision.PENDING).exists():
            raise ValidationError(
                _("En faktura på kontrakten venter allerede på godkendelse; behandl den først.")
            )
        amount = invoiceable(contract)
        if amount == 0:
            raise ValidationError(_("Der er intet nyt at fakturere på kontrakten."))
        memo = memo or _("Faktura")
    elif kind == EntryKind.PAYMENT:
        if amount is None or amount <= 0:
            raise ValidationError({"amount": _("Beløbet skal være større end 0.")})
        memo = memo or _("Indbetaling")
    else:
        raise ValidationError(_("Kun fakturaer og betalinger foreslås til godkendelse."))
    changes = {
        "kind": kind,
        "municipality": contract.municipality,
        "contract": contract,
        "booked_on": booked_on,
        "amount": money(amount),
        "memo": memo,
        "idempotency_key": idempotency_key,
        "proposed_by": by,
    }
    try:
        # The key's unique check is the database's: two submits at once meet there.
        return audit.save_and_record(obj=LedgerProposal(), by=by, changes=changes)
    except IntegrityError:
        return LedgerProposal.objects.get(idempotency_key=idempotency_key)


def _locked_for_decision(proposal: LedgerProposal, by: User) -> LedgerProposal:
    """The proposal, locked, when `by` may decide it now: another controller than the one who
    proposed it, while it is still pending."""
    if not has_perm(by, "ledger.write"):
        raise ValidationError(_("Kun en controller kan godkende eller afvise posteringer."))
    proposal = LedgerProposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_pending:
        raise ValidationError(
            _("Forslaget er allerede behandlet: %(status)s af %(user)s.")
            % {
                "status": proposal.get_status_display().lower(),
                "user": proposal.decided_by.get_username(),
            },
            code="decided",
        )
    if proposal.proposed_by_id == by.pk:
        raise ValidationError(
            _("Du har selv foreslået posteringen; en anden controller skal godkende den."),
            code="own",
        )
    return proposal


def _decided(proposal: LedgerProposal, by: User, status: str, **outcome: Any) -> LedgerProposal:
    changes = {"status": status, "decided_by": by, "decided_at": timezone.now(), **outcome}
    return audit.save_and_record(obj=proposal, by=by, changes=changes)


def ledger_proposal_approve(*, proposal: LedgerProposal, by: User) -> LedgerEntry:
    """Book the proposed invoice or payment in the ledger, as approved by `by`."""
    with transaction.atomic():
        proposal = _locked_for_decision(proposal, by)
        key = f"proposal:{proposal.pk}"
        if proposal.kind == EntryKind.INVOICE:
            entry = invoice_issue(
                contract=proposal.contract,
                by=by,
                booked_on=proposal.booked_on,
                idempotency_key=key,
                expected=proposal.amount,
            )
        else:
            entry = payment_register(
                contract=proposal.contract,
                by=by,
                amount=proposal.amount,
                booked_on=proposal.booked_on,
                memo=proposal.memo,
                idempotency_key=key,
            )
        _decided(proposal, by, Decision.APPROVED, entry_seq=entry.seq)
        return entry


def ledger_proposal_reject(*, proposal: LedgerProposal, by: User, reason: str) -> LedgerProposal:
    """Turn the proposal down with a reason; nothing is booked."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv, hvorfor forslaget afvises.")})
    with transaction.atomic():
        proposal = _locked_for_decision(proposal, by)
        return _decided(proposal, by, Decision.REJECTED, reason=reason)


@dataclass
class LedgerCheck:
    """What `verify_ledger` found: the chain, the entries' seals and the head log."""

    entries: int = 0
    # The first entry whose content, link to the one before, or seal does not verify.
    broken: LedgerEntry | None = None
    # Entries the head log has seen that the ledger no longer holds (cut short, truncated,
    # or an older backup restored).
    missing: int = 0
    # The newest entry the head log has seen; the entries after it (committed a moment
    # before a crash, say) are not yet in it.
    logged_up_to: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return self.broken is None and not self.problems


def ledger_verify() -> LedgerCheck:
    """Walk the chain in order, check each entry's seal, and hold the ledger against the
    heads logged outside the database (pbr/seal.py)."""
    check = LedgerCheck()
    previous, hashes = GENESIS_HASH, {}
    for entry in LedgerEntry.objects.order_by("seq").iterator(chunk_size=2000):
        check.entries += 1
        hashes[entry.seq] = entry.hash
        if check.broken is None and (
            entry.prev_hash != previous
            or entry.compute_hash() != entry.hash
            or not seal.is_sealed(entry.seq, entry.hash, entry.seal)
        ):
            check.broken = entry
        previous = entry.hash
    if check.broken is not None:
        check.problems.append(
            f"Ledger entry #{check.broken.seq} (id {check.broken.pk}) does not verify: its "
            "content, its link to the previous entry or its seal has changed."
        )
    heads = seal.read_heads()
    if check.entries and not heads:
        check.problems.append(f"The head log {seal.head_log()} is missing or empty.")
    last = max(hashes, default=0)
    for head in heads:
        if not seal.is_sealed(head.seq, head.hash, head.seal):
            check.problems.append(f"The head log's line for #{head.seq} has no valid seal.")
        elif head.seq > last:
            check.missing = max(check.missing, head.seq - last)
        elif hashes.get(head.seq) != head.hash:
            check.problems.append(f"Ledger entry #{head.seq} is not the one the head log saw.")
        check.logged_up_to = max(check.logged_up_to, head.seq)
    if check.missing:
        check.problems.append(
            f"{check.missing} {'entry' if check.missing == 1 else 'entries'} missing: the head "
            f"log has seen #{check.logged_up_to}, the ledger ends at #{last}."
        )
    return check


# --- Outcome detection ---------------------------------------------------------------------


@dataclass
class DetectionReport:
    accrued: list[LedgerEntry] = field(default_factory=list)
    reversed: list[LedgerEntry] = field(default_factory=list)

    def merge(self, other: DetectionReport) -> None:
        self.accrued.extend(other.accrued)
        self.reversed.extend(other.reversed)


def detect_contract(
    *, contract: Contract, as_of: date | None = None, by: User | None = None
) -> DetectionReport:
    """Bring the contract's outcomes and ledger in line with the recorded data. Running it
    again changes nothing."""
    return _detect([contract], as_of=as_of, by=by)


def detect_outcomes(
    *,
    as_of: date | None = None,
    municipality: Municipality | None = None,
    by: User | None = None,
) -> DetectionReport:
    """Detection over every contract (of one municipality, if given) in one run."""
    contracts = Contract.objects.select_related("municipality", "cluster")
    if municipality is not None:
        contracts = contracts.filter(municipality=municipality)
    return _detect(list(contracts), as_of=as_of, by=by)


@dataclass
class _Plan:
    """What a run changes under one contract: the outcomes to accrue, in booking order, each
    with its round, and the outcomes to reverse."""

    contract: Contract
    accrue: list[tuple[Outcome, int]] = field(default_factory=list)
    reverse: list[Outcome] = field(default_factory=list)


def _detect(contracts: list[Contract], *, as_of: date | None, by: User | None) -> DetectionReport:
    """The outcomes found with one query; the outcomes, ledger rows and audit rows written
    with a fixed number of queries, whatever the number of citizens and contracts.

    The ledger is booked as the outcomes were one by one: per contract (in the contracts'
    order) its accruals by kind and subject, each using up the caps in that order, then its
    reversals of outcomes no longer held."""
    as_of = as_of or timezone.localdate()
    report = DetectionReport()
    if not contracts:
        return report
    by_pk = {contract.pk: contract for contract in contracts}
    with transaction.atomic():
        found = selectors.stage_outcomes_found(by_pk, as_of)
        _lock_ledger()
        held: dict[int, dict[tuple[str, str], Outcome]] = {pk: {} for pk in by_pk}
        for outcome in (
            Outcome.objects.filter(contract_id__in=by_pk)
            .defer("evidence")
            .annotate(
                accruals=Count("entries", filter=Q(entries__kind=EntryKind.ACCRUAL)),
                reversals=Count("entries", filter=Q(entries__kind=EntryKind.REVERSAL)),
            )
        ):
            outcome.contract = by_pk[outcome.contract_id]
            held[outcome.contract_id][outcome.kind, outcome.subject] = outcome
        created = _outcomes_create(by_pk, by)
        plans, again = [], []
        for contract in contracts:
            plan = _Plan(contract)
            plans.append(plan)
            for key, item in sorted(found[contract.pk].items()):
                outcome = held[contract.pk].get(key)
                if outcome is None:
                    plan.accrue.append((created[contract.pk, *key], 0))
                elif outcome.accruals <= outcome.reversals:
                    # Held again after a reversal: a new round, on the new evidence.
                    again.append((outcome, item))
                    plan.accrue.append((outcome, outcome.reversals))
            plan.reverse = [
                outcome
                for key, outcome in held[contract.pk].items()
                if key not in found[contract.pk] and outcome.accruals > outcome.reversals
            ]
        _outcomes_accrued_again(again, by)
        report.accrued, report.reversed = _book(plans, by)
        _outcomes_reversed([o for plan in plans for o in plan.reverse], by)
    return report


# The outcomes' columns a detection run reads back (the evidence stays in the database).
OUTCOME_FIELDS = (
    "id",
    "contract_id",
    "kind",
    "subject",
    "citizen_id",
    "company_id",
    "achieved_on",
    "status",
    "detected_at",
)
# The staged outcomes (selectors.FOUND_TABLE) a contract does not hold yet, with their evidence.
OUTCOMES_CREATE_SQL = """
INSERT INTO pbr_outcome (
    id, contract_id, kind, subject, citizen_id, company_id, achieved_on, status, detected_at,
    evidence)
SELECT nextval(pg_get_serial_sequence('pbr_outcome', 'id')),
       f.contract_id, f.kind, f.subject, f.citizen_id, f.company_id, f.achieved_on,
       %(status)s, %(now)s, f.evidence
FROM pbr_found f
WHERE NOT EXISTS (
    SELECT 1 FROM pbr_outcome o
    WHERE o.contract_id = f.contract_id AND o.kind = f.kind AND o.subject = f.subject)
RETURNING id, contract_id, kind, subject, citizen_id, company_id, achieved_on, status,
          detected_at
"""
# Outcomes held again: their stored evidence beside the staged one; then the staged date
# and evidence set.
OUTCOMES_EVIDENCE_SQL = """
SELECT o.id, o.evidence, f.evidence
FROM pbr_outcome o
JOIN pbr_found f ON f.contract_id = o.contract_id AND f.kind = o.kind AND f.subject = o.subject
WHERE o.id = ANY(%(ids)s)
"""
OUTCOMES_ACCRUE_AGAIN_SQL = """
UPDATE pbr_outcome o SET status = %(status)s, achieved_on = f.achieved_on, evidence = f.evidence
FROM pbr_found f
WHERE f.contract_id = o.contract_id AND f.kind = o.kind AND f.subject = o.subject
  AND o.id = ANY(%(ids)s)
"""


def _outcomes_create(
    contracts: dict[int, Contract], by: User | None
) -> dict[tuple[int, str, str], Outcome]:
    """The staged outcomes the contracts do not hold yet, copied with their evidence in one
    statement, by contract, kind and subject; an audit row about each."""
    with connection.cursor() as cursor:
        cursor.execute(
            OUTCOMES_CREATE_SQL, {"status": OutcomeStatus.ACCRUED, "now": timezone.now()}
        )
        rows = cursor.fetchall()
    created = {}
    for row in rows:
        # As read from the database, the evidence deferred.
        outcome = bulk.instance(
            Outcome, dict(zip(OUTCOME_FIELDS, row, strict=True)), contract=contracts[row[1]]
        )
        created[outcome.contract_id, outcome.kind, outcome.subject] = outcome
    audit.record_many(
        AuditAction.CREATE, actor=by, about=[(outcome, {}) for outcome in created.values()]
    )
    return created


def _outcomes_accrued_again(again: list[tuple[Outcome, selectors.Found]], by: User | None) -> None:
    """Set outcomes held again after a reversal to accrued, on their new date and evidence
    (copied from the staged table); an audit row about each."""
    if not again:
        return
    with connection.cursor() as cursor:
        cursor.execute(OUTCOMES_EVIDENCE_SQL, {"ids": [outcome.pk for outcome, _item in again]})
        evidence = {pk: (json.loads(old), json.loads(new)) for pk, old, new in cursor.fetchall()}
        changed = []
        for outcome, item in again:
            old, new = evidence[outcome.pk]
            details = audit.change_details(
                Outcome,
                {"status": outcome.status, "achieved_on": outcome.achieved_on, "evidence": old},
                {"status": OutcomeStatus.ACCRUED, "achieved_on": item.achieved_on, "evidence": new},
            )
            if details:
                outcome.status, outcome.achieved_on = OutcomeStatus.ACCRUED, item.achieved_on
                changed.append((outcome, details))
        cursor.execute(
            OUTCOMES_ACCRUE_AGAIN_SQL,
            {"status": OutcomeStatus.ACCRUED, "ids": [outcome.pk for outcome, _d in changed]},
        )
    audit.record_many(AuditAction.CHANGE, actor=by, about=changed)


def _book(plans: list[_Plan], by: User | None) -> tuple[list[LedgerEntry], list[LedgerEntry]]:
    """The plans' accruals and reversals, chained in order and written at once."""
    ids = [plan.contract.pk for plan in plans]
    versions: dict[int, list[ContractVersion]] = defaultdict(list)
    for version in ContractVersion.objects.filter(contract_id__in=ids).order_by("valid_from"):
        versions[version.contract_id].append(version)
    reversing = [outcome.pk for plan in plans for outcome in plan.reverse]
    open_accruals = {
        entry.outcome_id: entry
        for entry in LedgerEntry.objects.filter(
            outcome_id__in=reversing, kind=EntryKind.ACCRUAL, reversed_by__isnull=True
        ).order_by("seq")
    }
    accruals = _Accruals(ids)
    chain = _Chain(by)
    accrued, reversed_ = [], []
    for plan in plans:
        for outcome, cycle in plan.accrue:
            version = _in_force(versions[plan.contract.pk], outcome.achieved_on)
            if version is not None:
                entry = accruals.entry(outcome=outcome, version=version, cycle=cycle)
                accrued.append(chain.add(entry))
        for outcome in plan.reverse:
            entry = open_accruals.get(outcome.pk)
            if entry is not None:
                reversed_.append(chain.add(_reversal(entry)))
    chain.save()
    return accrued, reversed_


def _in_force(versions: list[ContractVersion], day: date) -> ContractVersion | None:
    """Contract.version_on for a contract's versions in hand (sorted by start)."""
    started = [version for version in versions if version.valid_from <= day]
    if not started or (started[-1].valid_until and started[-1].valid_until < day):
        return None
    return started[-1]


def _outcomes_reversed(outcomes: list[Outcome], by: User | None) -> None:
    """Set the outcomes no longer held to reversed, with an audit row about each."""
    changed = []
    for outcome in outcomes:
        details = audit.change_details(
            Outcome, {"status": outcome.status}, {"status": OutcomeStatus.REVERSED}
        )
        if details:
            outcome.status = OutcomeStatus.REVERSED
            changed.append((outcome, {"status": "reversed", **details}))
    Outcome.objects.filter(pk__in=[o.pk for o, _d in changed]).update(status=OutcomeStatus.REVERSED)
    audit.record_many(AuditAction.CHANGE, actor=by, about=changed)


# --- Business-case assumptions -------------------------------------------------------------


def _from_programme_start(valid_from: date) -> dict:
    if valid_from < PROGRAMME_START:
        return {
            "valid_from": _("Datoen kan tidligst være programmets start, %(day)s.")
            % {"day": f"{PROGRAMME_START:%d.%m.%Y}"}
        }
    return {}


def _rate_errors(rate: BenefitRate, values: dict) -> dict:
    benefit, valid_from = values["benefit"], values["valid_from"]
    errors = _from_programme_start(valid_from)
    if benefit == Benefit.NONE:
        errors["benefit"] = _("Uden ydelse spares der intet. Vælg en ydelse.")
    if values["weekly_rate"] is None or values["weekly_rate"] <= 0:
        errors["weekly_rate"] = _("Satsen skal være større end 0 kr.")
    if BenefitRate.objects.filter(benefit=benefit, valid_from=valid_from).exclude(pk=rate.pk):
        errors["valid_from"] = _(
            "Der er allerede en sats for %(benefit)s fra %(day)s. Ret den i stedet."
        ) % {
            "benefit": str(dict(Benefit.choices).get(benefit, benefit)).lower(),
            "day": f"{valid_from:%d.%m.%Y}",
        }
    return errors


def _band_errors(band: SavingBand, values: dict) -> dict:
    valid_from, hours, share = values["valid_from"], values["min_hours"], values["share_saved"]
    errors = _from_programme_start(valid_from)
    if hours is None or hours <= 0:
        errors["min_hours"] = _("Timetallet skal være større end 0.")
    if share is None or not 0 < share <= 1:
        errors["share_saved"] = _("Andelen skal være større end 0 og højst 1.")
    if errors:
        return errors
    same_day = SavingBand.objects.filter(valid_from=valid_from).exclude(pk=band.pk)
    if same_day.filter(min_hours=hours):
        errors["min_hours"] = _(
            "Der er allerede et interval fra %(hours)s timer, der gælder fra %(day)s."
        ) % {"hours": _hours(hours), "day": f"{valid_from:%d.%m.%Y}"}
        return errors
    # More hours worked never saves a smaller share of the benefit.
    clash = same_day.filter(
        Q(min_hours__lt=hours, share_saved__gt=share)
        | Q(min_hours__gt=hours, share_saved__lt=share)
    ).first()
    if clash is not None:
        errors["share_saved"] = _(
            "Intervallet fra %(hours)s timer sparer %(share)s af ydelsen; flere timer kan ikke "
            "spare en mindre andel."
        ) % {"hours": _hours(clash.min_hours), "share": _share(clash.share_saved)}
    return errors


def _hours(value: Decimal) -> str:
    return formats.number_format(value, decimal_pos=1)


def _share(value: Decimal) -> str:
    return f"{formats.number_format(value * 100, decimal_pos=0)} %"


def _assumption_save(
    *, obj: Any, by: User | None, changes: dict, check, opened: audit.Opened | None = None
) -> Any:
    """Save a rate or a band after the rules about its date and numbers (`check`)."""
    fields = ("benefit", "valid_from", "weekly_rate", "min_hours", "share_saved")
    values = {name: changes.get(name, getattr(obj, name)) for name in fields if hasattr(obj, name)}
    with transaction.atomic():
        # Two controllers saving the same date take turns: the second is told of the first.
        _lock(ASSUMPTIONS_LOCK_ID)
        errors = check(obj, values)
        if errors:
            raise ValidationError(errors)
        return audit.save_and_record(obj=obj, by=by, changes=changes, opened=opened)


def benefit_rate_add(
    *,
    by: User | None,
    benefit: str,
    valid_from: date,
    weekly_rate: Decimal,
    is_example: bool = False,
) -> BenefitRate:
    return _assumption_save(
        obj=BenefitRate(),
        by=by,
        changes={
            "benefit": benefit,
            "valid_from": valid_from,
            "weekly_rate": weekly_rate,
            "is_example": is_example,
        },
        check=_rate_errors,
    )


def benefit_rate_update(
    *, rate: BenefitRate, by: User | None, opened: audit.Opened | None = None, **fields: Any
) -> BenefitRate:
    """A rate corrected in place (a new rate from a later date is a new row)."""
    return _assumption_save(obj=rate, by=by, changes=fields, check=_rate_errors, opened=opened)


def saving_band_add(
    *,
    by: User | None,
    valid_from: date,
    min_hours: Decimal,
    share_saved: Decimal,
    is_example: bool = False,
) -> SavingBand:
    return _assumption_save(
        obj=SavingBand(),
        by=by,
        changes={
            "valid_from": valid_from,
            "min_hours": min_hours,
            "share_saved": share_saved,
            "is_example": is_example,
        },
        check=_band_errors,
    )


def saving_band_update(
    *, band: SavingBand, by: User | None, opened: audit.Opened | None = None, **fields: Any
) -> SavingBand:
    return _assumption_save(obj=band, by=by, changes=fields, check=_band_errors, opened=opened)


# Illustrative weekly rates for the years before migration 0003's 2024 levels: those levels
# taken back 2 % a year (about the yearly rate adjustment), so that a business case over the
# programme's early years has something to value its weeks at until real rates are entered.
EXAMPLE_RATES_2024 = {
    Benefit.KONTANTHJAELP: Decimal("3200"),
    Benefit.UDDANNELSESHJAELP: Decimal("1900"),
    Benefit.RESSOURCEFORLOEBSYDELSE: Decimal("3200"),
    Benefit.LEDIGHEDSYDELSE: Decimal("4500"),
    Benefit.FOERTIDSPENSION: Decimal("4700"),
    Benefit.SELVFORSOERGELSESYDELSE: Decimal("1600"),
    Benefit.SYGEDAGPENGE: Decimal("4700"),
    Benefit.OTHER: Decimal("3000"),
}
EXAMPLE_YEARLY_ADJUSTMENT = Decimal("1.02")
EXAMPLE_BANDS = (
    (Decimal("0.1"), Decimal("0.1")),
    (Decimal("10"), Decimal("0.3")),
    (Decimal("20"), Decimal("0.6")),
    (Decimal("30"), Decimal("1")),
)


def example_assumptions_seed(*, by: User | None) -> int:
    """Example benefit rates for each year from the programme's start to 2023 and example
    saving bands from its start, all marked as examples. A benefit and date that has a rate
    already, or a date that has bands, is left as it is. Returns how many rows were added."""
    added = 0
    with transaction.atomic():
        for year in range(PROGRAMME_START.year, 2024):
            valid_from = date(year, 1, 1)
            taken = set(
                BenefitRate.objects.filter(valid_from=valid_from).values_list("benefit", flat=True)
            )
            for benefit, rate in EXAMPLE_RATES_2024.items():
                if benefit in taken:
                    continue
                weekly = rate / EXAMPLE_YEARLY_ADJUSTMENT ** (2024 - year)
                benefit_rate_add(
                    by=by,
                    benefit=benefit,
                    valid_from=valid_from,
                    weekly_rate=weekly.quantize(Decimal(1)),
                    is_example=True,
                )
                added += 1
        if not SavingBand.objects.filter(valid_from=PROGRAMME_START).exists():
            for hours, share in EXAMPLE_BANDS:
                saving_band_add(
                    by=by,
                    valid_from=PROGRAMME_START,
                    min_hours=hours,
                    share_saved=share,
                    is_example=True,
                )
                added += 1
    return added


# --- Contract targets (the planned payments) -------------------------------------------------


def _check_target_year(target: ContractTarget, year: int) -> None:
    if not PROGRAMME_START.year <= year <= 2100:
        raise ValidationError(
            {
                "year": _("Året skal ligge mellem %(first)s og 2100.")
                % {"first": PROGRAMME_START.year}
            }
        )
    if ContractTarget.objects.filter(contract_id=target.contract_id, year=year).exclude(
        pk=target.pk
    ):
        raise ValidationError(
            {
                "year": _("Kontrakten har allerede mål for %(year)s. Ret dem i stedet.")
                % {"year": year}
            }
        )


def contract_target_add(
    *, contract: Contract, by: User | None, year: int, **counts: int
) -> ContractTarget:
    """How many outcomes of each kind the contract aims at in a year."""
    target = ContractTarget(contract=contract)
    with transaction.atomic():
        _lock_contract(contract.pk)
        _check_target_year(target, year)
        return audit.save_and_record(
            obj=target, by=by, changes={"year": year, **counts}, details={"year": year}
        )


def contract_target_update(
    *, target: ContractTarget, by: User | None, opened: audit.Opened | None = None, **fields: Any
) -> ContractTarget:
    with transaction.atomic():
        _lock_contract(target.contract_id)
        _check_target_year(target, fields.get("year", target.year))
        return audit.save_and_record(obj=target, by=by, changes=fields, opened=opened)


def _lock_contract(pk: int) -> None:
    """Two writers of one contract's terms or targets take turns."""
    Contract.objects.select_for_update().filter(pk=pk).values_list("pk").get()
