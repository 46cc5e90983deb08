from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from siv.access import get_for_user_or_404
from siv.forms import save_valid
from siv.permissions import has_perm, permission_required

from . import selectors, services
from .forms import (
    ApproveForm,
    BudgetRevisionForm,
    ExpenseFilter,
    ExpenseForm,
    RemoveForm,
    SupportRateForm,
)
from .models import BudgetLine, BudgetRevision, CostCategory, Expense

EXPENSE_PAGE = 50


def _sub_project(request, pk: int):
    return get_for_user_or_404(selectors.sub_projects_for(request.user), request.user, pk=pk)


@permission_required("economy.view")
def overview(request):
    on = timezone.localdate()
    rows = selectors.sub_project_totals(
        user=request.user, sub_projects=selectors.sub_projects_for(request.user), on=on
    )
    return render(request, "economy/overview.html", {"rows": rows, "on": on})


@permission_required("economy.view")
def budget(request, pk: int):
    sub_project = _sub_project(request, pk)
    on = parse_date(request.GET.get("dato") or "") or timezone.localdate()
    scope = selectors.sub_projects_for(request.user).filter(pk=sub_project.pk)
    revision = selectors.revisions_in_force(scope, on).first()
    figures = selectors.budget_against_actual(user=request.user, sub_projects=scope, on=on)
    return render(
        request,
        "economy/budget.html",
        {
            "sub_project": sub_project,
            "on": on,
            "revision": revision,
            "revisions": BudgetRevision.objects.for_user(request.user)
            .filter(sub_project=sub_project)
            .order_by("-approved_on"),
            "grid": selectors.budget_grid(user=request.user, revision=revision) if revision else [],
            "figures": figures,
            "chart": figures.chart(_("Budget og forbrug pr. omkostningsart")),
            "rates": selectors.support_rates(user=request.user, sub_projects=scope),
            "large_partners": selectors.large_partners(
                user=request.user, sub_projects=scope, on=on
            ),
            "categories": CostCategory.labels,
            "may_write": has_perm(request.user, "economy.write"),
        },
    )


@permission_required("economy.write")
def budget_revision_create(request, pk: int):
    sub_project = _sub_project(request, pk)
    partners = selectors.partner_choices(sub_project)
    latest = selectors.revisions_in_force(
        selectors.sub_projects_for(request.user).filter(pk=pk), timezone.localdate()
    ).first()
    amounts = (
        {
            (line.partner_id, line.category): line.amount
            for line in BudgetLine.objects.filter(revision=latest)
        }
        if latest
        else {}
    )
    form = BudgetRevisionForm(
        request.POST or None,
        partners=partners,
        amounts=amounts,
        initial={"approved_on": timezone.localdate()},
    )
    if request.method == "POST":
        revision = save_valid(
            form,
            lambda: services.budget_revision_create(
                sub_project=sub_project,
                approved_on=form.cleaned_data["approved_on"],
                reason=form.cleaned_data["reason"],
                amounts=form.amounts(),
                by=request.user,
            ),
        )
        if revision is not None:
            messages.success(request, _("Budgetrevisionen er registreret."))
            return redirect("economy:budget", sub_project.pk)
    return render(
        request,
        "economy/budget_revision_form.html",
        {"sub_project": sub_project, "form": form, "based_on": latest},
    )


def _sub_project_form(request, sub_project, form, *, service, title: str, done: str, then: str):
    """A form that writes one record of the sub-project through `service`, then returns to
    the page `then` with the message `done`."""
    if request.method == "POST" and save_valid(
        form, lambda: service(sub_project=sub_project, by=request.user, **form.cleaned_data)
    ):
        messages.success(request, done)
        return redirect(then, sub_project.pk)
    return render(
        request,
        "form.html",
        {
            "form": form,
            "title": title,
            "submit": _("Registrer"),
            "parent_url": reverse("economy:budget", args=[sub_project.pk]),
            "parent_label": sub_project.name,
            "back": reverse("economy:budget", args=[sub_project.pk]),
        },
    )


@permission_required("economy.write")
def support_rate_create(request, pk: int):
    return _sub_project_form(
        request,
        _sub_project(request, pk),
        SupportRateForm(request.POST or None),
        service=services.support_rate_add,
        title=_("Ny støtteprocent"),
        done=_("Støtteprocenten er registreret."),
        then="economy:budget",
    )


@permission_required("economy.view")
def expense_list(request, pk: int):
    sub_project = _sub_project(request, pk)
    expenses = (
        Expense.objects.for_user(request.user)
        .filter(sub_project=sub_project)
        .select_related("partner")
    )
    expense_filter = ExpenseFilter(
        request.GET or None, queryset=expenses, partners=selectors.partner_choices(sub_project)
    )
    page = Paginator(expense_filter.qs, EXPENSE_PAGE).get_page(request.GET.get("side"))
    return render(
        request,
        "economy/expense_list.html",
        {
            "sub_project": sub_project,
            "filter": expense_filter,
            "page": page,
            "totals": selectors.expense_totals(expense_filter.qs),
            "may_write": has_perm(request.user, "economy.write"),
        },
    )


@permission_required("economy.write")
def expense_create(request, pk: int):
    sub_project = _sub_project(request, pk)
    return _sub_project_form(
        request,
        sub_project,
        ExpenseForm(request.POST or None, partners=selectors.partner_choices(sub_project)),
        service=services.expense_register,
        title=_("Registrer udgift"),
        done=_("Udgiften er registreret."),
        then="economy:expense_list",
    )


def _decision(request, pk: int, *, form_class, template: str, decide, done: str):
    expense = get_for_user_or_404(
        Expense.objects.select_related("partner", "sub_project"), request.user, write=True, pk=pk
    )
    form = form_class(request.POST or None, initial={"version": expense.version})
    if request.method == "POST" and save_valid(form, lambda: decide(expense, form.cleaned_data)):
        messages.success(request, done)
        return redirect("economy:expense_list", expense.sub_project_id)
    return render(request, template, {"expense": expense, "form": form})


@permission_required("economy.write")
def expense_approve(request, pk: int):
    return _decision(
        request,
        pk,
        form_class=ApproveForm,
        template="economy/expense_approve.html",
        decide=lambda expense, data: services.expense_approve(
            expense=expense, by=request.user, version=data["version"]
        ),
        done=_("Udgiften er godkendt."),
    )


@permission_required("economy.write")
def expense_remove(request, pk: int):
    return _decision(
        request,
        pk,
        form_class=RemoveForm,
        template="economy/expense_remove.html",
        decide=lambda expense, data: services.expense_remove(
            expense=expense,
            by=request.user,
            version=data["version"],
            reservation=data["reservation"],
            reason=data["reason"],
        ),
        done=_("Udgiften er fjernet."),
    )
