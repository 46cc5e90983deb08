import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from economy.models import BudgetLine, BudgetRevision, CostCategory, Expense, SupportRate
from partnerships.models import Region

from .reporting import SubProjectFactory


def sub_project_with(*partners, region: str = "Region Sjælland", **fields):
    """The region's sub-project, with these organisations among its economic partners."""
    sub_project = SubProjectFactory(region=Region.objects.get(name=region), **fields)
    sub_project.partners.add(*partners)
    return sub_project


class BudgetRevisionFactory(DjangoModelFactory):
    class Meta:
        model = BudgetRevision

    sub_project = factory.SubFactory(SubProjectFactory)
    approved_on = datetime.date(2018, 2, 28)
    reason = "Oprindeligt budget"
    created_by = factory.SubFactory("tests.factories.partnerships.UserFactory", role="controller")


class BudgetLineFactory(DjangoModelFactory):
    class Meta:
        model = BudgetLine

    revision = factory.SubFactory(BudgetRevisionFactory)
    partner = factory.SubFactory("tests.factories.partnerships.OrganisationFactory")
    category = CostCategory.SALARY
    amount = Decimal("100000.00")


class SupportRateFactory(DjangoModelFactory):
    class Meta:
        model = SupportRate

    sub_project = factory.SubFactory(SubProjectFactory)
    valid_from = datetime.date(2018, 1, 1)
    valid_to = datetime.date(2022, 9, 30)
    percent = Decimal("50.00")


class ExpenseFactory(DjangoModelFactory):
    """A registered expense; `state`, `decided_on` and the removal's texts as the test needs."""

    class Meta:
        model = Expense

    sub_project = factory.SubFactory(SubProjectFactory)
    partner = factory.SubFactory("tests.factories.partnerships.OrganisationFactory")
    category = CostCategory.SALARY
    spent_on = datetime.date(2020, 3, 2)
    amount = Decimal("1234.56")
    document = factory.Sequence(lambda n: f"F-{n + 1000}")
    registered_by = factory.SubFactory(
        "tests.factories.partnerships.UserFactory", role="controller"
    )
