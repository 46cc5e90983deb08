from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from pbr import services
from pbr.models import GENESIS_HASH, AppendOnlyError, EntryKind, LedgerEntry
from tests.factories.pbr import make_contract


@pytest.fixture
def contract(db):
    return make_contract()


def pay(contract, key="bank-2025-001", amount="1000.00", booked_on=date(2025, 3, 1)):
    return services.payment_register(
        contract=contract,
        by=None,
        amount=Decimal(amount),
        booked_on=booked_on,
        idempotency_key=key,
    )


def test_each_entry_holds_the_hash_of_the_one_before(contract):
    first = pay(contract, key="a")
    second = pay(contract, key="b")
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert second.seq == first.seq + 1
    assert services.ledger_verify() is None


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
    assert "2 entries, chain intact" in out.getvalue()


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
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER pbr_ledgerentry_append_only")
        cursor.execute(f"UPDATE {table} SET amount = -5 WHERE id = %s", [second.pk])
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER pbr_ledgerentry_append_only")
    assert services.ledger_verify().pk == second.pk
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
