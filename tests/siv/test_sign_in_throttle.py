"""The sign-in throttle per address: more than 30 failed sign-ins from one address within 10
minutes make that address wait 10 minutes (HTTP 429), without locking any account and
without slowing other addresses. The per-account lockout stays as it is."""

import time

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from siv.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "demo-adgang-2026"
NOISY, QUIET = "10.0.0.66", "10.0.0.7"


@pytest.fixture(autouse=True)
def _fresh_counters():
    """The counters live in the cache; every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


def sign_in(client, username, password=PASSWORD, address=NOISY):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail_from(client, address, times):
    # A different (unknown) user name each time, so no account reaches its own lockout.
    for attempt in range(times):
        response = sign_in(client, f"gaet-{attempt}", "forkert", address)
        assert response.status_code == 200


def test_more_than_thirty_failures_from_one_address_make_it_wait(client, personas):
    fail_from(client, NOISY, 31)
    response = sign_in(client, "koege-aktoer")
    assert response.status_code == 429
    assert "For mange forsøg, vent 10 minutter" in response.content.decode()
    assert response["Retry-After"] == "600"
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).latest("pk")
    assert entry.actor_username == "koege-aktoer" and entry.ip_address == NOISY
    assert entry.details == {"reason": "address_throttled"}


def test_thirty_failures_are_not_yet_too_many(client, personas):
    fail_from(client, NOISY, 30)
    response = sign_in(client, "koege-aktoer")
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_the_throttle_locks_no_account_and_spares_other_addresses(client, personas):
    fail_from(client, NOISY, 31)
    assert sign_in(client, "koege-aktoer").status_code == 429
    response = sign_in(client, "koege-aktoer", address=QUIET)
    assert response.status_code == 302 and "_auth_user_id" in client.session


@override_settings(SIV_SIGNIN_ADDRESS_FAILURES=2, SIV_SIGNIN_ADDRESS_WAIT_SECONDS=1)
def test_the_address_may_try_again_when_the_wait_is_over(client, personas):
    fail_from(client, NOISY, 3)
    assert sign_in(client, "koege-aktoer").status_code == 429
    time.sleep(1.2)
    assert sign_in(client, "koege-aktoer").status_code == 302


def test_with_redis_down_sign_in_answers_and_the_address_limit_still_holds(client, personas):
    """The counters fall back to this process's memory while Redis does not answer."""
    from siv.cache import resilient_cache

    resilient_cache.local.clear()
    down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers there
        }
    }
    with override_settings(CACHES=down, SIV_SIGNIN_ADDRESS_FAILURES=2):
        fail_from(client, NOISY, 3)
        assert sign_in(client, personas.caseworker.username).status_code == 429
        assert sign_in(client, personas.caseworker.username, address=QUIET).status_code == 302
    resilient_cache.local.clear()
