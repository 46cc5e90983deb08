"""Headings 2, 6 and 7 of the progress statement are filled from the economy: the budget,
the expenses and the removed expenses come back out of the statement's tables, and its
totals agree with the register to the øre."""

import io
import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from economy import selectors
from economy.models import CostCategory, ExpenseState
from reporting import exports, services
from reporting.selectors import ReportParams
from tests.factories.economy import (
    BudgetLineFactory,
    BudgetRevisionFactory,
    ExpenseFactory,
    SupportRateFactory,
)
from tests.factories.partnerships import OrganisationFactory

pytestmark = pytest.mark.django_db
PERIOD = ReportParams(region="Region Sjælland", start=date(2021, 7, 1), end=date(2021, 12, 31))
# (partner key, category, date, amount, state) of the register; amounts with øre that a
# rounding on the way would lose.
REGISTER = [
    ("koege", CostCategory.SALARY, date(2019, 5, 1), "1999999.99", ExpenseState.APPROVED),
    ("koege", CostCategory.SALARY, date(2021, 8, 1), "120000.01", ExpenseState.REGISTERED),
    ("koege", CostCategory.AUDIT, date(2021, 9, 1), "33333.33", ExpenseState.APPROVED),
    ("actor", CostCategory.CONSULTANCY, date(2020, 2, 3), "45678.90", ExpenseState.APPROVED),
    ("sidesporet", CostCategory.CONSULTANCY, date(2020, 4, 1), "10000.10", ExpenseState.REMOVED),
    ("sidesporet", CostCategory.OTHER, date(2020, 6, 1), "2500.05", ExpenseState.REMOVED),
    ("actor", CostCategory.INFORMATION, date(2020, 9, 9), "777.77", ExpenseState.REMOVED),
    # After the period's end: not counted.
    ("koege", CostCategory.SALARY, date(2022, 1, 3), "5000.00", ExpenseState.APPROVED),
]


@pytest.fixture
def economy(sjaelland, personas):
    sidesporet = OrganisationFactory(name="Sidesporet")
    sjaelland.partners.add(sidesporet)
    partners = {
        "koege": personas.own.jobcentre,
        "actor": personas.own.actor_org,
        "sidesporet": sidesporet,
    }
    original = BudgetRevisionFactory(sub_project=sjaelland, approved_on=date(2018, 2, 28))
    revised = BudgetRevisionFactory(
        sub_project=sjaelland,
        approved_on=date(2021, 3, 15),
        reason="Revideret budget: forlængelse til september 2022 efter nedlukningerne",
    )
    later = BudgetRevisionFactory(sub_project=sjaelland, approved_on=date(2022, 2, 1))
    for revision, salary in ((original, "2000000.00"), (revised, "2200000.00"), (later, "1")):
        BudgetLineFactory(revision=revision, partner=partners["koege"], amount=Decimal(salary))
        BudgetLineFactory(
            revision=revision,
            partner=partners["actor"],
            category=CostCategory.CONSULTANCY,
            amount=Decimal("300000.50"),
        )
    SupportRateFactory(sub_project=sjaelland, percent=Decimal("50"))
    for key, category, spent_on, amount, state in REGISTER:
        removed = state == ExpenseState.REMOVED
        ExpenseFactory(
            sub_project=sjaelland,
            partner=partners[key],
            category=category,
            spent_on=spent_on,
            amount=Decimal(amount),
            state=state,
            decided_on=date(2021, 10, 4) if state != ExpenseState.REGISTERED else None,
            reservation=(
                ("Forbehold i regnskab 2020" if key == "sidesporet" else "Revisors stikprøve")
                if removed
                else ""
            ),
            removal_reason=(
                (
                    "Alle fakturaer fra Sidesporet er fjernet pga. forbehold"
                    if key == "sidesporet"
                    else "Udgiften kunne ikke dokumenteres"
                )
                if removed
                else ""
            ),
        )
    # Another region's sub-project: never in Region Sjælland's statement.
    midtjylland = BudgetRevisionFactory(
        sub_project__region=personas.foreign.municipality.region.__class__.objects.get(
            name="Region Midtjylland"
        )
    )
    BudgetLineFactory(revision=midtjylland, partner=personas.foreign.jobcentre)
    return partners


def _money(text: str) -> Decimal:
    return Decimal(text.replace(".", "").replace(",", ".").strip())


def _register(state_filter, *, key=None, category=None) -> Decimal:
    """The register's sum, from REGISTER itself (dated up to the period's end)."""
    return sum(
        (
            Decimal(amount)
            for k, c, spent_on, amount, state in REGISTER
            if state in state_filter
            and spent_on <= PERIOD.end
            and key in (None, k)
            and category in (None, c)
        ),
        Decimal("0.00"),
    )


class Tables(HTMLParser):
    """Every table of a page as rows of cell texts, by caption."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption = None
        self._rows = None
        self._cell = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "table":
            self.tables[self._caption] = self._rows
            self._rows = None

    def handle_data(self, data):
        if self._in_caption:
            self._caption += data
        elif self._cell is not None:
            self._cell += data


def _statement_html(monkeypatch) -> str:
    """The progress statement's HTML, from the very context its PDF is made of."""
    captured = {}

    def keep(template, context, *, title):
        captured.update(template=template, context=context)
        return b"%PDF-1.7"

    monkeypatch.setattr(exports, "render_pdf", keep)
    exports.BUILDERS["progress"](PERIOD, "pdf", lambda percent: None)
    return render_to_string(captured["template"], captured["context"])


