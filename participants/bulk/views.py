"""The handover and bulk actions' screens, each in three steps on one address: the form
(the shared form page), the preview of what the action changes (GET with the chosen values),
and the confirmation (POST with the preview's fingerprint), then back to a list with the
result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from participants.common import iso_week_label
from participants.hours.models import HoursKind
from participants.track.models import Citizen, PauseReason
from participants.track.selectors import visibility_for
from siv import audit
from siv.access import get_for_user_or_404
from siv.forms import add_validation_error
from siv.permissions import require_perm

from . import forms, services

PAGE_SIZE = 50
PREVIEW_PURPOSE = "forhåndsvisning af massehandling"


@dataclass(frozen=True)
class BulkAction:
    permission: str
    form: type[forms.BulkForm]
    title: Any
    intro: Any
    plan: Callable[..., services.Plan]
    run: Callable[..., int]
    done: Callable[[int], str]
    # What the preview says the action does, from the chosen values and the count.
    summary: Callable[[dict[str, Any], int], str]
    # The column the preview shows beside each citizen: what the action changes.
    column: str = ""


HANDOVER = BulkAction(
    permission="citizens.handover",
    form=forms.HandoverForm,
    title=_("Overdrag deltagere til en kollega"),
    intro=_(
        "Alle sagsbehandlerens deltagere får kollegaen som sagsbehandler. Du ser hvem, "
        "før du bekræfter."
    ),
    plan=services.handover_plan,
    run=services.caseworker_handover,
    done=lambda n: (
        ngettext("%(count)s deltager er overdraget.", "%(count)s deltagere er overdraget.", n)
        % {"count": n}
    ),
    summary=lambda c, n: (
        ngettext(
            "%(count)s deltager får %(to)s som sagsbehandler i stedet for %(from)s.",
            "%(count)s deltagere får %(to)s som sagsbehandler i stedet for %(from)s.",
            n,
        )
        % {
            "count": n,
            "to": forms.user_label(c["to_caseworker"]),
            "from": forms.user_label(c["from_caseworker"]),
        }
    ),
    column="caseworker",
)

ACTOR_MOVE = BulkAction(
    permission="citizens.bulk",
    form=forms.ActorMoveForm,
    title=_("Flyt deltagere til en anden beskæftigelsesaktør"),
    intro=_(
        "Aktørens deltagere i kommunen, som stadig er i forløbet, flyttes til den nye aktør "
        "(fx når en aktørs kontrakt ophører). Du ser hvem, før du bekræfter."
    ),
    plan=services.actor_move_plan,
    run=services.actor_move,
    done=lambda n: (
        ngettext(
            "%(count)s deltager er flyttet til den nye aktør.",
            "%(count)s deltagere er flyttet til den nye aktør.",
            n,
        )
        % {"count": n}
    ),
    summary=lambda c, n: (
        ngettext(
            "%(count)s deltager i %(municipality)s flyttes fra %(from)s til %(to)s.",
            "%(count)s deltagere i %(municipality)s flyttes fra %(from)s til %(to)s.",
            n,
        )
        % {
            "count": n,
            "municipality": c["municipality"],
            "from": c["from_actor"],
            "to": c["to_actor"],
        }
    ),
    column="employment_actor",
)

PAUSE = BulkAction(
    permission="citizens.bulk",
    form=forms.PauseForm,
    title=_("Sæt deltagere på pause"),
    intro=_(
        "Alle aktive deltagere i kommunen eller partnerskabet sættes på pause i perioden "
        "(fx ved en nedlukning). Kan én af dem ikke sættes på pause, sker det for ingen."
    ),
    plan=services.pause_plan,
    run=services.bulk_pause,
    done=lambda n: (
        ngettext("%(count)s deltager er sat på pause.", "%(count)s deltagere er sat på pause.", n)
        % {"count": n}
    ),
    summary=lambda c, n: (
        ngettext(
            "%(count)s aktiv deltager i %(where)s sættes på pause fra %(start)s til %(end)s "
            "(%(reason)s).",
            "%(count)s aktive deltagere i %(where)s sættes på pause fra %(start)s til %(end)s "
            "(%(reason)s).",
            n,
        )
        % {
            "count": n,
            "where": c.get("partnership") or c.get("municipality"),
            "start": f"{c['start']:%d.%m.%Y}",
            "end": f"{c['end']:%d.%m.%Y}",
            "reason": PauseReason(c["reason"]).label,
        }
    ),
)

RECATEGORISE = BulkAction(
    permission="hours.recategorise",
    form=forms.RecategoriseForm,
    title=_("Omkategoriser timer"),
    intro=_(
        "Deltagerens timer af én type i perioden flyttes til en anden type, som godkendt. "
        "Den oprindelige registrering gemmes i loggen."
    ),
    plan=services.recategorise_plan,
    run=services.hours_recategorise,
    done=lambda n: (
        ngettext(
            "Timerne i %(count)s uge er omkategoriseret.",
            "Timerne i %(count)s uger er omkategoriseret.",
            n,
        )
        % {"count": n}
    ),
    summary=lambda c, n: (
        _("Timer af typen %(from)s fra uge %(start)s til uge %(end)s flyttes til typen %(to)s.")
        % {
            "from": HoursKind(c["from_kind"]).label,
            "to": HoursKind(c["to_kind"]).label,
            "start": iso_week_label(c["start"]),
            "end": iso_week_label(c["end"]),
        }
    ),
)


def _form_page(request, action: BulkAction, form, back: str, parent: dict[str, Any]):
    return render(
        request,
        "form.html",
        {
            "title": action.title,
            "intro": action.intro,
            "form": form,
            "submit": _("Vis forhåndsvisning"),
            "back": back,
            **parent,
        },
    )


def _run(
    request,
    action: BulkAction,
    *,
    url: str,
    back: str,
    done_url: str,
    extra: dict[str, Any] | None = None,
    parent: dict[str, Any] | None = None,
):
    require_perm(request.user, action.permission)
    user, extra, parent = request.user, extra or {}, parent or {}
    if request.method == "POST":
        form = action.form(user, request.POST)
        if not form.is_valid():
            return _form_page(request, action, form, back, parent)
        preview = f"{url}?{urlencode(form.query())}"
        token = request.POST.get("token")
        if not token:
            return redirect(preview)
        try:
            count = action.run(by=user, token=token, **extra, **form.arguments())
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(preview)
        messages.success(request, action.done(count))
        return redirect(done_url)
    if not set(request.GET) - {"side", "afviste", "ret"}:
        return _form_page(request, action, action.form(user), back, parent)
    if "ret" in request.GET:
        # Back from the preview to change the choice: the form, filled in as it was sent.
        chosen = action.form(user, initial=request.GET.dict())
        return _form_page(request, action, chosen, back, parent)
    form = action.form(user, request.GET)
    if not form.is_valid():
        return _form_page(request, action, form, back, parent)
    try:
        plan = action.plan(by=user, **extra, **form.arguments())
    except ValidationError as exc:
        add_validation_error(form, exc)
        return _form_page(request, action, form, back, parent)
    return _preview(request, action, form, plan, url=url, back=back, parent=parent)


def _preview(request, action, form, plan: services.Plan, *, url: str, back: str, parent):
    only_refused = bool(plan.refused) and request.GET.get("afviste") == "1"
    citizens = plan.citizens.select_related("municipality", "employment_actor", "caseworker")
    if only_refused:
        citizens = citizens.filter(pk__in=list(plan.refused))
    page = Paginator(citizens, PAGE_SIZE).get_page(request.GET.get("side"))
    for citizen in page:
        citizen.refusals = plan.refused.get(citizen.pk, [])
    visibility = visibility_for(request.user)
    if visibility.personal:
        audit.record_list_view(
            actor=request.user,
            model=Citizen,
            ids=[citizen.pk for citizen in page],
            purpose=PREVIEW_PURPOSE,
        )
    return render(
        request,
        "participants/bulk_preview.html",
        {
            "action": action,
            "plan": plan,
            "page": page,
            "visibility": visibility,
            "query": form.query(),
            "summary": action.summary(form.cleaned_data, plan.count),
            "only_refused": only_refused,
            "url": url,
            "back": f"{url}?{urlencode({**form.query(), 'ret': 1})}",
            "cancel": back,
            **parent,
        },
    )


def handover(request):
    url = reverse("participants:bulk_handover")
    list_url = reverse("participants:citizen_list")
    return _run(request, HANDOVER, url=url, back=list_url, done_url=list_url)


def actor_move(request):
    url = reverse("participants:bulk_actor_move")
    list_url = reverse("participants:citizen_list")
    return _run(request, ACTOR_MOVE, url=url, back=list_url, done_url=list_url)


def pause(request):
    url = reverse("participants:bulk_pause")
    list_url = reverse("participants:citizen_list")
    return _run(request, PAUSE, url=url, back=list_url, done_url=list_url)


def recategorise(request, pk: int):
    require_perm(request.user, RECATEGORISE.permission)
    citizen = get_for_user_or_404(Citizen, request.user, pk=pk)
    citizen_url = reverse("participants:citizen_detail", args=[citizen.pk])
    visibility = visibility_for(request.user)
    return _run(
        request,
        RECATEGORISE,
        url=reverse("participants:hours_recategorise", args=[citizen.pk]),
        back=citizen_url,
        done_url=citizen_url,
        extra={"citizen": citizen},
        parent={"parent_url": citizen_url, "parent_label": visibility.label(citizen)},
    )
