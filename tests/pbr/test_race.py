"""Two workers race for the same outcome on two real PostgreSQL connections."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from participants.models import PlacementKind
from partnerships.models import OrganisationKind
from pbr import services
from pbr.models import BenefitRate, EntryKind, LedgerEntry, LedgerProposal
from siv.roles import Role
from tests.factories.participants import CitizenFactory, PlacementFactory
from tests.factories.partnerships import (
    ClusterFactory,
    OrganisationFactory,
    UserFactory,
    municipality,
)
from tests.factories.pbr import make_contract

from .conftest import JOB_START

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(work, *, expected=()) -> tuple[list, list, list]:
    """Run `work(n)` on two threads (n = 0, 1), each with its own connection, released
    together. Returns what they returned, the exceptions of the `expected` kinds, and any
    other exception."""
    barrier = threading.Barrier(2)
    results, expected_errors, errors = [], [], []

    def worker(n: int):
        try:
            barrier.wait()
            results.append(work(n))
        except tuple(expected) as exc:
            expected_errors.append(exc)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, expected_errors, errors


def test_two_workers_detecting_at_once_accrue_each_outcome_once():
    cluster = ClusterFactory(number=1)
    citizen = CitizenFactory(municipality=municipality("Køge"), cluster=cluster)
    PlacementFactory(
        citizen=citizen, kind=PlacementKind.FLEKSJOB, start=JOB_START, hours_per_week=20
    )
    contract = make_contract(citizen.municipality, cluster)
    _results, _expected, errors = at_once(
        lambda _n: services.detect_contract(contract=contract, as_of=JOB_START)
    )
    assert errors == []
    assert LedgerEntry.objects.filter(kind=EntryKind.ACCRUAL).count() == 1
    assert services.ledger_verify().intact


def test_two_workers_appending_with_one_key_write_one_row():
    contract = make_contract(municipality("Køge"), ClusterFactory(number=1))
    results, _expected, errors = at_once(
        lambda _n: (
            services.payment_register(
                contract=contract,
                by=None,
                amount=100,
                booked_on=JOB_START,
                idempotency_key="bank-1",
            ).pk
        )
    )
    assert errors == []
    assert len(set(results)) == 1
    assert LedgerEntry.objects.count() == 1


def test_two_controllers_adding_the_same_rate_at_once_get_one_row_and_a_danish_refusal():
    saved, refused, errors = at_once(
        lambda _n: services.benefit_rate_add(
            by=None,
            benefit="kontanthjaelp",
            valid_from=date(2019, 1, 1),
            weekly_rate=Decimal("2500"),
        ),
        expected=(ValidationError,),
    )
    assert errors == []
    assert len(saved) == len(refused) == 1
    assert "Der er allerede en sats for kontanthjælp fra 01.01.2019" in str(refused[0])
    assert BenefitRate.objects.filter(valid_from=date(2019, 1, 1)).count() == 1


def _controllers(count: int):
    fund = OrganisationFactory(kind=OrganisationKind.FUND)
    return [
        UserFactory(username=f"controller-{n}", role=Role.CONTROLLER, organisation=fund)
        for n in range(count)
    ]


def _propose_payment(contract, proposer):
    return services.ledger_propose(
        contract=contract,
        by=proposer,
        kind=EntryKind.PAYMENT,
        amount=100,
        booked_on=JOB_START,
        idempotency_key="pay-1",
    )


def test_two_controllers_approving_one_proposal_at_once_book_it_once():
    contract = make_contract(municipality("Køge"), ClusterFactory(number=1))
    proposer, *approvers = _controllers(3)
    proposal = _propose_payment(contract, proposer)
    results, refused, errors = at_once(
        lambda n: services.ledger_proposal_approve(proposal=proposal, by=approvers[n]).pk,
        expected=(ValidationError,),
    )
    assert errors == []
    assert len(results) == 1
    assert [type(e) for e in refused] == [ValidationError]
    assert "Forslaget er allerede behandlet: godkendt af controller-" in refused[0].messages[0]
    assert LedgerEntry.objects.count() == 1


def test_two_submits_of_one_proposal_at_once_make_one_proposal():
    contract = make_contract(municipality("Køge"), ClusterFactory(number=1))
    (proposer,) = _controllers(1)
    results, _expected, errors = at_once(lambda _n: _propose_payment(contract, proposer).pk)
    assert errors == []
    assert len(set(results)) == 1
    assert LedgerProposal.objects.count() == 1