def test_budget_expenses_and_removed_expenses_round_trip_through_the_statements_tables(
    economy, monkeypatch
):
    parser = Tables()
    parser.feed(_statement_html(monkeypatch))
    tables = parser.tables

    budget = {
        row[0]: row[1:] for row in tables["Budget og forbrug pr. omkostningsart pr. 31.12.2021"][1:]
    }
    counted = {ExpenseState.REGISTERED, ExpenseState.APPROVED}
    for category, label in CostCategory.choices:
        _budget, spent, approved, _rest = (_money(v) for v in budget[str(label)])
        assert spent == _register(counted, category=category), label
        assert approved == _register({ExpenseState.APPROVED}, category=category), label
    # The revision in force on 31.12.2021 is the one of 15.03.2021.
    assert _money(budget["Løn"][0]) == Decimal("2200000.00")
    assert _money(budget["Ekstern konsulentbistand"][0]) == Decimal("300000.50")
    direct = _money(budget["Direkte omkostninger i alt"][1])
    assert direct == _register(counted) == Decimal("2199012.23")
    assert _money(budget["Projektomkostninger (18 %)"][1]) == Decimal("395822.20")
    assert _money(budget["I alt inkl. projektomkostninger"][1]) == Decimal("2594834.43")
    assert _money(budget["Direkte omkostninger i alt"][0]) == Decimal("2500000.50")

    revisions = tables["Budgetrevisioner"]
    assert [row[0] for row in revisions[1:]] == ["28.02.2018", "15.03.2021"]
    assert "forlængelse til september 2022 efter nedlukningerne" in revisions[2][2]

    large = next(rows for caption, rows in tables.items() if caption.startswith("Partnere med"))
    # Køge: budget 2.200.000,00 + 18 % = 2.596.000,00; spent 2.153.333,33 + 18 %.
    assert large[1:] == [["Jobcenter Køge", "2.596.000,00", "2.540.933,33"]]

    removed = tables["Udgifter fjernet efter forbehold"]
    groups = [row for row in removed if row[0].startswith("Forbehold:")]
    assert groups == [["Forbehold: Forbehold i regnskab 2020"], ["Forbehold: Revisors stikprøve"]]
    lines = [row for row in removed if len(row) == 5 and re.match(r"\d\d\.\d\d\.\d{4}", row[0])]
    assert sum(_money(row[4]) for row in lines) == _register({ExpenseState.REMOVED})
    assert [
        "01.04.2020",
        "Sidesporet",
        lines[0][2],
        "Alle fakturaer fra Sidesporet er fjernet pga. forbehold",
        "10.000,10",
    ] == lines[0]
    totals = [_money(row[-1]) for row in removed if row[0].startswith("Fjernet i alt")]
    assert totals == [
        _register({ExpenseState.REMOVED}, key="sidesporet"),
        _register({ExpenseState.REMOVED}, key="actor"),
    ]


def test_the_statements_totals_agree_with_the_register_to_the_ore(economy, sjaelland):
    figures = selectors.statement_figures(PERIOD)
    register = selectors.register_totals(
        user=None, sub_projects=selectors.statement_sub_projects(PERIOD), on=PERIOD.end
    )
    assert figures.budget.spent == register["counted"] == Decimal("2199012.23")
    assert figures.budget.approved == register["approved"] == Decimal("2079012.22")
    removed = sum((r.total for r in figures.reservations), Decimal("0.00"))
    assert removed == register["removed"] == Decimal("13277.92")
    # 50 % of the counted expenses with their 18 % project costs.
    assert figures.support == Decimal("1297417.22")


def test_the_progress_statement_pdf_prints_the_economy_under_its_headings(economy):
    job = services.job_create(by=None, kind="progress", fmt="pdf", params=PERIOD, queue=False)
    artifact = services.run_job(job.pk)
    assert artifact is not None, job.error
    with artifact.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    economy_part = text[
        text.index("2. Projektets økonomi") : text.index("3. Projektets organisering")
    ]
    assert "Direkte omkostninger i alt 2.500.000,50 2.199.012,23" in economy_part
    heading_6 = text[text.index("6. Partnere afholdt") : text.index("7. Projektets håndtering")]
    assert "Jobcenter Køge 2.596.000,00 2.540.933,33" in heading_6
    heading_7 = text[text.index("7. Projektets håndtering") : text.index("8. Forslag")]
    assert "Alle fakturaer fra Sidesporet er fjernet pga. forbehold" in heading_7
    assert "Fjernet i alt (2 udgifter) 12.500,15" in heading_7


def test_a_municipalitys_statement_carries_its_regions_economy(economy, personas):
    by_municipality = ReportParams(municipality="Køge", start=PERIOD.start, end=PERIOD.end)
    programme = ReportParams(start=PERIOD.start, end=PERIOD.end)
    sjaelland = selectors.statement_figures(PERIOD)
    assert selectors.statement_figures(by_municipality).budget == sjaelland.budget
    whole = selectors.statement_figures(programme)
    assert whole.budget.budget == sjaelland.budget.budget + Decimal("100000.00")
    assert whole.budget.spent == sjaelland.budget.spent
