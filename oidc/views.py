"""Signing in with the organisation's account, and the administrator's page of the
provider's organisations and group mappings."""

from __future__ import annotations

import time

import requests
from authlib.integrations.base_client import OAuthError
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from joserfc.errors import JoseError

from siv import audit, sessions
from siv.access import get_for_user_or_404
from siv.forms import add_validation_error
from siv.middleware import SessionLimitsMiddleware
from siv.models import AuditAction
from siv.permissions import permission_required, require_perm

from . import provider, services
from .forms import GroupMappingForm, ProviderOrganisationForm
from .middleware import GRANT, RENEW_AFTER, renew_after
from .models import GroupMapping, ProviderOrganisation

# The page to return to after the provider's sign-in, kept in the session meanwhile.
NEXT = "siv_oidc_next"


def _configured_or_404() -> None:
    if not provider.configured():
        raise Http404


@login_not_required
def sign_in_start(request):
    """Send the browser to the provider's authorization endpoint (code flow, PKCE S256,
    state and nonce, all kept in the session)."""
    _configured_or_404()
    target = request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        request.session[NEXT] = target
    redirect_uri = request.build_absolute_uri(reverse("oidc:callback"))
    try:
        return provider.client().authorize_redirect(request, redirect_uri)
    except (requests.RequestException, ValueError) as error:
        return _refused(request, "unreachable", details={"error": type(error).__name__}, status=503)


def _refused(request, reason: str, *, details: dict | None = None, status: int = 403):
    audit.record(
        AuditAction.LOGIN_FAILED,
        username="",
        details={"reason": f"provider_{reason}", **(details or {})},
    )
    return render(
        request,
        "oidc/refused.html",
        {"message": services.SignInRefused(reason).message},
        status=status,
    )


@login_not_required
def sign_in_callback(request):
    """The provider's answer: the code is exchanged server to server and the ID token
    checked (signature, issuer, audience, expiry, nonce) before anyone is signed in."""
    _configured_or_404()
    try:
        token = provider.client().authorize_access_token(
            request,
            claims_options=provider.id_token_checks(),
            leeway=provider.CLOCK_LEEWAY_SECONDS,
        )
    except (OAuthError, JoseError, requests.RequestException, ValueError) as error:
        return _refused(request, "refused", details={"error": type(error).__name__})
    claims = token.get("userinfo")
    if not claims:
        return _refused(request, "refused", details={"error": "no_id_token"})
    try:
        user = services.provider_sign_in(claims=dict(claims))
    except services.SignInRefused as refused:
        return _refused(request, refused.reason)
    target = request.session.pop(NEXT, "") or reverse("home")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, services.provider_device(user=user))
    request.session[SessionLimitsMiddleware.KEY] = time.time()
    sessions.note_client(request)
    if token.get("refresh_token"):
        grant = services.grant_open(
            user=user,
            session_key=request.session.session_key,
            refresh_token=token["refresh_token"],
        )
        request.session[GRANT] = grant.pk
        request.session[RENEW_AFTER] = renew_after()
    audit.record(AuditAction.LOGIN, actor=user, details={"provider": True})
    return redirect(target)


# The administrator's page


def _issuer_or_404() -> str:
    _configured_or_404()
    return provider.issuer()


def _administered(request, model, pk: int):
    """A row of the provider's tables, for the administrator of a configured provider."""
    require_perm(request.user, "users.manage")
    _issuer_or_404()
    return get_for_user_or_404(model, request.user, write=True, pk=pk)


@permission_required("users.manage")
def provider_settings(request):
    if not provider.configured():
        return render(request, "oidc/provider_settings.html", {"issuer": None})
    issuer = provider.issuer()
    allowed = (
        ProviderOrganisation.objects.for_user(request.user)
        .filter(issuer=issuer)
        .select_related("organisation")
    )
    mappings = (
        GroupMapping.objects.for_user(request.user)
        .filter(issuer=issuer)
        .select_related("organisation", "municipality")
    )
    form = ProviderOrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_allow(
                by=request.user, organisation=form.cleaned_data["organisation"]
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Organisationen er tilføjet."))
            return redirect("oidc:provider_settings")
    return render(
        request,
        "oidc/provider_settings.html",
        {"issuer": issuer, "allowed": allowed, "mappings": mappings, "form": form},
    )


def organisation_remove(request, pk: int):
    allowed = _administered(request, ProviderOrganisation, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.organisation_remove(by=request.user, allowed=allowed)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Organisationen er fjernet fra listen."))
    return redirect("oidc:provider_settings")


def mapping_edit(request, pk: int | None = None):
    require_perm(request.user, "users.manage")
    issuer = _issuer_or_404()
    mapping = _administered(request, GroupMapping, pk) if pk is not None else None
    form = GroupMappingForm(request.POST or None, instance=mapping, issuer=issuer)
    if request.method == "POST" and form.is_valid():
        try:
            services.mapping_save(by=request.user, mapping=mapping, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Gruppe-tilknytningen er gemt."))
            return redirect("oidc:provider_settings")
    return render(
        request,
        "form.html",
        {
            "form": form,
            "title": _("Ret gruppe-tilknytning") if mapping else _("Ny gruppe-tilknytning"),
            "back": reverse("oidc:provider_settings"),
        },
    )


def mapping_delete(request, pk: int):
    mapping = _administered(request, GroupMapping, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.mapping_delete(by=request.user, mapping=mapping)
    messages.success(request, _("Gruppe-tilknytningen er slettet."))
    return redirect("oidc:provider_settings")
