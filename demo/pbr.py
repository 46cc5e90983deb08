"""Example business-case rates from 2018, demo contracts for the demo municipalities with
yearly targets, then one outcome detection. Running it twice
adds nothing (contracts exist; detection is idempotent)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from demo.context import DemoContext
from pbr import services
from pbr.models import Contract, EntryKind, LedgerEntry, LedgerProposal
from siv.models import Decision
from siv.roles import Role

TERMS = {
    "tariff_job_started": Decimal("15000.00"),
    "tariff_retained_13": Decimal("10000.00"),
    "tariff_retained_26": Decimal("15000.00"),
    "tariff_retained_52": Decimal("25000.00"),
    "tariff_ebitda_growth": Decimal("20000.00"),
    "cap_per_citizen": Decimal("60000.00"),
    "cap_total": Decimal("1500000.00"),
    "deadweight_share": Decimal("0.1000"),
    "min_hours_per_week": Decimal("15"),
}

# Outcomes a demo contract aims at each year: the planned payments beside the actual ones.
TARGETS = {
    "job_started": 6,
    "retained_13": 4,
    "retained_26": 3,
    "retained_52": 2,
    "ebitda_growth": 1,
}


def seed(context: DemoContext) -> None:
    controller = context.users[Role.CONTROLLER]
    # The demo's history reaches back before the 2024 rates: example rates from 2018 on.
    services.example_assumptions_seed(by=controller)
    start = date(timezone.localdate().year - 4, 1, 1)
    for name, municipality in context.municipalities.items():
        cluster = context.partnerships[name].cluster
        if Contract.objects.filter(municipality=municipality, cluster=cluster).exists():
            continue
        contract = services.contract_create(
            municipality=municipality, cluster=cluster, by=controller, valid_from=start, **TERMS
        )
        for year in range(start.year, timezone.localdate().year + 1):
            services.contract_target_add(contract=contract, by=controller, year=year, **TARGETS)
    report = services.detect_outcomes(by=controller)
    _propose_invoice(context)
    context.report.append(
        f"PbR: {Contract.objects.count()} contracts, {len(report.accrued)} outcomes accrued, "
        f"{LedgerEntry.objects.count()} ledger entries, "
        f"{LedgerProposal.objects.filter(status=Decision.PENDING).count()} awaiting approval."
    )


def _propose_invoice(context: DemoContext) -> None:
    """Køge's invoice of what is accrued, proposed by the controller, for the second
    controller to approve (four eyes)."""
    contract = Contract.objects.filter(municipality=context.municipalities["Køge"]).first()
    key = "demo:invoice:koege"
    if contract is None or LedgerProposal.objects.filter(idempotency_key=key).exists():
        return
    if services.invoiceable(contract) == 0:
        return
    services.ledger_propose(
        contract=contract,
        by=context.users[Role.CONTROLLER],
        kind=EntryKind.INVOICE,
        booked_on=timezone.localdate(),
        idempotency_key=key,
    )
