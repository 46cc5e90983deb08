import json
from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import TestCase

from pbr import services
from pbr.models import GENESIS_HASH, AppendOnlyError, EntryKind, LedgerEntry
from tests.factories.pbr import make_contract


@pytest.fixture
def contract(db):
    return make_contract()


def pay(contract, key="bank-2025-001", amount="1000.00", booked_on=date(2025, 3, 1)):
    """A payment booked and committed (its head goes to the head log on commit)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.payment_register(
            contract=contract,
            by=None,
            amount=Decimal(amount),
            booked_on=booked_on,
            idempotency_key=key,
        )


def behind_the_triggers(*statements: str) -> None:
    """What a database superuser can do: switch the guards off and change the table."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL session_replication_role = replica")
        for statement in statements:
            cursor.execute(statement)
        cursor.execute("SET LOCAL session_replication_role = origin")


def test_each_entry_holds_the_hash_of_the_one_before(contract):
    first = pay(contract, key="a")
    second = pay(contract, key="b")
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert second.seq == first.seq + 1
    assert services.ledger_verify().intact


def test_the_same_key_with_the_same_content_returns_the_first_entry(contract):
    first = pay(contract)
    again = pay(contract)
    assert again.pk == first.pk
    assert LedgerEntry.objects.count() == 1


def test_the_same_key_with_other_content_is_refused(contract):
    pay(contract)
    with pytest.raises(services.IdempotencyConflict):
        pay(contract, amount="999.99")
    assert LedgerEntry.objects.count() == 1


def test_amounts_are_exact_decimals_in_ore(contract):
    entry = pay(contract, amount="0.105")
    entry.refresh_from_db()
    assert entry.amount == Decimal("-0.11")


def test_a_payment_must_be_positive(contract):
    with pytest.raises(ValidationError):
        pay(contract, amount="0")


def test_code_refuses_to_change_or_delete_a_row(contract):
    entry = pay(contract)
    entry.memo = "ændret"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(memo="x")
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.all().delete()


