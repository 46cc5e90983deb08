"""The caseworker's data-protection page for one citizen: legal basis and consent, and the
access-request export (art. 15) as JSON or PDF. Own municipality only; others get 404."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from participants.models import Citizen
from siv.access import get_for_user_or_404
from siv.permissions import permission_required
from siv.throttle import throttled

from . import services
from .forms import ConsentRecordForm


def _citizen(request, pk: int) -> Citizen:
    return get_for_user_or_404(
        Citizen.objects.select_related("municipality"), request.user, write=True, pk=pk
    )


@permission_required("privacy.manage")
def citizen_privacy(request, pk: int):
    citizen = _citizen(request, pk)
    form = ConsentRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.consent_record(citizen=citizen, by=request.user, **form.cleaned_data)
        messages.success(request, _("Retsgrundlaget er registreret."))
        return redirect("privacy:citizen_privacy", pk=citizen.pk)
    return render(
        request,
        "privacy/citizen_privacy.html",
        {"citizen": citizen, "consents": citizen.consents.all(), "form": form},
    )


@require_GET
@permission_required("privacy.manage")
@throttled("export")
def citizen_export(request, pk: int, fmt: str):
    if fmt not in ("json", "pdf"):
        raise Http404
    citizen = _citizen(request, pk)
    content = services.citizen_export(citizen=citizen, by=request.user, fmt=fmt)
    content_type = "application/json" if fmt == "json" else "application/pdf"
    response = HttpResponse(content, content_type=content_type)
    # The file name carries the pseudonym, never the name or CPR number.
    response["Content-Disposition"] = f'attachment; filename="indsigt-{citizen.pseudonym}.{fmt}"'
    return response
