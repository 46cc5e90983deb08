from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from participants.models import HoursKind
from pbr import selectors, services
from pbr.models import Contract, LedgerEntry, LedgerProposal, Outcome
from siv.pdf import RefusedURL, static_path
from siv.roles import Role
from tests.factories.participants import CitizenFactory, HoursEntryFactory
from tests.factories.pbr import make_contract

from .conftest import JOB_START, paid_placement


@pytest.fixture
def koege_contract(personas):
    return make_contract(personas.own.municipality, personas.cluster)


@pytest.fixture
def naestved_contract(personas):
    return make_contract(personas.foreign.municipality, personas.cluster)


def accrue(contract, subject="citizen:1", kind="job_started", achieved_on=JOB_START):
    outcome = Outcome.objects.create(
        contract=contract, kind=kind, subject=subject, achieved_on=achieved_on
    )
    return services.ledger_accrue(outcome=outcome)


def test_ledger_list_takes_the_same_number_of_queries_for_many_rows(
    signed_in, personas, koege_contract
):
    client = signed_in(personas.controller)
    accrue(koege_contract, "citizen:1")
    client.get(reverse("pbr:ledger"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("pbr:ledger"))
    for n in range(2, 30):
        accrue(koege_contract, f"citizen:{n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("pbr:ledger"))
    assert response.status_code == 200
    assert len(many) == len(few)


def test_balances_are_summed_in_the_database_with_danish_numbers(
    signed_in, personas, koege_contract
):
    accrue(koege_contract)
    services.payment_register(
        contract=koege_contract,
        by=personas.controller,
        amount=Decimal("2500.5"),
        booked_on=date(2025, 1, 10),
        idempotency_key="bank-1",
    )
    response = signed_in(personas.controller).get(reverse("pbr:overview"))
    content = response.content.decode()
    assert "10.000,00" in content and "2.500,50" in content and "7.499,50" in content


def test_a_municipal_lead_sees_only_their_own_municipality(
    signed_in, personas, koege_contract, naestved_contract
):
    accrue(koege_contract)
    accrue(naestved_contract)
    response = signed_in(personas.lead).get(reverse("pbr:overview"))
    content = response.content.decode()
    assert "Køge" in content and "Næstved" not in content
    rows = selectors.ledger_for(personas.lead)
    assert {e.municipality_id for e in rows} == {personas.own.municipality.pk}


def test_a_lead_cannot_write_to_the_ledger(signed_in, personas, koege_contract):
    client = signed_in(personas.lead)
    url = reverse("pbr:payment_create", args=[koege_contract.pk])
    response = client.post(url, {"amount": "10", "booked_on": "2025-01-01", "idempotency_key": "k"})
    assert response.status_code == 404
    assert LedgerEntry.objects.count() == 0


def test_a_double_submitted_payment_is_proposed_once(signed_in, personas, koege_contract):
    client = signed_in(personas.controller)
    url = reverse("pbr:payment_create", args=[koege_contract.pk])
    data = {"amount": "100,00", "booked_on": "2025-01-01", "idempotency_key": "abc", "memo": ""}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert LedgerProposal.objects.count() == 1
    assert LedgerEntry.objects.count() == 0


def test_an_invoice_with_nothing_to_invoice_is_a_form_error(signed_in, personas, koege_contract):
    client = signed_in(personas.controller)
    url = reverse("pbr:invoice_create", args=[koege_contract.pk])
    response = client.post(url, {"booked_on": "2025-01-01", "idempotency_key": "x"})
    assert response.status_code == 200
    assert "Der er intet nyt at fakturere" in response.content.decode()


def test_the_invoice_pdf_lists_outcomes_with_evidence_dates_in_danish_formats(
    signed_in, personas, koege_contract
):
    citizen = CitizenFactory(municipality=personas.own.municipality, cluster=personas.cluster)
    paid_placement(citizen)
    services.detect_contract(contract=koege_contract, as_of=JOB_START + timedelta(days=2))
    response = signed_in(personas.controller).post(
        reverse("pbr:invoice_create", args=[koege_contract.pk]),
        {"booked_on": "2025-02-03", "idempotency_key": "inv-1"},
    )
    assert response.status_code == 302
    client = signed_in(personas.foreign[Role.CONTROLLER])
    proposal = LedgerProposal.objects.get()
    response = client.post(
        reverse("pbr:proposal_detail", args=[proposal.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    pdf = client.get(reverse("pbr:invoice_pdf", args=[LedgerEntry.objects.get(kind="invoice").pk]))
    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(pdf.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "03.02.2025" in text
    assert "10.000,00" in text
    assert "04.03.2024 04.03.2024" in text  # achieved on, and the placement's start
    assert "Side 1 af 1" in text
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4


def test_the_pdf_fetches_only_the_apps_own_static_files():
    assert static_path("file:///static/pbr/invoice.css").endswith("invoice.css")
    for url in (
        "https://example.com/x.css",
        "file:///etc/passwd",
        "file:///static/../siv/settings.py",
        "http://127.0.0.1/static/pbr/invoice.css",
    ):
        with pytest.raises(RefusedURL):
            static_path(url)


def test_detect_queues_the_job_after_the_transaction(
    signed_in, personas, django_capture_on_commit_callbacks
):
    client = signed_in(personas.controller)
    with (
        mock.patch("pbr.tasks.detect_outcomes.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("pbr:detect"))
    assert response.status_code == 302
    delay.assert_called_once_with(user_id=personas.controller.pk)


def test_the_task_runs_the_same_detection(personas, koege_contract):
    from pbr.tasks import detect_outcomes

    citizen = CitizenFactory(municipality=personas.own.municipality, cluster=personas.cluster)
    paid_placement(citizen, start=date.today() - timedelta(days=1))
    assert detect_outcomes(municipality_id=personas.own.municipality.pk) == {
        "accrued": 1,
        "reversed": 0,
    }
    assert detect_outcomes() == {"accrued": 0, "reversed": 0}


def test_business_case_finds_break_even_from_dated_rates(signed_in, personas, koege_contract):
    citizen = CitizenFactory(
        municipality=personas.own.municipality, cluster=personas.cluster, benefit="kontanthjaelp"
    )
    accrue(koege_contract, f"citizen:{citizen.pk}")  # 10.000 kr. booked today
    month = date.today().replace(day=1)
    monday = month + timedelta(days=(7 - month.weekday()) % 7)
    for n in range(4):
        HoursEntryFactory(
            citizen=citizen,
            week_start=monday - timedelta(weeks=n),
            kind=HoursKind.PAID,
            hours=Decimal("30"),
        )
    # 3.200 kr. a week, all of it saved at 30 hours: 12.800 kr. across the weeks.
    case = selectors.business_case(personas.own.municipality)
    assert case["total_savings"] == Decimal("12800.00")
    assert case["total_investment"] == Decimal("10000.00")
    assert case["break_even"] is not None
    response = signed_in(personas.lead).get(
        reverse("pbr:business_case", args=[personas.own.municipality.pk])
    )
    content = response.content.decode()
    assert "<svg" in content and "<caption>" in content and "Break-even" in content


def test_what_if_recomputes_without_touching_the_ledger(signed_in, personas, koege_contract):
    accrue(koege_contract)
    rows = LedgerEntry.objects.count()
    response = signed_in(personas.controller).get(
        reverse("pbr:what_if", args=[personas.own.municipality.pk]),
        {
            "tariff_job_started": "20000",
            "tariff_retained_13": "0",
            "tariff_retained_26": "0",
            "tariff_retained_52": "0",
            "tariff_ebitda_growth": "0",
            "deadweight_share": "0,5",
            "rate_percent": "100",
        },
    )
    assert response.status_code == 200
    assert response.context["case"]["total_investment"] == Decimal("10000.00")
    assert LedgerEntry.objects.count() == rows


def test_start_page_panels_show_totals_and_the_leads_break_even(
    signed_in, personas, koege_contract
):
    accrue(koege_contract)
    content = signed_in(personas.controller).get(reverse("home")).content.decode()
    assert "Resultatbetaling" in content and "10.000,00" in content
    content = signed_in(personas.lead).get(reverse("home")).content.decode()
    assert "Break-even" in content
    content = signed_in(personas.caseworker).get(reverse("home")).content.decode()
    assert "Resultatbetaling" not in content


def test_a_controller_creates_a_contract_and_a_new_version(signed_in, personas):
    client = signed_in(personas.controller)
    terms = {
        "municipality": personas.own.municipality.pk,
        "cluster": personas.cluster.pk,
        "name": "",
        "valid_from": "2024-01-01",
        "tariff_job_started": "10000",
        "tariff_retained_13": "5000",
        "tariff_retained_26": "5000",
        "tariff_retained_52": "5000",
        "tariff_ebitda_growth": "0",
        "fixed_part": "0",
        "deadweight_share": "0,1",
        "min_hours_per_week": "15",
        "retention_mode": "continuous",
    }
    response = client.post(reverse("pbr:contract_create"), terms)
    assert response.status_code == 302
    contract = koege_contract_of(personas)
    version_url = reverse("pbr:version_create", args=[contract.pk])
    past = {**terms, "valid_from": "2024-06-01"}
    response = client.post(version_url, past)
    assert "kan ikke gælde fra en dato i fortiden" in response.content.decode()
    today = {**terms, "valid_from": date.today().isoformat(), "tariff_job_started": "12000"}
    assert client.post(version_url, today).status_code == 302
    assert contract.versions.count() == 2


def koege_contract_of(personas):
    return Contract.objects.get(municipality=personas.own.municipality)


def test_a_version_added_since_the_form_was_opened_is_a_conflict_not_undone(client, personas):
    """Two controllers open "Ny version" on the same contract; the first saves new tariffs.
    The second's form was prefilled from the version before: saving it is refused in Danish
    instead of silently restoring the old tariffs from its date."""
    contract = make_contract(personas.own.municipality, personas.cluster)
    client.force_login(personas.controller)
    url = reverse("pbr:version_create", args=[contract.pk])
    opened = client.get(url).context["form"].initial
    stale = {
        k: ("" if v is None else str(v).replace(".", ","))
        for k, v in opened.items()
        if k != "valid_from"
    }
    stale["valid_from"] = (date.today() + timedelta(days=10)).isoformat()
    first = {**stale, "valid_from": date.today().isoformat(), "tariff_job_started": "99000"}
    assert client.post(url, first).status_code == 302
    response = client.post(url, stale)
    assert response.status_code == 200
    assert "har fået en ny version, siden du åbnede formularen" in response.content.decode()
    assert contract.versions.count() == 2
