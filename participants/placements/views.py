"""Placement pages on the citizen's track, and the company page's section of outcomes."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accelerator.models import Company
from participants.track.rules import Action
from participants.track.views import (
    citizen_form_shown,
    citizen_url,
    refuse_if_not_offered,
    writable_citizen,
)
from siv.access import get_for_user_or_404
from siv.forms import add_validation_error, save_edit
from siv.permissions import permission_required

from . import services
from .forms import PlacementEditForm, PlacementForm, PlacementStepFormSet, RetentionConfirmForm
from .models import RETENTION_WEEKS, Placement
from .selectors import commitment_outcomes, company_counts, outcome_chart


@permission_required("citizens.write")
def placement_add(request, pk: int):
    citizen = writable_citizen(request, pk)
    if (refused := refuse_if_not_offered(request, citizen, Action.PLACEMENT)) is not None:
        return refused
    form = PlacementForm(request.POST or None)
    steps = PlacementStepFormSet(request.POST or None, prefix="trin")
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        try:
            services.placement_create_with_plan(
                citizen=citizen, by=request.user, plan=steps.plan(), **form.cleaned_data
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Placeringen er gemt."))
            return redirect(citizen_url(citizen))
    return render(
        request,
        "participants/placement_form.html",
        {
            "form": form,
            "steps": steps,
            "citizen": citizen,
            "visibility": citizen_form_shown(request, citizen),
        },
    )


def _writable_placement(request, pk: int, placement_pk: int) -> Placement:
    return get_for_user_or_404(
        Placement.objects.select_related("citizen", "company").prefetch_related("steps"),
        request.user,
        write=True,
        pk=placement_pk,
        citizen_id=pk,
    )


@permission_required("citizens.write")
def placement_edit(request, pk: int, placement_pk: int):
    placement = _writable_placement(request, pk, placement_pk)
    form = PlacementEditForm(request.POST or None, placement=placement)
    if request.method == "POST" and form.is_valid() and form.steps.is_valid():
        save = partial(
            services.placement_update, placement=placement, by=request.user, plan=form.steps.plan()
        )
        if save_edit(form, save):
            messages.success(request, _("Placeringen er gemt."))
            return redirect(citizen_url(placement.citizen))
    return render(
        request,
        "participants/placement_form.html",
        {
            "form": form,
            "steps": form.steps,
            "citizen": placement.citizen,
            "placement": placement,
            "visibility": citizen_form_shown(request, placement.citizen),
        },
    )


@permission_required("citizens.write")
def placement_retention(request, pk: int, placement_pk: int, weeks: int):
    placement = _writable_placement(request, pk, placement_pk)
    if weeks not in RETENTION_WEEKS or not placement.is_paid:
        raise Http404
    due = placement.start + timedelta(weeks=weeks)
    form = RetentionConfirmForm(
        request.POST or None, initial={"confirmed_on": min(due, timezone.localdate())}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_confirm_retention(
                placement=placement,
                by=request.user,
                weeks=weeks,
                confirmed_on=form.cleaned_data["confirmed_on"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Fastholdelsen er bekræftet."))
            return redirect(citizen_url(placement.citizen))
    return render(
        request,
        "participants/record_form.html",
        {
            "form": form,
            "citizen": placement.citizen,
            "title": _("Bekræft fastholdelse efter %(weeks)s uger") % {"weeks": weeks},
            "intro": _("%(placement)s, startet %(start)s. Fastholdelsen kan bekræftes fra %(due)s.")
            % {
                "placement": placement,
                "start": placement.start.strftime("%d.%m.%Y"),
                "due": due.strftime("%d.%m.%Y"),
            },
            "visibility": citizen_form_shown(request, placement.citizen),
        },
    )


def company_section(request, company: Company) -> dict[str, Any]:
    """Context of the company page's "Tilsagn og resultater" section (aggregates only).

    The company page has already fetched the company through the viewer's scope; the
    figures are counts without personal data, so every role that sees the page sees them.
    """
    today = timezone.localdate()
    commitments = list(commitment_outcomes(company, on=today))
    return {
        "counts": company_counts(company, on=today),
        "commitments": commitments,
        "chart": outcome_chart(company, commitments),
        "today": today,
    }
