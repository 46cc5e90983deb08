"""Economic growth (C02): EBITDA two years after the entry year strictly above the entry year's."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accelerator.models import Company
from accelerator.selectors import company_growth, ebitda_grew
from tests.factories.accelerator import CompanyFactory, CompanyFinancialFactory


def _company_with(entry: str | None, after: str | None, *, entry_year=2019):
    company = CompanyFactory(entry_year=entry_year)
    if entry is not None:
        CompanyFinancialFactory(company=company, year=entry_year, ebitda=Decimal(entry))
    if after is not None:
        CompanyFinancialFactory(company=company, year=entry_year + 2, ebitda=Decimal(after))
    # A figure for the year in between never decides growth.
    CompanyFinancialFactory(company=company, year=entry_year + 1, ebitda=Decimal("999999"))
    return company


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("entry", "after", "expected", "annotated"),
    [
        ("100000", "100000.01", True, True),
        ("100000", "100000", False, False),
        ("100000", "90000", False, False),
        ("-50000", "-10000", True, True),
        ("100000", None, None, False),
        (None, "100000", None, False),
    ],
    ids=[
        "higher",
        "equal-is-not-growth",
        "lower",
        "less-negative",
        "missing-after",
        "missing-entry",
    ],
)
def test_growth_compares_entry_year_with_two_years_later(entry, after, expected, annotated):
    company = _company_with(entry, after)
    assert company_growth(company) is expected
    assert Company.objects.with_growth().get(pk=company.pk).has_growth is annotated
    assert Company.objects.grown().filter(pk=company.pk).exists() is annotated


@pytest.mark.django_db
def test_a_company_without_entry_year_has_no_growth():
    company = CompanyFactory(entry_year=None)
    CompanyFinancialFactory(company=company, year=2019, ebitda=Decimal(1))
    assert company_growth(company) is None
    assert not Company.objects.grown().exists()


@pytest.mark.django_db
def test_growth_of_many_companies_takes_one_query(django_assert_num_queries):
    for n in range(5):
        _company_with("100", str(100 + n))
    with django_assert_num_queries(1):
        grown = sorted(c.has_growth for c in Company.objects.with_growth())
    assert grown == [False, True, True, True, True]


def test_the_company_page_says_equal_ebitda_is_no_growth(personas, signed_in):
    from django.urls import reverse

    from .conftest import own_company

    company = own_company(personas, entry_year=2019)
    CompanyFinancialFactory(company=company, year=2019, ebitda=Decimal("200000"))
    CompanyFinancialFactory(company=company, year=2021, ebitda=Decimal("200000"))
    response = signed_in(personas.developer).get(
        reverse("accelerator:company_detail", args=[company.pk])
    )
    content = response.content.decode()
    assert "Nej: EBITDA to år efter indgangsåret er ikke højere" in content
    assert '<title id="financial-chart-title">' in content
    assert '<desc id="financial-chart-desc">' in content
    assert "200.000,00 kr." in content


amounts = st.decimals(
    min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2, allow_nan=False
)


@given(amounts, amounts)
def test_growth_is_strictly_higher_ebitda(entry, after):
    assert ebitda_grew(entry, after) is (after > entry)
    assert ebitda_grew(entry, entry) is False


@given(st.one_of(st.none(), amounts))
def test_a_missing_year_is_never_growth(value):
    assert ebitda_grew(None, value) is None
    assert ebitda_grew(value, None) is None
