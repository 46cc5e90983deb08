"""Every write of the project economy: budget revisions, support percentages and the expense
register's steps. Each refuses an impossible state with a Danish message, and writes its
audit row in the same transaction (siv/audit.py)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from partnerships.models import Organisation, User
from reporting.models import SubProject
from siv import audit

from .models import BudgetLine, BudgetRevision, CostCategory, Expense, ExpenseState, SupportRate


def _day(value: date) -> str:
    return formats.date_format(value, "d.m.Y")


def _refuse_future(value: date, field: str) -> None:
    if value > timezone.localdate():
        raise ValidationError({field: _("Datoen ligger i fremtiden.")})


def _refuse_foreign_partner(sub_project: SubProject, partner: Organisation) -> None:
    if not sub_project.partners.filter(pk=partner.pk).exists():
        raise ValidationError(
            {
                "partner": _("%(partner)s er ikke økonomisk partner i %(sub_project)s.")
                % {"partner": partner, "sub_project": sub_project}
            }
        )


def budget_revision_create(
    *,
    sub_project: SubProject,
    approved_on: date,
    reason: str,
    amounts: Mapping[tuple[int, str], Decimal],
    by: User,
) -> BudgetRevision:
    """A whole budget as Erhvervsstyrelsen approved it on a date: `amounts` per (partner id,
    cost category). It is the budget in force from that date until a later revision."""
    _refuse_future(approved_on, "approved_on")
    partners = set(sub_project.partners.values_list("pk", flat=True))
    lines = {key: amount for key, amount in amounts.items() if amount}
    if not lines:
        raise ValidationError(_("Budgettet skal have mindst ét beløb."))
    if any(amount < 0 for amount in lines.values()):
        raise ValidationError(_("Et budgetbeløb kan ikke være negativt."))
    if any(partner not in partners for partner, _category in lines):
        raise ValidationError(_("Budgettet må kun have beløb for delprojektets partnere."))
    if any(category not in CostCategory.values for _partner, category in lines):
        raise ValidationError(_("Ukendt omkostningsart."))
    with transaction.atomic():
        if BudgetRevision.objects.filter(sub_project=sub_project, approved_on=approved_on).exists():
            raise ValidationError(
                {
                    "approved_on": _("Der er allerede en budgetrevision godkendt den %(day)s.")
                    % {"day": _day(approved_on)}
                }
            )
        revision = audit.save_and_record(
            obj=BudgetRevision(sub_project=sub_project, created_by=by),
            by=by,
            changes={"approved_on": approved_on, "reason": reason},
            details={"total": str(sum(lines.values(), Decimal(0)))},
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(revision=revision, partner_id=partner, category=category, amount=amount)
            for (partner, category), amount in sorted(lines.items())
        )
    return revision


def support_rate_add(
    *,
    sub_project: SubProject,
    valid_from: date,
    valid_to: date,
    percent: Decimal,
    reason: str = "",
    by: User,
) -> SupportRate:
    """A support percentage for a period; periods of one sub-project never overlap."""
    if valid_to < valid_from:
        raise ValidationError({"valid_to": _("Perioden slutter før den begynder.")})
    with transaction.atomic():
        clash = (
            SupportRate.objects.select_for_update()
            .filter(sub_project=sub_project, valid_from__lte=valid_to, valid_to__gte=valid_from)
            .first()
        )
        if clash is not None:
            raise ValidationError(
                _("Perioden overlapper støtteprocenten fra %(start)s til %(end)s.")
                % {"start": _day(clash.valid_from), "end": _day(clash.valid_to)}
            )
        return audit.save_and_record(
            obj=SupportRate(sub_project=sub_project),
            by=by,
            changes={
                "valid_from": valid_from,
                "valid_to": valid_to,
                "percent": percent,
                "reason": reason,
            },
        )


def expense_register(
    *,
    sub_project: SubProject,
    partner: Organisation,
    category: str,
    spent_on: date,
    amount: Decimal,
    document: str,
    description: str = "",
    by: User,
) -> Expense:
    """An invoice of one of the sub-project's partners, dated within the project period."""
    _refuse_future(spent_on, "spent_on")
    if not sub_project.project_start <= spent_on <= sub_project.project_end:
        raise ValidationError(
            {
                "spent_on": _("Datoen ligger uden for delprojektets periode (%(start)s–%(end)s).")
                % {"start": _day(sub_project.project_start), "end": _day(sub_project.project_end)}
            }
        )
    _refuse_foreign_partner(sub_project, partner)
    if amount <= 0:
        raise ValidationError({"amount": _("Beløbet skal være større end 0.")})
    return audit.save_and_record(
        obj=Expense(sub_project=sub_project, registered_by=by),
        by=by,
        changes={
            "partner": partner,
            "category": category,
            "spent_on": spent_on,
            "amount": amount,
            "document": document,
            "description": description,
        },
    )


def _refusal(state: str) -> str:
    if state == ExpenseState.APPROVED:
        return _("Udgiften er allerede godkendt.")
    return _("Udgiften er fjernet og kan ikke ændres.")


def _decide(
    *, expense: Expense, by: User, version: int, allowed: set[str], changes: dict
) -> Expense:
    with transaction.atomic():
        stored = Expense.objects.select_for_update().get(pk=expense.pk)
        if stored.state not in allowed:
            raise ValidationError(_refusal(stored.state))
        changes = {**changes, "decided_by": by, "decided_on": timezone.localdate()}
        return audit.save_and_record(
            obj=stored,
            by=by,
            changes=changes,
            opened=audit.Opened(version=version, touched=frozenset(changes)),
        )


def expense_approve(*, expense: Expense, by: User, version: int) -> Expense:
    """The controller approves a registered expense."""
    return _decide(
        expense=expense,
        by=by,
        version=version,
        allowed={ExpenseState.REGISTERED},
        changes={"state": ExpenseState.APPROVED},
    )


def expense_remove(
    *, expense: Expense, by: User, version: int, reservation: str, reason: str
) -> Expense:
    """The controller removes an expense (registered or approved) after a reservation from
    the accounts' review, saying which reservation and why; it stays in the register."""
    if not reservation.strip() or not reason.strip():
        raise ValidationError(_("Angiv forbeholdet og begrundelsen for at fjerne udgiften."))
    return _decide(
        expense=expense,
        by=by,
        version=version,
        allowed={ExpenseState.REGISTERED, ExpenseState.APPROVED},
        changes={
            "state": ExpenseState.REMOVED,
            "reservation": reservation.strip(),
            "removal_reason": reason.strip(),
        },
    )
