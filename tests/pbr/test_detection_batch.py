"""A detection run books its outcomes, ledger rows and audit rows in bulk: caps used up in
booking order, reversals, a new round after a reversal, nothing twice, a chain that
verifies, and a number of queries that does not grow with the citizens."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from participants.models import PlacementKind
from partnerships.models import OrganisationKind
from pbr import services
from pbr.models import EntryKind, LedgerEntry, Outcome, OutcomeKind, OutcomeStatus
from siv.models import AuditAction, AuditEntry
from siv.roles import Role
from tests.factories.participants import CitizenFactory
from tests.factories.partnerships import (
    ClusterFactory,
    OrganisationFactory,
    UserFactory,
    municipality,
)
from tests.factories.pbr import make_contract

from .conftest import JOB_START, paid_placement

AS_OF = JOB_START + timedelta(weeks=14)


def jobs(koege, cluster, count):
    citizens = [CitizenFactory(municipality=koege, cluster=cluster) for _n in range(count)]
    return [paid_placement(citizen) for citizen in citizens]


def test_the_caps_are_used_up_in_booking_order_with_what_was_accrued_before(koege, cluster):
    contract = make_contract(
        koege, cluster, cap_per_citizen=Decimal("12000"), cap_total=Decimal("31000")
    )
    first = jobs(koege, cluster, 1)
    services.detect_contract(contract=contract, as_of=JOB_START)  # 10,000 for the first
    jobs(koege, cluster, 2)
    report = services.detect_contract(contract=contract, as_of=AS_OF)
    # Booked by kind, then subject: the three new starts, then the three 13-week retentions.
    booked = [(e.outcome.kind, e.citizen_id, e.amount, e.capped_amount) for e in report.accrued]
    starts = sorted(
        (e for e in booked if e[0] == OutcomeKind.JOB_STARTED), key=lambda e: f"citizen:{e[1]}"
    )
    assert [amount for _k, _c, amount, _capped in starts] == [Decimal("10000.00")] * 2
    retained = [e for e in booked if e[0] == OutcomeKind.RETAINED_13]
    # 31,000 in all: 30,000 of starts leave 1,000, which the first retention (in subject
    # order) takes; the first citizen has 2,000 left under its own cap, the others 2,000.
    subjects = sorted(retained, key=lambda e: f"citizen:{e[1]}")
    assert [e[2] for e in subjects] == [Decimal("1000.00"), Decimal("0.00"), Decimal("0.00")]
    assert subjects[0][3] == Decimal("4000.00")  # 5,000 tariff, 1,000 room
    assert sum(e.amount for e in LedgerEntry.objects.all()) == Decimal("31000.00")
    assert first[0].citizen_id in {e[1] for e in retained}


def test_one_run_reverses_what_no_longer_holds_and_accrues_what_is_new(koege, cluster):
    contract = make_contract(koege, cluster)
    kept, corrected = jobs(koege, cluster, 2)
    services.detect_contract(contract=contract, as_of=JOB_START)
    corrected.kind = PlacementKind.PRAKTIK
    corrected.save()
    jobs(koege, cluster, 1)
    report = services.detect_contract(contract=contract, as_of=JOB_START)
    assert [e.citizen_id for e in report.reversed] == [corrected.citizen_id]
    assert report.reversed[0].amount == Decimal("-10000.00")
    assert len(report.accrued) == 1 and report.accrued[0].citizen_id != kept.citizen_id
    # The reversal comes after the run's accrual in the chain, as one by one.
    assert report.reversed[0].seq == report.accrued[0].seq + 1
    statuses = dict(Outcome.objects.values_list("citizen_id", "status"))
    assert statuses[corrected.citizen_id] == OutcomeStatus.REVERSED
    assert statuses[kept.citizen_id] == OutcomeStatus.ACCRUED
    assert services.ledger_verify().broken is None


def test_an_outcome_held_again_accrues_a_new_round_on_its_new_date_and_evidence(koege, cluster):
    contract = make_contract(koege, cluster)
    (placement,) = jobs(koege, cluster, 1)
    services.detect_contract(contract=contract, as_of=JOB_START + timedelta(days=3))
    placement.kind = PlacementKind.PRAKTIK
    placement.save()
    services.detect_contract(contract=contract, as_of=JOB_START + timedelta(days=3))
    placement.kind = PlacementKind.FLEKSJOB
    placement.start = JOB_START + timedelta(days=2)
    placement.save()
    report = services.detect_contract(contract=contract, as_of=JOB_START + timedelta(days=3))
    (entry,) = report.accrued
    assert entry.cycle == 1 and entry.idempotency_key.endswith(":cycle:1")
    outcome = Outcome.objects.get()
    assert outcome.status == OutcomeStatus.ACCRUED
    assert outcome.achieved_on == JOB_START + timedelta(days=2)
    assert outcome.evidence["dates"] == [(JOB_START + timedelta(days=2)).isoformat()]
    (change,) = [
        row
        for row in AuditEntry.objects.about(outcome).filter(action=AuditAction.CHANGE)
        if "evidence" in row.details["fields"]
    ]
    assert change.details["fields"] == ["achieved_on", "evidence", "status"]
    assert change.details["after"] == {
        "achieved_on": (JOB_START + timedelta(days=2)).isoformat(),
        "status": "accrued",
    }
    nets = LedgerEntry.objects.filter(outcome=outcome).values_list("kind", "amount")
    assert sorted(nets) == sorted(
        [
            (EntryKind.ACCRUAL, Decimal("10000.00")),
            (EntryKind.REVERSAL, Decimal("-10000.00")),
            (EntryKind.ACCRUAL, Decimal("10000.00")),
        ]
    )


def test_a_second_run_writes_nothing_at_all(koege, cluster):
    contract = make_contract(koege, cluster, cap_total=Decimal("40000"))
    jobs(koege, cluster, 3)
    services.detect_contract(contract=contract, as_of=AS_OF)
    counts = (Outcome.objects.count(), LedgerEntry.objects.count(), AuditEntry.objects.count())
    again = services.detect_outcomes(as_of=AS_OF)
    assert again.accrued == [] and again.reversed == []
    assert counts == (
        Outcome.objects.count(),
        LedgerEntry.objects.count(),
        AuditEntry.objects.count(),
    )


def test_every_outcome_and_ledger_row_has_its_audit_row_by_whoever_ran_it(koege, cluster):
    controller = UserFactory(
        role=Role.CONTROLLER, organisation=OrganisationFactory(kind=OrganisationKind.FUND)
    )
    contract = make_contract(koege, cluster)
    jobs(koege, cluster, 2)
    report = services.detect_contract(contract=contract, as_of=AS_OF, by=controller)
    for entry in report.accrued:
        (row,) = AuditEntry.objects.about(entry)
        assert row.action == AuditAction.CREATE and row.actor_id == controller.pk
        assert row.details == {"kind": "accrual", "amount": str(entry.amount)}
        assert row.object_label == f"Postering #{entry.seq}"
        assert entry.created_by_id == controller.pk
    for outcome in Outcome.objects.all():
        (row,) = AuditEntry.objects.about(outcome)
        assert row.action == AuditAction.CREATE and row.actor_username == controller.username


def test_the_chain_of_a_run_verifies_with_every_head_logged_at_the_commit(
    koege, cluster, ledger_head_log
):
    contract = make_contract(koege, cluster)
    jobs(koege, cluster, 3)
    with TestCase.captureOnCommitCallbacks(execute=True):
        report = services.detect_contract(contract=contract, as_of=AS_OF)
    seqs = [e.seq for e in report.accrued]
    assert seqs == list(range(1, len(seqs) + 1))
    assert len(ledger_head_log.read_text().splitlines()) == len(seqs)
    out = StringIO()
    call_command("verify_ledger", stdout=out)
    assert f"{len(seqs)} entries, chain intact" in out.getvalue()


def queries_of_a_run(where, citizens):
    cluster = ClusterFactory(number=1)
    make_contract(where, cluster, cap_per_citizen=Decimal("12000"), cap_total=Decimal("99000"))
    placements = jobs(where, cluster, citizens)
    services.detect_outcomes(as_of=JOB_START, municipality=where)
    placements[0].kind = PlacementKind.PRAKTIK
    placements[0].save()
    services.detect_outcomes(as_of=JOB_START, municipality=where)
    # The measured run: new outcomes and accruals, a reversal and a new round.
    placements[0].kind = PlacementKind.LOENTILSKUD
    placements[0].save()
    placements[1].kind = PlacementKind.PRAKTIK
    placements[1].save()
    with CaptureQueriesContext(connection) as run:
        report = services.detect_outcomes(as_of=AS_OF, municipality=where)
    assert [e.cycle for e in report.accrued if e.citizen_id == placements[0].citizen_id] == [1, 0]
    assert [e.citizen_id for e in report.reversed] == [placements[1].citizen_id]
    assert len(report.accrued) == citizens
    return len(run.captured_queries)


def test_the_queries_of_a_run_do_not_grow_with_the_citizens(koege):
    few = queries_of_a_run(koege, 2)
    many = queries_of_a_run(municipality("Stevns"), 12)
    assert few == many
    assert many <= 35