def test_the_database_refuses_update_delete_and_truncate(contract):
    entry = pay(contract)
    table = LedgerEntry._meta.db_table
    for sql in (
        f"UPDATE {table} SET memo = 'x' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
        f"TRUNCATE {table}",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                # The test's own rows' deferred foreign-key checks would stop a TRUNCATE first.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(sql, [entry.pk] if "%s" in sql else [])
    assert LedgerEntry.objects.get(pk=entry.pk).memo == entry.memo


def test_an_outcome_is_accrued_once_per_round_by_the_database(contract, citizen):
    from pbr.models import Outcome

    outcome = Outcome.objects.create(
        contract=contract, kind="job_started", subject="citizen:1", achieved_on=date(2024, 3, 4)
    )
    services.ledger_accrue(outcome=outcome)
    assert services.ledger_accrue(outcome=outcome) is None
    with pytest.raises(IntegrityError), transaction.atomic():
        services.ledger_append(
            idempotency_key="another-key",
            kind=EntryKind.ACCRUAL,
            booked_on=date(2025, 1, 1),
            municipality_id=contract.municipality_id,
            contract_id=contract.pk,
            outcome_id=outcome.pk,
            cycle=0,
            amount=Decimal("1"),
        )


def test_verify_ledger_passes_an_intact_chain(contract):
    pay(contract, key="a")
    pay(contract, key="b")
    out = StringIO()
    call_command("verify_ledger", stdout=out)
    assert out.getvalue().strip() == (
        "Ledger verified: 2 entries, chain intact, every seal valid; the head log has seen #2."
    )


def test_verify_ledger_counts_the_newest_entries_deleted_behind_the_triggers(contract):
    for key in "abc":
        pay(contract, key=key)
    behind_the_triggers("DELETE FROM pbr_ledgerentry WHERE seq = 3")
    assert services.ledger_verify().broken is None  # what is left is a valid chain
    with pytest.raises(CommandError, match="1 entry missing: the head log has seen #3"):
        call_command("verify_ledger")


def test_verify_ledger_catches_a_truncated_ledger(contract):
    for key in "abc":
        pay(contract, key=key)
    behind_the_triggers("TRUNCATE pbr_ledgerentry")
    with pytest.raises(CommandError, match="3 entries missing: .* the ledger ends at #0"):
        call_command("verify_ledger")


def test_verify_ledger_catches_a_chain_rewritten_without_the_key(contract):
    """A superuser who changes an amount and hashes the chain again cannot seal it again."""
    pay(contract, key="a")
    second = pay(contract, key="b", amount="50.00")
    behind_the_triggers(f"UPDATE pbr_ledgerentry SET amount = -5 WHERE id = {second.pk}")
    second.refresh_from_db()
    new_hash = second.compute_hash()
    behind_the_triggers(f"UPDATE pbr_ledgerentry SET hash = '{new_hash}' WHERE id = {second.pk}")
    check = services.ledger_verify()
    assert check.broken.pk == second.pk
    assert "Ledger entry #2 is not the one the head log saw." in check.problems


def test_verify_ledger_refuses_a_forged_head_log_and_a_missing_one(contract, ledger_head_log):
    pay(contract, key="a")
    with ledger_head_log.open("a") as log:
        log.write(f"9 {'0' * 64} {'f' * 64}\n")
    with pytest.raises(CommandError, match="line for #9 has no valid seal"):
        call_command("verify_ledger")
    ledger_head_log.unlink()
    with pytest.raises(CommandError, match="head log .* is missing or empty"):
        call_command("verify_ledger")


def test_an_entry_rolled_back_never_reaches_the_head_log(contract, ledger_head_log):
    pay(contract, key="a")
    with pytest.raises(RuntimeError), TestCase.captureOnCommitCallbacks(execute=True):
        with transaction.atomic():
            services.payment_register(
                contract=contract,
                by=None,
                amount=Decimal("5"),
                booked_on=date(2025, 3, 2),
                idempotency_key="b",
            )
            raise RuntimeError("the request failed after booking")
    assert len(ledger_head_log.read_text().splitlines()) == 1
    assert services.ledger_verify().intact


def test_verify_ledger_names_a_row_inserted_with_a_wrong_previous_hash(contract):
    pay(contract, key="a")
    forged = LedgerEntry(
        seq=2,
        kind=EntryKind.PAYMENT,
        booked_on=date(2025, 3, 2),
        municipality_id=contract.municipality_id,
        contract_id=contract.pk,
        amount=Decimal("-5.00"),
        idempotency_key="forged",
        created_at=LedgerEntry.objects.get().created_at,
        prev_hash="f" * 64,
    )
    forged.hash = forged.compute_hash()
    forged.save()
    with pytest.raises(CommandError, match="#2"):
        call_command("verify_ledger")


def test_verify_ledger_detects_a_tampered_past_row(contract):
    pay(contract, key="a")
    second = pay(contract, key="b", amount="50.00")
    pay(contract, key="c")
    table = LedgerEntry._meta.db_table
    behind_the_triggers(f"UPDATE {table} SET amount = -5 WHERE id = {second.pk}")
    assert services.ledger_verify().broken.pk == second.pk
    with pytest.raises(CommandError, match=f"#{second.seq} "):
        call_command("verify_ledger")


def test_ledger_rows_outlive_attempts_to_delete_the_citizen_and_hold_no_personal_data(
    contract, citizen
):
    from django.db.models import ProtectedError

    from pbr.models import Outcome

    outcome = Outcome.objects.create(
        contract=contract,
        kind="job_started",
        subject=f"citizen:{citizen.pk}",
        citizen=citizen,
        achieved_on=date(2024, 3, 4),
    )
    entry = services.ledger_accrue(outcome=outcome)
    assert entry.citizen_id == citizen.pk
    for value in (citizen.full_name, citizen.cpr, citizen.cpr.replace("-", "")):
        assert value not in entry.canonical()
    with pytest.raises(ProtectedError):
        citizen.delete()


def _canonical_by_json(entry: LedgerEntry) -> str:
    """The canonical text as json.dumps writes it (what hashed every row before)."""
    created = entry.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(
        {
            "seq": entry.seq,
            "kind": entry.kind,
            "booked_on": entry.booked_on.isoformat(),
            "municipality": entry.municipality_id,
            "contract": entry.contract_id,
            "outcome": entry.outcome_id,
            "citizen": entry.citizen_id,
            "reverses": entry.reverses_id,
            "cycle": entry.cycle,
            "gross_amount": f"{entry.gross_amount:.2f}",
            "deadweight_amount": f"{entry.deadweight_amount:.2f}",
            "capped_amount": f"{entry.capped_amount:.2f}",
            "amount": f"{entry.amount:.2f}",
            "memo": entry.memo,
            "idempotency_key": entry.idempotency_key,
            "created_at": created,
            "created_by": entry.created_by_id,
            "prev_hash": entry.prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
    )


@pytest.mark.parametrize(
    ("memo", "key", "ids"),
    [
        ("Indbetaling", "bank-1", (None, None, None, None)),
        ('Tilbageført: "dødvægt" \\ æøå\t\n€ 😀 \x01', "nøgle \u2028 ü", (7, 12, 3, 99)),
    ],
)
def test_the_canonical_text_is_what_json_writes_so_old_hashes_still_verify(memo, key, ids):
    outcome, citizen, reverses, by = ids
    entry = LedgerEntry(
        seq=12345,
        kind=EntryKind.REVERSAL,
        booked_on=date(2026, 2, 3),
        municipality_id=4,
        contract_id=5,
        outcome_id=outcome,
        citizen_id=citizen,
        reverses_id=reverses,
        cycle=2,
        gross_amount=Decimal("10000"),
        deadweight_amount=Decimal("2500.5"),
        capped_amount=Decimal("0"),
        amount=Decimal("-7499.50"),
        memo=memo,
        idempotency_key=key,
        created_at=datetime(2026, 2, 3, 10, 11, 12, 345678, tzinfo=ZoneInfo("Europe/Copenhagen")),
        created_by_id=by,
        prev_hash="ab" * 32,
    )
    assert entry.canonical() == _canonical_by_json(entry)


@pytest.mark.django_db
def test_the_ledger_keeps_no_like_indexes_beside_its_unique_ones():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'pbr_ledgerentry' "
            "AND indexdef LIKE '%%varchar_pattern_ops%%'"
        )
        assert cursor.fetchall() == []
        cursor.execute(
            "SELECT count(*) FROM pg_indexes WHERE tablename = 'pbr_ledgerentry' "
            "AND indexdef LIKE 'CREATE UNIQUE INDEX%%'"
        )
        # seq, hash, prev_hash, idempotency_key, reverses, the id, one accrual per round
        assert cursor.fetchone() == (7,)
