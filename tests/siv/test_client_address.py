"""The audit log, the sign-in throttle and the lockout name the real client: behind one of
SIV_TRUSTED_PROXIES the right-most forwarded address that is not a proxy of ours; from
anyone else the direct peer, whatever forwarding headers it sends."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from django.urls import reverse

from siv.client import client_ip
from siv.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.20.0.2"
CLIENT = "203.0.113.9"
behind_proxy = override_settings(SIV_TRUSTED_PROXIES=["10.20.0.0/24", "192.0.2.7"])


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def address(remote_addr, forwarded=None):
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


def fail_sign_in(client, username="koege-aktoer", **meta):
    return client.post(reverse("login"), {"username": username, "password": "forkert"}, **meta)


@behind_proxy
def test_behind_a_trusted_proxy_the_right_most_address_not_a_proxy_is_the_client():
    # Anything left of what our proxies appended is the client's own claim.
    assert address(PROXY, f"6.6.6.6, {CLIENT}") == CLIENT
    assert address(PROXY, f"6.6.6.6, {CLIENT}, 192.0.2.7, 10.20.0.3") == CLIENT
    assert address(PROXY, "2001:DB8::1") == "2001:db8::1"
    # Only proxies in the chain: the left-most is as far back as it goes.
    assert address(PROXY, "10.20.0.5, 192.0.2.7") == "10.20.0.5"
    # No header, or one our proxy would not write: the proxy itself.
    assert address(PROXY) == PROXY
    assert address(PROXY, f"{CLIENT}, ikke-en-adresse") == PROXY


@behind_proxy
def test_a_peer_that_is_not_a_trusted_proxy_cannot_name_another_client():
    assert address(CLIENT, "6.6.6.6") == CLIENT
    assert address("10.20.1.2", "6.6.6.6") == "10.20.1.2"


def test_without_trusted_proxies_no_forwarded_address_is_believed():
    assert address(PROXY, CLIENT) == PROXY


@behind_proxy
def test_the_audit_log_records_the_client_behind_the_proxy(client, personas):
    fail_sign_in(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"6.6.6.6, {CLIENT}")
    fail_sign_in(client, REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="6.6.6.6")
    addresses = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).order_by("pk")
    assert list(addresses.values_list("ip_address", flat=True)) == [CLIENT, "198.51.100.4"]


@behind_proxy
def test_the_lockout_records_the_client_behind_the_proxy(client, personas):
    fail_sign_in(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [CLIENT]


@behind_proxy
@override_settings(SIV_SIGNIN_ADDRESS_FAILURES=2)
def test_the_sign_in_throttle_slows_the_client_not_everybody_behind_the_proxy(client, personas):
    for attempt in range(3):
        response = fail_sign_in(
            client, f"gaet-{attempt}", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT
        )
        assert response.status_code == 200
    assert fail_sign_in(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT).status_code == 429
    other = client.post(
        reverse("login"),
        {"username": "koege-aktoer", "password": "demo-adgang-2026"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.4",
    )
    assert other.status_code == 302


@behind_proxy
@override_settings(SECURE_SSL_REDIRECT=True)
def test_only_a_trusted_proxy_may_say_the_request_came_over_https(client):
    from_proxy = client.get(reverse("health"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
    assert from_proxy.status_code == 200
    from_anyone = client.get(reverse("health"), REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_PROTO="https")
    assert from_anyone.status_code == 301
    assert from_anyone["Location"].startswith("https://")


def test_a_trusted_proxy_that_is_not_an_address_stops_the_start():
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "siv.settings_test",
        "SIV_TRUSTED_PROXIES": "10.0.0.1,proxyen",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SIV_TRUSTED_PROXIES: 'proxyen' is not an IP address or network." in result.stderr
