import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from . import services

# The session's server-side grant (oidc.models.ProviderGrant) and when it is next renewed.
GRANT = "siv_oidc_grant"
RENEW_AFTER = "siv_oidc_renew_after"


def renew_after(seconds: int | None = None) -> float:
    return time.time() + (settings.SIV_OIDC_RENEW_SECONDS if seconds is None else seconds)


class ProviderRenewalMiddleware:
    """A session signed in with the provider asks the provider again, server to server, at
    most every SIV_OIDC_RENEW_SECONDS: the request then goes on as it came (an htmx request
    or a form post is not sent through the browser to the provider). When the provider
    refuses the refresh (the user left or was disabled there), the session ends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        grant = request.session.get(GRANT)
        if grant is not None and time.time() >= request.session.get(RENEW_AFTER, 0):
            outcome = services.grant_renew(grant_id=grant)
            if outcome is services.Renewal.REFUSED:
                logout(request)
                target = f"{reverse('login')}?provider_ended=1"
                if request.headers.get("HX-Request") == "true":
                    return HttpResponseClientRedirect(target)
                return redirect(target)
            if outcome is services.Renewal.RENEWED:
                request.session[RENEW_AFTER] = renew_after()
            elif outcome is services.Renewal.UNREACHABLE:
                request.session[RENEW_AFTER] = renew_after(services.RETRY_UNREACHABLE_SECONDS)
        return self.get_response(request)
