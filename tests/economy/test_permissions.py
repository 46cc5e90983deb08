from economy.models import Expense
from tests.factories.economy import ExpenseFactory, sub_project_with
from tests.matrix import Case, run_matrix


def own_sub_project(p):
    return [sub_project_with(p.own.jobcentre).pk]


def foreign_sub_project(p):
    return [sub_project_with(p.foreign.jobcentre, region="Region Midtjylland").pk]


def _expense(p, world, region):
    sub_project = sub_project_with(world.jobcentre, region=region)
    existing = Expense.objects.filter(sub_project=sub_project, partner=world.jobcentre).first()
    return [
        (
            existing
            or ExpenseFactory(
                sub_project=sub_project, partner=world.jobcentre, registered_by=p.controller
            )
        ).pk
    ]


def own_expense(p):
    return _expense(p, p.own, "Region Sjælland")


def foreign_expense(p):
    return _expense(p, p.foreign, "Region Midtjylland")


CASES = [
    Case("economy:overview", "economy.view"),
    Case("economy:budget", "economy.view", own=own_sub_project, foreign=foreign_sub_project),
    Case(
        "economy:budget_revision_create",
        "economy.write",
        own=own_sub_project,
        foreign=foreign_sub_project,
    ),
    Case(
        "economy:support_rate_create",
        "economy.write",
        own=own_sub_project,
        foreign=foreign_sub_project,
    ),
    Case("economy:expense_list", "economy.view", own=own_sub_project, foreign=foreign_sub_project),
    Case(
        "economy:expense_create", "economy.write", own=own_sub_project, foreign=foreign_sub_project
    ),
    Case("economy:expense_approve", "economy.write", own=own_expense, foreign=foreign_expense),
    Case("economy:expense_remove", "economy.write", own=own_expense, foreign=foreign_expense),
]

test_permission, test_signed_out_is_sent_to_login = run_matrix(CASES)
