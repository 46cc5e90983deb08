"""A company's job commitments set against the placements and hires recorded on citizens."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accelerator.models import Company
from participants.models import PlacementKind
from participants.placements.selectors import (
    CommitmentStatus,
    commitment_outcomes,
    company_counts,
    placement_counts,
)
from tests.accelerator.conftest import foreign_company, own_company
from tests.factories.accelerator import JobCommitmentFactory
from tests.factories.participants import CitizenFactory, PlacementFactory, PlacementStepFactory

DAY = date(2025, 6, 2)


def _kinds(counts):
    return {k.kind: (k.current, k.total) for k in counts.kinds}


def test_a_citizen_with_two_placements_of_a_kind_counts_once(personas):
    company = own_company(personas)
    citizen = CitizenFactory()
    PlacementFactory(
        citizen=citizen, company=company, kind=PlacementKind.PRAKTIK, start=date(2025, 1, 6)
    )
    PlacementFactory(
        citizen=citizen,
        company=company,
        kind=PlacementKind.PRAKTIK,
        start=date(2024, 9, 2),
        end=date(2024, 10, 31),
    )
    PlacementFactory(company=company, kind=PlacementKind.FLEKSJOB, start=date(2025, 3, 3))

    counts = company_counts(company, on=DAY)

    kinds = _kinds(counts)
    assert kinds[PlacementKind.PRAKTIK] == (1, 1)
    assert kinds[PlacementKind.FLEKSJOB] == (1, 1)
    assert kinds[PlacementKind.SNUSE_PRAKTIK] == (0, 0)
    assert (counts.placed_current, counts.placed_total) == (2, 2)
    assert (counts.hires_current, counts.hires_total) == (1, 1)


def test_current_counts_only_placements_active_on_the_day_and_future_ones_not_at_all(personas):
    company = own_company(personas)
    PlacementFactory(
        company=company,
        kind=PlacementKind.ORDINAER,
        start=date(2024, 1, 8),
        end=date(2024, 12, 31),
    )
    PlacementFactory(company=company, kind=PlacementKind.ORDINAER, start=date(2025, 5, 5))
    PlacementFactory(company=company, kind=PlacementKind.ORDINAER, start=date(2025, 9, 1))

    assert _kinds(company_counts(company, on=DAY))[PlacementKind.ORDINAER] == (1, 2)


def test_counts_for_a_list_of_companies_come_in_one_query(personas):
    own, foreign = own_company(personas), foreign_company(personas)
    PlacementFactory(company=own, kind=PlacementKind.SMAAJOB, start=date(2025, 1, 6))
    PlacementFactory(company=foreign, kind=PlacementKind.LOENTILSKUD, start=date(2025, 1, 6))

    with CaptureQueriesContext(connection) as queries:
        counts = placement_counts([own.pk, foreign.pk], on=DAY)

    assert len(queries) == 1
    assert _kinds(counts[own.pk])[PlacementKind.SMAAJOB] == (1, 1)
    assert _kinds(counts[foreign.pk])[PlacementKind.LOENTILSKUD] == (1, 1)
    assert _kinds(counts[own.pk])[PlacementKind.LOENTILSKUD] == (0, 0)


def test_counts_for_a_scoped_list_cover_only_the_viewers_companies(personas):
    own, foreign = own_company(personas), foreign_company(personas)
    PlacementFactory(company=own, start=date(2025, 1, 6))
    PlacementFactory(company=foreign, start=date(2025, 1, 6))

    for user in (personas.developer, personas.contact):
        counts = placement_counts(Company.objects.for_user(user), on=DAY)
        assert list(counts) == [own.pk]
        assert counts[own.pk].placed_total == 1


def _hire(company, start, hours="20", kind=PlacementKind.ORDINAER, **fields):
    return PlacementFactory(
        company=company, kind=kind, start=start, hours_per_week=Decimal(hours), **fields
    )


def _outcome(commitment, on=DAY):
    return commitment_outcomes(commitment.company, on=on).get(pk=commitment.pk)


def test_a_commitment_met_by_enough_hires_before_its_due_date_is_fulfilled(personas):
    company = own_company(personas)
    commitment = JobCommitmentFactory(
        company=company, openings=2, hours_per_week=Decimal("15"), due_on=date(2025, 3, 31)
    )
    _hire(company, date(2025, 1, 6))
    _hire(company, date(2025, 3, 31), kind=PlacementKind.FLEKSJOB)

    outcome = _outcome(commitment)

    assert outcome.hires_by_due == 2
    assert outcome.status == CommitmentStatus.FULFILLED
    assert outcome.overdue is False


def test_a_commitment_with_too_few_hires_by_its_passed_due_date_is_partly_met_and_overdue(
    personas,
):
    company = own_company(personas)
    commitment = JobCommitmentFactory(
        company=company, openings=3, hours_per_week=Decimal("15"), due_on=date(2025, 3, 31)
    )
    _hire(company, date(2025, 2, 3))
    _hire(company, date(2025, 4, 1))  # after the due date: does not count
    _hire(company, date(2025, 2, 3), kind=PlacementKind.PRAKTIK)  # not a hire

    outcome = _outcome(commitment)

    assert outcome.hires_by_due == 1
    assert outcome.status == CommitmentStatus.PARTLY
    assert outcome.overdue is True


def test_a_commitment_not_yet_due_is_not_overdue(personas):
    company = own_company(personas)
    commitment = JobCommitmentFactory(company=company, openings=1, due_on=date(2025, 12, 31))

    outcome = _outcome(commitment)

    assert (outcome.hires_by_due, outcome.status, outcome.overdue) == (
        0,
        CommitmentStatus.NOT_MET,
        False,
    )


def test_only_hires_with_at_least_the_committed_hours_count(personas):
    company = own_company(personas)
    commitment = JobCommitmentFactory(
        company=company, openings=3, hours_per_week=Decimal("15"), due_on=date(2025, 3, 31)
    )
    _hire(company, date(2025, 1, 6), hours="15")
    _hire(company, date(2025, 1, 6), hours="14.5")
    stepped_up = _hire(company, date(2025, 1, 6), hours="8")
    PlacementStepFactory(
        placement=stepped_up, from_date=date(2025, 3, 3), hours_per_week=Decimal("16")
    )
    stepped_too_late = _hire(company, date(2025, 1, 6), hours="8")
    PlacementStepFactory(
        placement=stepped_too_late, from_date=date(2025, 4, 7), hours_per_week=Decimal("30")
    )

    assert _outcome(commitment).hires_by_due == 2


def test_a_citizen_hired_twice_meets_one_opening(personas):
    company = own_company(personas)
    commitment = JobCommitmentFactory(
        company=company, openings=2, hours_per_week=Decimal("10"), due_on=date(2025, 3, 31)
    )
    citizen = CitizenFactory()
    _hire(company, date(2024, 10, 7), citizen=citizen, end=date(2024, 12, 31))
    _hire(company, date(2025, 1, 6), citizen=citizen, kind=PlacementKind.FLEKSJOB)

    assert _outcome(commitment).hires_by_due == 1


def test_hires_in_another_company_do_not_count(personas):
    own, foreign = own_company(personas), foreign_company(personas)
    commitment = JobCommitmentFactory(company=own, openings=1, due_on=date(2025, 3, 31))
    _hire(foreign, date(2025, 1, 6))

    assert _outcome(commitment).hires_by_due == 0


# --- The company page -----------------------------------------------------------------------


def _page(client, company):
    response = client.get(reverse("accelerator:company_detail", args=[company.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_company_page_shows_commitments_against_hires(personas, signed_in):
    company = own_company(personas)
    today = timezone.localdate()
    JobCommitmentFactory(
        company=company,
        openings=4,
        hours_per_week=Decimal("20"),
        due_on=today - timedelta(days=10),
        description="Opvaskere i køkkenet",
    )
    for _ in range(3):
        _hire(company, today - timedelta(days=60), hours="25")

    page = _page(signed_in(personas.developer), company)

    assert "Tilsagn og resultater" in page
    assert "Opvaskere i køkkenet" in page
    assert "Delvist opfyldt" in page
    assert '<td class="num">4</td>' in page  # promised
    assert '<td class="num">3</td>' in page  # hired by the due date
    assert "Fristen er overskredet" in page
    assert 'id="outcome-chart-title"' in page
    assert "Ansættelser senest ved fristen" in page


def test_a_company_contact_sees_the_counts_of_their_own_company(personas, signed_in):
    company = own_company(personas)
    JobCommitmentFactory(
        company=company, openings=1, hours_per_week=Decimal("10"), due_on=date(2025, 3, 31)
    )
    _hire(company, date(2025, 1, 6))

    page = _page(signed_in(personas.contact), company)

    assert "Tilsagn og resultater" in page
    assert ">Opfyldt<" in page


def test_the_company_page_never_names_a_placed_citizen(personas, signed_in):
    company = own_company(personas)
    citizen = CitizenFactory(first_name="Quinbert", last_name="Flintholm")  # no persona name
    PlacementFactory(company=company, citizen=citizen, start=date(2025, 1, 6))
    _hire(company, date(2025, 1, 6), citizen=citizen)

    for user in (personas.admin, personas.developer, personas.contact):
        page = _page(signed_in(user), company)
        assert "Quinbert" not in page
        assert "Flintholm" not in page


def _queries_on_page(client, company):
    with CaptureQueriesContext(connection) as queries:
        _page(client, company)
    return len(queries)


def test_the_company_page_takes_the_same_number_of_queries_for_2_or_20_placements(
    personas, signed_in
):
    company = own_company(personas)
    client = signed_in(personas.developer)
    for due in (date(2025, 3, 31), date(2025, 9, 30)):
        JobCommitmentFactory(company=company, due_on=due)
    for index in range(2):
        _hire(company, date(2025, 1, 6) + timedelta(weeks=index))
    _page(client, company)  # warm caches (session, content types)
    few = _queries_on_page(client, company)

    for index in range(18):
        placement = _hire(
            company,
            date(2025, 1, 6) + timedelta(weeks=index),
            kind=list(PlacementKind)[index % len(PlacementKind)],
        )
        PlacementStepFactory(placement=placement, from_date=date(2025, 6, 2))
    many = _queries_on_page(client, company)

    assert many == few
