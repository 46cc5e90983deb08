"""The sign-in throttle per client address: it slows, it never locks an account.

Failed sign-ins are counted per address in the cache, in a counter that expires with its
window; more than SIV_SIGNIN_ADDRESS_FAILURES within SIV_SIGNIN_ADDRESS_WINDOW_SECONDS make
the address wait SIV_SIGNIN_ADDRESS_WAIT_SECONDS before it may try again. The per-account
lockout (django-axes, AXES_*) is a separate rule and stays as it is.

The API's rate limits (DRF's throttles) are here too. Both count through the resilient
cache (siv/cache.py): with Redis down they keep holding, per process, and never answer 500.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from .cache import resilient_cache as cache

FAILURES = "signin-failures:{}"
WAITING = "signin-wait:{}"


def address_must_wait(address: str | None) -> bool:
    return bool(address) and cache.get(WAITING.format(address)) is not None


def note_failure(address: str | None) -> None:
    """Count a failed sign-in from the address; past the limit it must wait."""
    if not address:
        return
    key = FAILURES.format(address)
    cache.add(key, 0, timeout=settings.SIV_SIGNIN_ADDRESS_WINDOW_SECONDS)
    try:
        failures = cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.add(key, 1, timeout=settings.SIV_SIGNIN_ADDRESS_WINDOW_SECONDS)
        failures = 1
    if failures > settings.SIV_SIGNIN_ADDRESS_FAILURES:
        cache.set(WAITING.format(address), 1, timeout=settings.SIV_SIGNIN_ADDRESS_WAIT_SECONDS)


class AnonThrottle(AnonRateThrottle):
    cache = cache


class UserThrottle(UserRateThrottle):
    cache = cache
