"""A security key (WebAuthn) as the second choice of second factor, in Chromium with a virtual
authenticator (DevTools protocol): a user who passed the TOTP step adds a key on their
account page, and at their next sign-in the key passes the second factor instead of a code."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from partnerships.models import User
from siv.models import AuditAction, AuditEntry, WebAuthnDevice

from .axe import assert_accessible
from .conftest import sign_in

pytestmark = pytest.mark.e2e


def virtual_authenticator(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": False,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_a_user_adds_a_security_key_and_signs_in_with_it(page, demo_people, settings):
    settings.SIV_REQUIRE_2FA = True
    user = User.objects.get(username="aktoer")
    device = TOTPDevice.objects.create(user=user, name="SIV", confirmed=True)
    virtual_authenticator(page)

    sign_in(page, "aktoer")
    expect(page.get_by_role("heading", name="Indtast engangskode")).to_be_visible()
    # No key yet: the code page offers none.
    expect(page.get_by_role("button", name="Brug sikkerhedsnøgle")).to_have_count(0)
    page.get_by_label("Engangskode").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Bekræft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Goddag")

    page.goto("/konto/")
    page.get_by_role("link", name="Tilføj sikkerhedsnøgle").click()
    assert_accessible(page)
    page.get_by_label("Navn på nøglen").fill("Nøglen på nøgleringen")
    page.get_by_role("button", name="Tilføj nøgle").click()
    expect(page.get_by_text("Sikkerhedsnøglen er tilføjet.")).to_be_visible()
    expect(page.locator("[data-webauthn-keys]")).to_contain_text("Nøglen på nøgleringen")
    assert WebAuthnDevice.objects.filter(user=user, confirmed=True).count() == 1

    page.get_by_role("button", name="Log ud").click()
    sign_in(page, "aktoer")
    expect(page.get_by_role("heading", name="Indtast engangskode")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Brug sikkerhedsnøgle").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Goddag")
    expect(page).not_to_have_url(re.compile(r"/konto/bekraeft/"))

    key = WebAuthnDevice.objects.get(user=user)
    assert key.last_used is not None and key.sign_count >= 1
    assert AuditEntry.objects.filter(
        action=AuditAction.SECOND_FACTOR, actor=user, details__webauthn=True
    ).exists()
