import logging
import sys
import time

from django.conf import settings
from django.contrib.auth import logout
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .audit import current_ip
from .client import client_ip, from_trusted_proxy

logger = logging.getLogger(__name__)


class UntrustedForwardingMiddleware:
    """A request that did not come through one of SIV_TRUSTED_PROXIES cannot claim HTTPS
    (SECURE_PROXY_SSL_HEADER) or another client address with forwarding headers: they are
    removed before anything reads them."""

    HEADERS = ("HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_HOST")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not from_trusted_proxy(request):
            for header in self.HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)


class RequestContextMiddleware:
    """Makes the client address available to the audit log for this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class SessionLimitsMiddleware:
    """Ends a session 12 hours after sign-in, whatever the activity, and keeps the 30-minute
    idle limit (the session's age) running from the latest request.

    The stored session's expiry is renewed when it is a minute old or more
    (SIV_SESSION_RENEW_SECONDS), not on every request: a page is then not also a write and a
    commit, and a session ends between 29 and 30 minutes after the user's last request.
    """

    KEY = "siv_signed_in_at"
    RENEWED = "siv_renewed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(self.KEY)
            if started is None:
                request.session[self.KEY] = time.time()
            elif time.time() - started > settings.SIV_SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(f"{reverse('login')}?expired=1")
            renewed = request.session.get(self.RENEWED, 0)
            if time.time() - renewed >= settings.SIV_SESSION_RENEW_SECONDS:
                request.session[self.RENEWED] = time.time()  # saved, so renewed
        return self.get_response(request)


def second_factor_passed(user) -> bool:
    """The user's session passed the TOTP check, or the deployment does not ask for one."""
    return not settings.SIV_REQUIRE_2FA or user.is_verified()


SECOND_FACTOR_EXEMPT = {
    "login",
    "logout",
    "otp_verify",
    "otp_setup",
    "webauthn_verify",
    "set_language",
    "health",
    "password_link",
    "password_set",
}


class RequireSecondFactorMiddleware:
    """Under production settings every signed-in user must have passed a TOTP check."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or second_factor_passed(user):
            return None
        match = request.resolver_match
        if match and match.url_name in SECOND_FACTOR_EXEMPT:
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        return redirect("otp_verify")


class NoStoreMiddleware:
    """Pages are personal; no browser or proxy may keep a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


DATABASE_ERRORS = (OperationalError, InterfaceError)


def _note_database_error(sender, request=None, **kwargs):
    """Django turns an exception raised inside a middleware into a 500 response before this
    middleware sees it; the signal it sends on the way tells us the cause."""
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        request.siv_database_unavailable = True


got_request_exception.connect(_note_database_error, dispatch_uid="siv-database-unavailable")


class RequestSizeLimitMiddleware:
    """A body larger than SIV_MAX_REQUEST_BYTES is refused with 413 before anything reads or
    spools it (ASVS 12.1.1): the declared Content-Length decides, and a body without one
    (chunked) is refused on a writing method, since the WSGI server would have to read it
    whole to know."""

    WRITES = frozenset({"POST", "PUT", "PATCH"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.SIV_MAX_REQUEST_BYTES
        declared = request.META.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        try:
            size = int(declared) if declared else None
        except ValueError:
            size = None
            chunked = True
        if (size is not None and size > limit) or (
            size is None and chunked and request.method in self.WRITES
        ):
            message = _("Forespørgslen er for stor (højst %(mb)s MB).") % {
                "mb": limit // (1024 * 1024)
            }
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class ServiceUnavailableMiddleware:
    """A friendly page, not a stack trace, while the database is unreachable.

    Wherever the database error is raised (a view, a middleware reading the session, or the
    500 handler's own context processors), the answer is the static 503 page, rendered
    without context processors, which would reach for the database again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except DATABASE_ERRORS as error:
            return self.unavailable(error)
        if getattr(request, "siv_database_unavailable", False):
            return self.unavailable(None)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return self.unavailable(exception)
        return None

    @staticmethod
    def unavailable(error) -> HttpResponse:
        logger.warning("database unavailable: %s", type(error).__name__ if error else "error")
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response


class LanguageMiddleware:
    """Danish first: the language is the one chosen with the switcher (a cookie), else Danish.

    The browser's Accept-Language is deliberately ignored, so staff see the same Danish
    screens whatever their browser is set to.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        available = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
