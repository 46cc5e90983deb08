"""The hours screens: the actor's week grid, and the upload for employment actors (choose a
file, see every row's problem or the rows to save, confirm to save exactly those rows;
other roles get 404)."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.common import iso_week_label, parse_iso_week, week_monday
from participants.hours import upload as hours_upload
from participants.track import selectors as track_selectors
from participants.track.models import Citizen
from participants.track.views import PAGE_SIZE
from siv import audit
from siv.permissions import permission_required
from siv.throttle import is_post, throttled

from . import selectors, services
from .forms import HoursUploadForm
from .models import HoursKind

KINDS = HoursKind.values  # the grid's columns, in order


def _parse_week(value: str | None) -> date:
    """The week asked for; this week when none, or none that exists, is asked for."""
    if value:
        try:
            return parse_iso_week(value)
        except ValueError:
            pass
    return week_monday(timezone.localdate())


@permission_required("hours.actor_week")
def hours_week(request):
    monday = _parse_week(request.POST.get("uge") or request.GET.get("uge"))
    # A page of citizens at a time: a large actor's whole week would be thousands of fields.
    page_number = request.POST.get("side") or request.GET.get("side")
    # What each cell shows again after a refused save: what was typed, and what it showed
    # when the page was opened (o-…), or what is stored now after a conflict.
    typed: dict[tuple[int, str], str] = {}
    shown: dict[tuple[int, str], str] = {}
    errors: dict[tuple[int, str], list[str]] = {}
    if request.method == "POST":
        # A save needs only which citizens the page holds (the service checks their tracks):
        # the grid itself is read only when the page is shown again.
        page = selectors.actor_week_page(
            user=request.user, week=monday, page=page_number, per_page=PAGE_SIZE
        )
        cells = _sent_cells(request.POST, page.object_list)
        try:
            services.hours_save_week(actor=request.user, week=monday, rows=cells)
        except services.HoursWeekInvalid as exc:
            for cell in cells:
                key = (cell.citizen_id, cell.kind)
                typed[key] = cell.hours
                if cell.shown is not services.NOT_SHOWN:
                    shown[key] = cell.shown
            for index, msgs in exc.row_errors.items():
                errors[(cells[index].citizen_id, cells[index].kind)] = msgs
            for index, now in exc.current.items():
                # Saving again means: mine, over what is there now.
                shown[(cells[index].citizen_id, cells[index].kind)] = _format_hours(now)
            messages.error(request, _("Ugen er ikke gemt. Ret de markerede felter."))
        else:
            messages.success(
                request, _("Timerne for uge %(week)s er gemt.") % {"week": monday.isocalendar()[1]}
            )
            return redirect(
                f"{reverse('participants:hours_week')}?uge={iso_week_label(monday)}"
                f"&side={page.number}"
            )
    grid = selectors.actor_week_grid(
        user=request.user, week=monday, page=page_number, per_page=PAGE_SIZE
    )
    # What the page shows now; each cell also carries, hidden, what it showed when it was
    # opened (o-…): a save writes only the cells the user changed, and a cell someone else
    # changed meanwhile is a conflict, never overwritten.
    labels = [(kind, str(label)) for kind, label in grid.kinds]
    rows = []
    for row in grid.rows:
        pk, cells = row.citizen.pk, []
        for kind, label in labels:
            key = (pk, kind)
            stored = _format_hours(row.hours.get(kind))
            cells.append(
                {
                    "name": f"h-{pk}-{kind}",
                    "label": label,
                    "value": typed.get(key, stored),
                    "shown": shown.get(key, stored),
                    "errors": errors.get(key, []),
                }
            )
        rows.append(
            {"citizen": row.citizen, "reasons": row.errors, "total": row.total, "cells": cells}
        )
    visibility = track_selectors.visibility_for(request.user)
    if visibility.personal:
        audit.record_list_view(
            actor=request.user, model=Citizen, ids=[row.citizen.pk for row in grid.rows]
        )
    return render(
        request,
        "participants/hours_week.html",
        {
            "grid": rows,
            "page": grid.page,
            "kinds": grid.kinds,
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "week": grid.label,
            "week_number": monday.isocalendar()[1],
            "previous": iso_week_label(monday - timedelta(days=7)),
            "next": iso_week_label(monday + timedelta(days=7)),
            "visibility": visibility,
        },
    )


def _sent_cells(post, citizen_ids: list[int]) -> list[services.HoursRow]:
    """The cells sent of the page's citizens, each with what it showed when the page was
    opened; a cell not sent (a citizen who cannot get hours in the week has none: disabled)
    is left as it is, and so is a cell of a citizen not on the page."""
    cells = []
    for pk in citizen_ids:
        for kind in KINDS:
            name = f"h-{pk}-{kind}"
            if name in post:
                cells.append(
                    services.HoursRow(
                        citizen_id=pk,
                        kind=kind,
                        hours=post[name].strip(),
                        shown=post.get(f"o-{pk}-{kind}", services.NOT_SHOWN),
                    )
                )
    return cells


def _format_hours(value) -> str:
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


SESSION_KEY = "siv_hours_upload"


@permission_required("hours.actor_week")
@throttled("upload", when=is_post)
def hours_upload_view(request):
    form = HoursUploadForm(request.POST or None, request.FILES or None)
    preview = None
    confirm_token = ""
    if request.method == "POST" and form.is_valid():
        preview = hours_upload.preview(user=request.user, rows=form.rows)
        if preview.ok:
            confirm_token = secrets.token_urlsafe(16)
            # What the check saw, not the rows (nor their CPR numbers): the confirm saves
            # it as seen.
            request.session[SESSION_KEY] = {
                "token": confirm_token,
                "count": len(preview.rows),
                "checked": preview.checked.as_data(),
            }
        else:
            request.session.pop(SESSION_KEY, None)
    preview_rows = _rows_to_show(request.user, preview)
    # The preview names the file's citizens (name and masked CPR number): one log row.
    audit.record_list_view(
        actor=request.user,
        model=Citizen,
        ids=dict.fromkeys(citizen.pk for _row, citizen, _kind in preview_rows if citizen),
    )
    return render(
        request,
        "participants/hours_upload.html",
        {
            "form": form,
            "preview": preview,
            "preview_rows": preview_rows,
            "confirm_token": confirm_token,
            "kind_words": [(word, kind.label) for word, kind in hours_upload.KIND_WORDS.items()],
        },
    )


def _rows_to_show(user, preview) -> list[tuple]:
    """(row, citizen, kind label) for the preview table, in one query."""
    if preview is None or not preview.rows:
        return []
    citizens = Citizen.objects.for_user(user).in_bulk({r.citizen_id for r in preview.rows})
    return [(r, citizens.get(r.citizen_id), HoursKind(r.kind).label) for r in preview.rows]


@permission_required("hours.actor_week")
def hours_upload_sample(request):
    response = HttpResponse(hours_upload.sample_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="timer-eksempel.csv"'
    return response


@permission_required("hours.actor_week")
def hours_upload_confirm(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    stored = request.session.pop(SESSION_KEY, None)
    if not stored or stored.get("token") != request.POST.get("token") or "checked" not in stored:
        messages.error(request, _("Forhåndsvisningen er udløbet. Vælg filen igen."))
        return redirect("participants:hours_upload")
    try:
        hours_upload.confirm(
            user=request.user, checked=services.HoursChecked.from_data(stored["checked"])
        )
    except services.HoursChanged as exc:
        messages.error(request, str(exc))
        return redirect("participants:hours_upload")
    messages.success(request, _("%(count)s rækker med timer er gemt.") % {"count": stored["count"]})
    return redirect("participants:hours_upload")
