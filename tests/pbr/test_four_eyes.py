"""Four eyes on the ledger (ASVS 4.3.3): an invoice or a payment one controller proposes is
booked only when another controller approves it."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pbr import services
from pbr.models import EntryKind, LedgerEntry, LedgerProposal, Outcome
from siv.models import AuditAction, AuditEntry, Decision
from siv.roles import Role
from tests.factories.pbr import make_contract

from .conftest import JOB_START


@pytest.fixture
def contract(personas):
    return make_contract(personas.own.municipality, personas.cluster)


@pytest.fixture
def second_controller(personas):
    """The fund's other controller (the personas' controllers see every municipality)."""
    return personas.foreign[Role.CONTROLLER]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def accrue(contract, subject="citizen:1"):
    outcome = Outcome.objects.create(
        contract=contract, kind="job_started", subject=subject, achieved_on=JOB_START
    )
    return services.ledger_accrue(outcome=outcome)


def propose_payment(contract, by, amount="100", key="pay-1") -> LedgerProposal:
    return services.ledger_propose(
        contract=contract,
        by=by,
        kind=EntryKind.PAYMENT,
        amount=Decimal(amount),
        booked_on=date(2025, 1, 10),
        idempotency_key=key,
    )


def propose_invoice(contract, by, key="inv-1") -> LedgerProposal:
    return services.ledger_propose(
        contract=contract,
        by=by,
        kind=EntryKind.INVOICE,
        booked_on=date(2025, 2, 3),
        idempotency_key=key,
    )


def test_a_proposed_payment_is_booked_only_when_another_controller_approves_it(
    personas, contract, second_controller
):
    proposer = client_for(personas.controller)
    response = proposer.post(
        reverse("pbr:payment_create", args=[contract.pk]),
        {"amount": "2.500,50", "booked_on": "2025-01-10", "idempotency_key": "k1", "memo": ""},
        follow=True,
    )
    assert "bogføres, når en anden controller har godkendt det" in response.content.decode()
    assert LedgerEntry.objects.count() == 0
    proposal = LedgerProposal.objects.get()
    url = reverse("pbr:proposal_detail", args=[proposal.pk])

    own_page = proposer.get(url).content.decode()
    assert "Du har selv foreslået posteringen" in own_page
    assert "Godkend og bogfør" not in own_page
    refused = proposer.post(url, {"decision": "approve"}).content.decode()
    assert "en anden controller skal godkende den" in refused
    assert LedgerEntry.objects.count() == 0

    approver = client_for(second_controller)
    page = approver.get(url).content.decode()
    assert "2.500,50 kr." in page and "Godkend og bogfør" in page
    assert "Godkend og bogfør posteringen? Den kan ikke ændres bagefter." in page
    response = approver.post(url, {"decision": "approve"}, follow=True)
    entry = LedgerEntry.objects.get()
    assert f"godkendt og bogført som postering #{entry.seq}" in response.content.decode()
    assert (entry.kind, entry.amount, entry.created_by) == (
        EntryKind.PAYMENT,
        Decimal("-2500.50"),
        second_controller,
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.entry_seq) == (
        Decision.APPROVED,
        second_controller,
        entry.seq,
    )
    actions = list(AuditEntry.objects.about(proposal).order_by("pk").values_list("action", "actor"))
    assert actions == [
        (AuditAction.CREATE, personas.controller.pk),
        (AuditAction.CHANGE, second_controller.pk),
    ]


def test_the_service_refuses_the_proposer_and_the_database_refuses_it_too(personas, contract):
    proposal = propose_payment(contract, personas.controller)
    with pytest.raises(ValidationError, match="en anden controller skal godkende den"):
        services.ledger_proposal_approve(proposal=proposal, by=personas.controller)
    with pytest.raises(ValidationError, match="en anden controller skal godkende den"):
        services.ledger_proposal_reject(proposal=proposal, by=personas.controller, reason="Nej")
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerProposal.objects.filter(pk=proposal.pk).update(
            status=Decision.REJECTED, decided_by=personas.controller
        )
    assert LedgerEntry.objects.count() == 0


def test_only_a_controller_proposes_or_decides(personas, contract, second_controller):
    with pytest.raises(ValidationError, match="Kun en controller kan foreslå"):
        propose_payment(contract, personas.admin)
    proposal = propose_payment(contract, personas.controller)
    with pytest.raises(ValidationError, match="Kun en controller kan godkende"):
        services.ledger_proposal_approve(proposal=proposal, by=personas.admin)
    assert LedgerEntry.objects.count() == 0


def test_a_rejection_needs_a_reason_and_books_nothing(personas, contract, second_controller):
    proposal = propose_payment(contract, personas.controller)
    client = client_for(second_controller)
    url = reverse("pbr:proposal_detail", args=[proposal.pk])
    response = client.post(url, {"decision": "reject", "reason": ""})
    assert response.status_code == 200
    assert "Dette felt er påkrævet" in response.content.decode()
    response = client.post(
        url, {"decision": "reject", "reason": "Beløbet står ikke på kontoudtoget"}, follow=True
    )
    assert "Forslaget er afvist; intet er bogført." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Decision.REJECTED
    assert LedgerEntry.objects.count() == 0
    page = client_for(personas.controller).get(url).content.decode()
    assert "Beløbet står ikke på kontoudtoget" in page and "Afvist" in page


def test_a_decided_proposal_cannot_be_decided_again(personas, contract, second_controller):
    """Two controllers open the same proposal; the second to answer is told who was first."""
    proposal = propose_payment(contract, personas.controller)
    services.ledger_proposal_reject(proposal=proposal, by=second_controller, reason="Dublet")
    third = personas.foreign[Role.ADMIN]
    third.role = Role.CONTROLLER
    third.save()
    response = client_for(third).post(
        reverse("pbr:proposal_detail", args=[proposal.pk]), {"decision": "approve"}
    )
    content = response.content.decode()
    assert f"Forslaget er allerede behandlet: afvist af {second_controller.username}" in content
    assert LedgerEntry.objects.count() == 0


def test_an_invoice_is_approved_only_for_the_sum_proposed(personas, contract, second_controller):
    accrue(contract, "citizen:1")
    proposal = propose_invoice(contract, personas.controller, "inv-1")
    assert proposal.amount == Decimal("10000.00")
    with pytest.raises(ValidationError, match="venter allerede på godkendelse"):
        propose_invoice(contract, personas.controller, "inv-2")
    accrue(contract, "citizen:2")
    response = client_for(second_controller).post(
        reverse("pbr:proposal_detail", args=[proposal.pk]), {"decision": "approve"}
    )
    assert "har nu 20.000,00 kr. at fakturere, ikke 10.000,00 kr." in response.content.decode()
    assert not LedgerEntry.objects.filter(kind=EntryKind.INVOICE).exists()
    services.ledger_proposal_reject(proposal=proposal, by=second_controller, reason="For gammel")
    fresh = propose_invoice(contract, personas.controller, "inv-3")
    entry = services.ledger_proposal_approve(proposal=fresh, by=second_controller)
    assert (entry.kind, entry.amount) == (EntryKind.INVOICE, Decimal("20000.00"))


def test_the_invoice_pdf_is_a_download(personas, contract, second_controller):
    accrue(contract)
    proposal = propose_invoice(contract, personas.controller, "inv-1")
    entry = services.ledger_proposal_approve(proposal=proposal, by=second_controller)
    response = client_for(personas.controller).get(reverse("pbr:invoice_pdf", args=[entry.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="faktura-{entry.seq}.pdf"'


def test_the_approval_list_shows_pending_and_decided_in_constant_queries(
    personas, contract, second_controller
):
    client = client_for(second_controller)
    url = reverse("pbr:proposal_list")
    propose_payment(contract, personas.controller, key="p-0")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(1, 12):
        proposal = propose_payment(contract, personas.controller, amount=str(n), key=f"p-{n}")
        if n % 2:
            services.ledger_proposal_approve(proposal=proposal, by=second_controller)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)
    content = response.content.decode()
    assert "Venter på godkendelse" in content and "Godkendt" in content
    assert content.count(personas.controller.username) == 12


def test_the_controllers_start_page_counts_what_waits_for_approval(
    personas, contract, second_controller
):
    propose_payment(contract, personas.controller, key="p-1")
    propose_payment(contract, personas.controller, key="p-2")
    home = client_for(second_controller).get(reverse("home")).content.decode()
    assert "2 fakturaer og betalinger venter på godkendelse" in home
    services.ledger_proposal_approve(
        proposal=LedgerProposal.objects.get(idempotency_key="p-1"), by=second_controller
    )
    home = client_for(second_controller).get(reverse("home")).content.decode()
    assert "1 faktura eller betaling venter på godkendelse" in home
    lead_home = client_for(personas.lead).get(reverse("home")).content.decode()
    assert "venter på godkendelse" not in lead_home
