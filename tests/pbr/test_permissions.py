from datetime import date
from decimal import Decimal

from pbr import services
from pbr.models import BenefitRate, Contract, ContractTarget, Outcome, SavingBand
from tests.factories.pbr import make_contract
from tests.matrix import Case, run_matrix


def _contract(p, world):
    existing = Contract.objects.filter(municipality=world.municipality).first()
    return existing or make_contract(world.municipality, p.cluster)


def own_contract(p):
    return [_contract(p, p.own).pk]


def foreign_contract(p):
    return [_contract(p, p.foreign).pk]


def own_municipality(p):
    return [_contract(p, p.own).municipality_id]


def foreign_municipality(p):
    return [_contract(p, p.foreign).municipality_id]


def _target(p, world):
    target, _created = ContractTarget.objects.get_or_create(
        contract=_contract(p, world), year=2024, defaults={"job_started": 5}
    )
    return [target.pk]


def _invoice(p, world):
    contract = _contract(p, world)
    outcome, _created = Outcome.objects.get_or_create(
        contract=contract, kind="job_started", subject="citizen:1", achieved_on=date(2024, 3, 4)
    )
    services.ledger_accrue(outcome=outcome)
    services.payment_register(
        contract=contract,
        by=None,
        amount=Decimal("10"),
        booked_on=date(2024, 4, 1),
        idempotency_key=f"pay-{contract.pk}",
    )
    return [
        services.invoice_issue(
            contract=contract,
            by=None,
            booked_on=date(2024, 4, 1),
            idempotency_key=f"inv-{contract.pk}",
        ).pk
    ]


def _proposal(p, world):
    return [
        services.ledger_propose(
            contract=_contract(p, world),
            by=p.controller,
            kind="payment",
            amount=Decimal("10"),
            booked_on=date(2024, 4, 1),
            idempotency_key=f"proposal-{world.municipality.pk}",
        ).pk
    ]


CASES = [
    Case("pbr:overview", "ledger.view", own=lambda p: (_contract(p, p.own), None)[1]),
    Case("pbr:ledger", "ledger.view"),
    Case("pbr:contract_list", "ledger.view"),
    Case("pbr:rates", "ledger.view"),
    Case("pbr:proposal_list", "ledger.write"),
    Case(
        "pbr:proposal_detail",
        "ledger.write",
        own=lambda p: _proposal(p, p.own),
        foreign=lambda p: _proposal(p, p.foreign),
    ),
    Case("pbr:detect", "ledger.write"),
    Case("pbr:contract_create", "ledger.write"),
    Case("pbr:rate_create", "ledger.write"),
    Case("pbr:band_create", "ledger.write"),
    # Rates and bands are the programme's, not a municipality's: there is no foreign one.
    Case("pbr:rate_edit", "ledger.write", own=lambda p: [BenefitRate.objects.first().pk]),
    Case("pbr:band_edit", "ledger.write", own=lambda p: [SavingBand.objects.first().pk]),
    Case("pbr:target_create", "ledger.write", own=own_contract, foreign=foreign_contract),
    Case(
        "pbr:target_edit",
        "ledger.write",
        own=lambda p: _target(p, p.own),
        foreign=lambda p: _target(p, p.foreign),
    ),
    Case("pbr:statement", "ledger.view", own=own_municipality, foreign=foreign_municipality),
    Case("pbr:business_case", "ledger.view", own=own_municipality, foreign=foreign_municipality),
    Case("pbr:what_if", "ledger.view", own=own_municipality, foreign=foreign_municipality),
    Case("pbr:contract_detail", "ledger.view", own=own_contract, foreign=foreign_contract),
    Case("pbr:version_create", "ledger.write", own=own_contract, foreign=foreign_contract),
    Case("pbr:invoice_create", "ledger.write", own=own_contract, foreign=foreign_contract),
    Case("pbr:payment_create", "ledger.write", own=own_contract, foreign=foreign_contract),
    Case(
        "pbr:invoice_pdf",
        "ledger.view",
        own=lambda p: _invoice(p, p.own),
        foreign=lambda p: _invoice(p, p.foreign),
    ),
]

test_permission, test_signed_out_is_sent_to_login = run_matrix(CASES)
