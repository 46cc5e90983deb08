from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accelerator.models import CompanyFinancial, CompanyRole
from participants.models import HoursKind, PlacementKind
from pbr import services
from pbr.models import EntryKind, LedgerEntry, Outcome, OutcomeKind, OutcomeStatus
from tests.factories.participants import CitizenFactory, CompanyFactory
from tests.factories.partnerships import ClusterFactory
from tests.factories.pbr import make_contract

from .conftest import JOB_START, TODAY, paid_hours, paid_placement


def kinds(report):
    return sorted(e.outcome.kind for e in report.accrued)


def test_a_paid_placement_of_enough_hours_is_a_started_job_with_its_evidence(citizen, cluster):
    contract = make_contract(citizen.municipality, cluster)
    placement = paid_placement(citizen, start=JOB_START + timedelta(days=2))
    report = services.detect_contract(contract=contract, as_of=JOB_START + timedelta(days=3))
    assert kinds(report) == [OutcomeKind.JOB_STARTED]
    outcome = Outcome.objects.get()
    assert outcome.achieved_on == JOB_START + timedelta(days=2)
    assert outcome.evidence["placements"] == [placement.pk]
    assert outcome.evidence["dates"] == [(JOB_START + timedelta(days=2)).isoformat()]
    assert report.accrued[0].amount == Decimal("10000.00")


def test_too_few_hours_a_week_is_not_a_started_job(citizen, cluster):
    contract = make_contract(citizen.municipality, cluster, min_hours_per_week=Decimal("20"))
    paid_placement(citizen, hours="12")
    paid_hours(citizen, 3, hours="19")
    assert services.detect_contract(contract=contract, as_of=TODAY).accrued == []


def test_logged_paid_hours_alone_start_a_job(citizen, cluster):
    contract = make_contract(citizen.municipality, cluster)
    rows = paid_hours(citizen, 1, hours="16")
    services.detect_contract(contract=contract, as_of=TODAY)
    outcome = Outcome.objects.get(kind=OutcomeKind.JOB_STARTED)
    assert outcome.evidence["hours"] == [rows[0].pk]
    assert outcome.achieved_on == JOB_START


def test_practice_does_not_count_unless_the_contract_says_so(koege, cluster):
    citizen = CitizenFactory(municipality=koege, cluster=cluster)
    paid_placement(citizen, kind=PlacementKind.PRAKTIK)
    paid_hours(citizen, 2, kind=HoursKind.PRACTICE)
    contract = make_contract(koege, cluster)
    assert services.detect_contract(contract=contract, as_of=TODAY).accrued == []
    other = make_contract(koege, ClusterFactory(number=7), count_practice=True)
    citizen.cluster = other.cluster
    citizen.save()
    assert kinds(services.detect_contract(contract=other, as_of=TODAY)) != []


def test_retention_follows_13_26_52_weeks_of_continued_paid_work(citizen, cluster):
    contract = make_contract(citizen.municipality, cluster)
    paid_placement(citizen)
    as_of = JOB_START + timedelta(weeks=30)
    report = services.detect_contract(contract=contract, as_of=as_of)
    assert kinds(report) == [
        OutcomeKind.JOB_STARTED,
        OutcomeKind.RETAINED_13,
        OutcomeKind.RETAINED_26,
    ]
    retained = Outcome.objects.get(kind=OutcomeKind.RETAINED_13)
    assert retained.achieved_on == JOB_START + timedelta(weeks=13)
    assert len(retained.evidence["weeks"]) == 13


def test_a_gap_breaks_continuous_retention_but_not_cumulative(koege, cluster):
    citizen = CitizenFactory(municipality=koege, cluster=cluster)
    paid_hours(citizen, 8)
    paid_hours(citizen, 8, start=JOB_START + timedelta(weeks=10))
    continuous = make_contract(koege, cluster)
    report = services.detect_contract(contract=continuous, as_of=TODAY)
    assert OutcomeKind.RETAINED_13 not in kinds(report)

    other_cluster = ClusterFactory(number=2)
    citizen.cluster = other_cluster
    citizen.save()
    cumulative = make_contract(koege, other_cluster, retention_mode="cumulative")
    report = services.detect_contract(contract=cumulative, as_of=TODAY)
    assert OutcomeKind.RETAINED_13 in kinds(report)


def test_running_detection_again_changes_nothing(citizen, cluster):
    contract = make_contract(citizen.municipality, cluster)
    paid_placement(citizen)
    services.detect_contract(contract=contract, as_of=TODAY)
    rows = LedgerEntry.objects.count()
    again = services.detect_contract(contract=contract, as_of=TODAY)
    assert again.accrued == [] and again.reversed == []
    assert LedgerEntry.objects.count() == rows


