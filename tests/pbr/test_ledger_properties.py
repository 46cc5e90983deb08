"""Invariants of the ledger, for any sequence of writes (hypothesis)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Count, Q, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participants.models import PlacementKind
from pbr import selectors, services
from pbr.models import EntryKind, LedgerEntry, Outcome
from tests.factories.participants import CitizenFactory
from tests.factories.pbr import make_contract

from .conftest import JOB_START, paid_placement

pytestmark = pytest.mark.django_db
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)


class Rollback(Exception):
    pass


def in_rollback(check):
    """Run one example in a transaction that is rolled back (never a DELETE)."""
    try:
        with transaction.atomic():
            check()
            raise Rollback
    except Rollback:
        pass


@PROPERTY
@given(
    ops=st.lists(
        st.tuples(st.sampled_from(["accrue", "reverse", "pay", "invoice"]), amounts),
        max_size=12,
    )
)
def test_the_balance_is_the_sum_of_the_entries(koege, cluster, ops):
    def check():
        contract = make_contract(koege, cluster, tariff_job_started=Decimal("1234.56"))
        for n, (op, amount) in enumerate(ops):
            if op == "accrue":
                outcome = Outcome.objects.create(
                    contract=contract,
                    kind="job_started",
                    subject=f"citizen:{n}",
                    achieved_on=JOB_START,
                )
                services.ledger_accrue(outcome=outcome)
            elif op == "reverse":
                open_accrual = LedgerEntry.objects.filter(
                    kind=EntryKind.ACCRUAL, reversed_by__isnull=True
                ).first()
                if open_accrual:
                    services.ledger_reverse(entry=open_accrual)
            elif op == "pay":
                services.payment_register(
                    contract=contract,
                    by=None,
                    amount=amount,
                    booked_on=JOB_START,
                    idempotency_key=f"pay-{n}",
                )
            else:
                try:
                    services.invoice_issue(
                        contract=contract, by=None, booked_on=JOB_START, idempotency_key=f"inv-{n}"
                    )
                except services.ValidationError:
                    pass
        rows = list(LedgerEntry.objects.all())
        totals = selectors.totals(LedgerEntry.objects.all())
        assert totals["balance"] == sum(
            (e.amount for e in rows if e.kind != EntryKind.INVOICE), Decimal(0)
        )
        assert totals["accrued"] - totals["paid"] == totals["balance"]
        assert services.ledger_verify().broken is None

    in_rollback(check)


@PROPERTY
@given(tariff=amounts, deadweight=st.decimals(min_value=0, max_value=1, places=4))
def test_a_reversal_nets_its_entry_to_zero(koege, cluster, tariff, deadweight):
    def check():
        contract = make_contract(
            koege, cluster, tariff_job_started=tariff, deadweight_share=deadweight
        )
        outcome = Outcome.objects.create(
            contract=contract, kind="job_started", subject="citizen:1", achieved_on=JOB_START
        )
        accrual = services.ledger_accrue(outcome=outcome)
        reversal = services.ledger_reverse(entry=accrual)
        assert accrual.amount + reversal.amount == 0
        assert accrual.amount == accrual.gross_amount - accrual.deadweight_amount
        assert selectors.totals(outcome.entries.all())["accrued"] == 0

    in_rollback(check)


@PROPERTY
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["paid", "unpaid", "detect"]), st.integers(0, 2)),
        min_size=1,
        max_size=15,
    )
)
def test_detections_and_corrections_accrue_each_outcome_at_most_once_net(koege, cluster, steps):
    def check():
        contract = make_contract(koege, cluster)
        placements = [
            paid_placement(CitizenFactory(municipality=koege, cluster=cluster)) for _n in range(3)
        ]
        as_of = JOB_START + timedelta(weeks=14)
        for action, index in steps:
            placement = placements[index]
            if action == "detect":
                services.detect_contract(contract=contract, as_of=as_of)
                continue
            placement.kind = (
                PlacementKind.LOENTILSKUD if action == "paid" else PlacementKind.PRAKTIK
            )
            placement.save()
        services.detect_contract(contract=contract, as_of=as_of)
        per_outcome = Outcome.objects.annotate(
            accruals=Count("entries", filter=Q(entries__kind=EntryKind.ACCRUAL)),
            reversals=Count("entries", filter=Q(entries__kind=EntryKind.REVERSAL)),
            net=Sum("entries__amount"),
        )
        for outcome in per_outcome:
            assert outcome.accruals - outcome.reversals in (0, 1)
            held = next(p for p in placements if f"citizen:{p.citizen_id}" == outcome.subject)
            assert (outcome.accruals - outcome.reversals == 1) == (
                held.kind == PlacementKind.LOENTILSKUD
            )
            assert outcome.net >= 0
        assert services.ledger_verify().broken is None

    in_rollback(check)
