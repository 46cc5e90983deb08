"""Hours upload for employment actors: choose a file, see every row's problem (or the rows
to save), confirm to save exactly those rows. Other roles get 404."""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participants.hours import upload as hours_upload
from participants.models import Citizen, HoursKind
from siv.permissions import permission_required

SESSION_KEY = "siv_hours_upload"


class HoursUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fil (CSV eller XLSX)"),
        help_text=gettext_lazy(
            "Kolonner: cpr, week, kind, hours – fx 010190-1234, 2024-W07, training, 7,5."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > hours_upload.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Filen er for stor (højst %(mb)s MB).")
                % {"mb": hours_upload.MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        try:
            self.rows = hours_upload.read_upload(upload.name, upload.read())
        except hours_upload.UploadUnreadable as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


@permission_required("hours.actor_week")
def hours_upload_view(request):
    form = HoursUploadForm(request.POST or None, request.FILES or None)
    preview = None
    confirm_token = ""
    if request.method == "POST" and form.is_valid():
        preview = hours_upload.preview(user=request.user, rows=form.rows)
        if preview.ok:
            confirm_token = secrets.token_urlsafe(16)
            request.session[SESSION_KEY] = {"token": confirm_token, "rows": preview.as_session()}
        else:
            request.session.pop(SESSION_KEY, None)
    return render(
        request,
        "participants/hours_upload.html",
        {
            "form": form,
            "preview": preview,
            "preview_rows": _rows_to_show(request.user, preview),
            "confirm_token": confirm_token,
        },
    )


def _rows_to_show(user, preview) -> list[tuple]:
    """(row, citizen, kind label) for the preview table, in one query."""
    if preview is None or not preview.rows:
        return []
    citizens = Citizen.objects.for_user(user).in_bulk({r.citizen_id for r in preview.rows})
    return [(r, citizens.get(r.citizen_id), HoursKind(r.kind).label) for r in preview.rows]


@permission_required("hours.actor_week")
def hours_upload_confirm(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    stored = request.session.pop(SESSION_KEY, None)
    if not stored or stored.get("token") != request.POST.get("token"):
        messages.error(request, _("Forhåndsvisningen er udløbet. Vælg filen igen."))
        return redirect("participants:hours_upload")
    rows = hours_upload.Preview.rows_from_session(stored["rows"])
    problems = hours_upload.commit(user=request.user, rows=rows)
    if problems:
        messages.error(
            request, _("Intet blev gemt: timerne er ændret siden forhåndsvisningen. Prøv igen.")
        )
        return redirect("participants:hours_upload")
    messages.success(request, _("%(count)s rækker med timer er gemt.") % {"count": len(rows)})
    return redirect("participants:hours_upload")