def test_corrected_evidence_reverses_the_accrual_and_a_new_correction_accrues_again(
    citizen, cluster
):
    contract = make_contract(citizen.municipality, cluster)
    placement = paid_placement(citizen)
    services.detect_contract(contract=contract, as_of=JOB_START + timedelta(days=1))
    # The placement was registered with the wrong kind: it was unpaid practice.
    placement.kind = PlacementKind.PRAKTIK
    placement.save()
    report = services.detect_contract(contract=contract, as_of=JOB_START + timedelta(days=1))
    assert [e.kind for e in report.reversed] == [EntryKind.REVERSAL]
    assert report.reversed[0].amount == Decimal("-10000.00")
    assert Outcome.objects.get().status == OutcomeStatus.REVERSED
    placement.kind = PlacementKind.LOENTILSKUD
    placement.save()
    report = services.detect_contract(contract=contract, as_of=JOB_START + timedelta(days=1))
    assert [e.cycle for e in report.accrued] == [1]
    assert Outcome.objects.get().status == OutcomeStatus.ACCRUED


def test_deadweight_is_taken_off_the_amount(citizen, cluster):
    contract = make_contract(citizen.municipality, cluster, deadweight_share=Decimal("0.15"))
    paid_placement(citizen)
    entry = services.detect_contract(contract=contract, as_of=JOB_START).accrued[0]
    assert entry.gross_amount == Decimal("10000.00")
    assert entry.deadweight_amount == Decimal("1500.00")
    assert entry.amount == Decimal("8500.00")


def test_the_cap_per_citizen_limits_the_accrued_amount_and_records_the_rest(citizen, cluster):
    contract = make_contract(citizen.municipality, cluster, cap_per_citizen=Decimal("12000"))
    paid_placement(citizen)
    report = services.detect_contract(contract=contract, as_of=JOB_START + timedelta(weeks=14))
    amounts = {e.outcome.kind: (e.amount, e.capped_amount) for e in report.accrued}
    assert amounts[OutcomeKind.JOB_STARTED] == (Decimal("10000.00"), Decimal("0.00"))
    assert amounts[OutcomeKind.RETAINED_13] == (Decimal("2000.00"), Decimal("3000.00"))


def test_the_contract_cap_limits_the_total(koege, cluster):
    contract = make_contract(koege, cluster, cap_total=Decimal("15000"))
    for _n in range(3):
        paid_placement(CitizenFactory(municipality=koege, cluster=cluster))
    report = services.detect_contract(contract=contract, as_of=JOB_START)
    assert sum(e.amount for e in report.accrued) == Decimal("15000.00")


def test_outcomes_before_the_contract_started_are_not_paid(citizen, cluster):
    contract = make_contract(citizen.municipality, cluster, valid_from=date(2024, 6, 1))
    paid_placement(citizen)
    report = services.detect_contract(contract=contract, as_of=JOB_START + timedelta(weeks=14))
    assert kinds(report) == [OutcomeKind.RETAINED_13]


def test_a_new_version_sets_the_tariff_from_its_date(citizen, cluster):
    today = timezone.localdate()
    contract = make_contract(citizen.municipality, cluster, valid_from=date(2023, 1, 1))
    paid_placement(citizen, start=today)
    services.contract_version_add(
        contract=contract, by=None, valid_from=today, tariff_job_started=Decimal("11000")
    )
    entry = services.detect_contract(contract=contract, as_of=today).accrued[0]
    assert entry.amount == Decimal("11000.00")
    assert entry.outcome.contract.versions.count() == 2


def test_a_version_cannot_rewrite_the_past(citizen, cluster):
    contract = make_contract(citizen.municipality, cluster, valid_from=date(2023, 1, 1))
    with pytest.raises(ValidationError):
        services.contract_version_add(
            contract=contract, by=None, valid_from=date(2024, 1, 1), tariff_job_started=1
        )


def test_company_ebitda_growth_is_an_outcome_linked_to_the_financials(koege, cluster):
    company = CompanyFactory(
        municipality=koege, role=CompanyRole.ACCELERATOR, enrolled_cluster=cluster, entry_year=2021
    )
    first = CompanyFinancial.objects.create(company=company, year=2021, ebitda=Decimal("100000"))
    later = CompanyFinancial.objects.create(company=company, year=2023, ebitda=Decimal("150000"))
    contract = make_contract(koege, cluster)
    report = services.detect_contract(contract=contract, as_of=TODAY)
    assert kinds(report) == [OutcomeKind.EBITDA_GROWTH]
    outcome = Outcome.objects.get()
    assert outcome.evidence["financials"] == [first.pk, later.pk]
    assert outcome.achieved_on == date(2023, 12, 31)


def test_detect_outcomes_command_prints_what_it_accrued(citizen, cluster):
    from io import StringIO

    from django.core.management import call_command

    make_contract(citizen.municipality, cluster)
    paid_placement(citizen, start=date.today() - timedelta(days=3))
    out = StringIO()
    call_command("detect_outcomes", "--municipality", "Køge", stdout=out)
    assert "1 accrued, 0 reversed." in out.getvalue()
    out = StringIO()
    call_command("detect_outcomes", stdout=out)
    assert "0 accrued, 0 reversed." in out.getvalue()
