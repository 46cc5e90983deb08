"""The sign-in throttle per client address: it slows, it never locks an account.

Failed sign-ins are counted per address in the cache, in a counter that expires with its
window; more than SIV_SIGNIN_ADDRESS_FAILURES within SIV_SIGNIN_ADDRESS_WINDOW_SECONDS make
the address wait SIV_SIGNIN_ADDRESS_WAIT_SECONDS before it may try again. The per-account
lockout (django-axes, AXES_*) is a separate rule and stays as it is.

The API's rate limits (DRF's throttles) are here too, and the screens' limits per user
(`throttled`, `throttle_or_429`): CPR reveals, exports and downloads, report orders, uploads
and citizen searches, each limited to SIV_SCREEN_LIMITS[action] requests per window.
All count through the resilient cache (siv/cache.py): with Redis down they keep holding,
per process, and never answer 500.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from . import audit
from .cache import resilient_cache as cache
from .models import AuditAction

FAILURES = "signin-failures:{}"
WAITING = "signin-wait:{}"


def _count(key: str, timeout: int) -> int:
    """Add one to the counter under `key`, which lives `timeout` seconds, and return it."""
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # the counter expired between add() and incr()
        cache.add(key, 1, timeout=timeout)
        return 1


def address_must_wait(address: str | None) -> bool:
    return bool(address) and cache.get(WAITING.format(address)) is not None


def note_failure(address: str | None) -> None:
    """Count a failed sign-in from the address; past the limit it must wait."""
    if not address:
        return
    failures = _count(FAILURES.format(address), settings.SIV_SIGNIN_ADDRESS_WINDOW_SECONDS)
    if failures > settings.SIV_SIGNIN_ADDRESS_FAILURES:
        cache.set(WAITING.format(address), 1, timeout=settings.SIV_SIGNIN_ADDRESS_WAIT_SECONDS)


class AnonThrottle(AnonRateThrottle):
    cache = cache


class UserThrottle(UserRateThrottle):
    cache = cache


# --- The screens' limits per user ------------------------------------------------------------

SCREEN_COUNT = "screen-count:{action}:{user}:{window}"

# What the user has reached the limit of: "Du har nået grænsen for …".
SCREEN_ACTIONS = {
    "cpr_reveal": _("visning af CPR-numre"),
    "export": _("eksport og download af filer"),
    "report_order": _("bestilling af rapporter"),
    "upload": _("upload af filer"),
    "search": _("søgning på deltagere"),
}

# An element id that htmx named as the target (the HX-Target header), safe to echo back.
TARGET_ID = re.compile(r"[A-Za-z][\w-]{0,63}")


@dataclass(frozen=True)
class Refusal:
    """A request past the user's limit for an action: the limit, and the seconds until the
    window ends and the user may go on."""

    action: str
    limit: int
    window: int
    retry_after: int
    first: bool  # the first refusal of the window: the one the audit log records


def screen_refusal(user, action: str) -> Refusal | None:
    """Count one request by the user for the action; past its limit, the refusal.

    Windows are fixed (the hour from :00, for an hour's window), so the time left is known
    without storing when the window began; a counter names its window and expires after it.
    """
    limit, window = settings.SIV_SCREEN_LIMITS[action]
    now = time.time()
    index = int(now // window)
    key = SCREEN_COUNT.format(action=action, user=user.pk, window=index)
    count = _count(key, window + 60)
    if count <= limit:
        return None
    retry_after = max(1, math.ceil((index + 1) * window - now))
    return Refusal(action, limit, window, retry_after, first=count == limit + 1)


def _period(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(n)s time", "%(n)s timer", hours) % {"n": hours}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(n)s minut", "%(n)s minutter", minutes) % {"n": minutes}


def throttle_or_429(request: HttpRequest, action: str) -> HttpResponse | None:
    """Count the request against the user's limit for `action`: None while within it, past
    it a 429 in Danish (a small fragment for htmx) saying when to try again."""
    refusal = screen_refusal(request.user, action)
    if refusal is None:
        return None
    what = SCREEN_ACTIONS[action]
    if refusal.first:
        audit.record(
            AuditAction.THROTTLED,
            actor=request.user,
            label=str(what),
            details={
                "limit": action,
                "requests": refusal.limit,
                "window_seconds": refusal.window,
                "path": request.path,
            },
        )
    context = {
        "what": what,
        "limit": refusal.limit,
        "period": _period(refusal.window),
        "minutes": math.ceil(refusal.retry_after / 60),
    }
    if request.headers.get("HX-Request"):
        target = request.headers.get("HX-Target", "")
        context["target"] = target if TARGET_ID.fullmatch(target) else ""
        response = render(request, "siv/partials/throttled.html", context, status=429)
        # The message takes the target's place, keeping its id, so the page works on after.
        response["HX-Reswap"] = "outerHTML" if context["target"] else "innerHTML"
    else:
        response = render(request, "siv/throttled.html", context, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    response["Cache-Control"] = "no-store"
    return response


def throttled(action: str, *, when: Callable[[HttpRequest], bool] | None = None):
    """Limit a view per user to SIV_SCREEN_LIMITS[action]; `when` picks the requests that
    count (e.g. only POSTs, or only searches). Put it below the permission decorator, so
    that only permitted requests count."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if when is None or when(request):
                refused = throttle_or_429(request, action)
                if refused is not None:
                    return refused
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def is_post(request: HttpRequest) -> bool:
    return request.method == "POST"
