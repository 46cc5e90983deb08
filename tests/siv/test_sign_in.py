from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from siv.enrolment import enrolment_code_issue
from siv.middleware import SessionLimitsMiddleware
from siv.models import UserSession

pytestmark = pytest.mark.django_db
PASSWORD = "demo-adgang-2026"


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_three_failures_lock_the_account_even_with_the_right_password(client, personas):
    for _ in range(3):
        sign_in(client, "koege-aktoer", "forkert")
    response = sign_in(client, "koege-aktoer")
    assert response.status_code == 429
    assert "låst" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signing_in_gives_a_new_session_id(client, personas):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    sign_in(client, "koege-aktoer")
    assert client.session.session_key != before


def test_a_disabled_account_is_signed_out_on_its_next_request(client, personas):
    sign_in(client, "koege-aktoer")
    assert client.get(reverse("home")).status_code == 200
    personas.actor.is_active = False
    personas.actor.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_revoking_a_role_takes_effect_on_the_next_request(client, personas):
    client.force_login(personas.controller)
    assert client.get(reverse("audit_log")).status_code == 200
    personas.controller.role = ""
    personas.controller.save()
    assert client.get(reverse("audit_log")).status_code == 404


@override_settings(SIV_SESSION_ABSOLUTE_SECONDS=-1)
def test_a_session_ends_after_the_absolute_limit(client, personas):
    sign_in(client, "koege-aktoer")
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert "expired=1" in response["Location"]


def _session_writes(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith(("UPDATE", "INSERT")) and "session" in q["sql"]
    ]


@override_settings(SIV_SESSION_RENEW_SECONDS=60)
def test_a_session_is_renewed_once_a_minute_not_on_every_page(client, personas):
    sign_in(client, "koege-aktoer")
    home = reverse("home")
    client.get(home)
    assert _session_writes(client, home) == []

    # A minute later the next page renews the 30-minute idle limit from now.
    session = client.session
    session[SessionLimitsMiddleware.RENEWED] -= 61
    session.save()
    UserSession.objects.filter(pk=session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=5)
    )
    assert len(_session_writes(client, home)) == 1
    expires = UserSession.objects.get(pk=session.session_key).expire_date
    assert expires > timezone.now() + timedelta(minutes=29)


def test_a_session_idle_past_its_limit_is_signed_out(client, personas):
    sign_in(client, "koege-aktoer")
    assert client.get(reverse("home")).status_code == 200
    UserSession.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_pages_are_not_cached_and_carry_the_security_headers(client, personas):
    client.force_login(personas.caseworker)
    response = client.get(reverse("home"))
    assert response["Cache-Control"] == "no-store"
    csp = response["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert response["X-Frame-Options"] == "DENY"


@override_settings(SIV_REQUIRE_2FA=True)
def test_with_production_settings_a_new_user_must_set_up_a_second_factor(client, personas):
    response = sign_in(client, "koege-aktoer")
    assert response.status_code == 302 and reverse("otp_setup") in response["Location"]
    # Without the second factor, no page but the set-up is reachable.
    assert client.get(reverse("home"))["Location"] == reverse("otp_verify")
    # The set-up first asks for the administrator's enrolment code.
    code = enrolment_code_issue(user=personas.actor, by=personas.admin)
    client.post(reverse("otp_setup"), {"code": code})
    setup = client.get(reverse("otp_setup"))
    assert setup.status_code == 200
    device = TOTPDevice.objects.get(user=personas.actor)
    wrong = client.post(reverse("otp_setup"), {"token": "000000"})
    assert "Koden passer ikke" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the next try wait a second
    token = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    client.post(reverse("otp_setup"), {"token": token})
    assert client.get(reverse("home")).status_code == 200


@override_settings(SIV_REQUIRE_2FA=True)
def test_with_a_device_the_code_is_asked_for_after_the_password(client, personas):
    device = TOTPDevice.objects.create(user=personas.actor, name="SIV", confirmed=True)
    response = sign_in(client, "koege-aktoer")
    assert reverse("otp_verify") in response["Location"]
    assert client.get(reverse("home")).status_code == 302
    token = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    client.post(reverse("otp_verify"), {"token": token})
    assert client.get(reverse("home")).status_code == 200


def test_pages_are_danish_whatever_the_browser_asks_for(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="da"' in response.content.decode()
    assert "Brugernavn" in response.content.decode()
