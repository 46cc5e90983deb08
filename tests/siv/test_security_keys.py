"""Security keys (WebAuthn) beside the TOTP app: what the server refuses and what the pages
offer. The ceremonies themselves, with a real (virtual) authenticator, are in
tests/e2e/test_security_key.py."""

import json

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from webauthn.helpers import bytes_to_base64url

from siv.models import AuditAction, AuditEntry, WebAuthnDevice
from tests.factories.partnerships import PASSWORD

pytestmark = pytest.mark.django_db


def credential_id(user) -> str:
    return bytes_to_base64url(f"key-of-{user.pk}".encode())


def key_for(user, name="Nøglen") -> WebAuthnDevice:
    return WebAuthnDevice.objects.create(
        user=user, name=name, confirmed=True, credential_id=credential_id(user), public_key=b"x"
    )


def signed_in(username) -> Client:
    browser = Client()
    browser.post(reverse("login"), {"username": username, "password": PASSWORD})
    return browser


@override_settings(SIV_REQUIRE_2FA=True)
def test_the_code_page_offers_a_key_only_to_a_user_who_has_one(personas):
    TOTPDevice.objects.create(user=personas.actor, name="SIV", confirmed=True)
    browser = signed_in("koege-aktoer")
    assert "Brug sikkerhedsnøgle" not in browser.get(reverse("otp_verify")).content.decode()

    key_for(personas.actor)
    page = browser.get(reverse("otp_verify")).content.decode()
    assert "Brug sikkerhedsnøgle" in page and "js/webauthn.js" in page
    options = browser.get(reverse("otp_verify")).context["webauthn_options"]
    assert [c["id"] for c in json.loads(options)["allowCredentials"]] == [
        credential_id(personas.actor)
    ]


@override_settings(SIV_REQUIRE_2FA=True)
def test_a_wrong_answer_does_not_pass_the_second_factor_and_is_logged(personas):
    TOTPDevice.objects.create(user=personas.actor, name="SIV", confirmed=True)
    key_for(personas.actor)
    browser = signed_in("koege-aktoer")
    browser.get(reverse("otp_verify"))  # the challenge
    forged = json.dumps({"id": credential_id(personas.actor), "rawId": "", "response": {}})
    response = browser.post(reverse("webauthn_verify"), {"credential": forged})
    assert response.status_code == 400
    assert response.json() == {"error": "Nøglen kunne ikke bekræftes. Prøv igen."}
    assert browser.get(reverse("home"))["Location"].startswith(reverse("otp_verify"))
    assert AuditEntry.objects.filter(
        action=AuditAction.LOGIN_FAILED, details__reason="webauthn"
    ).exists()


@override_settings(SIV_REQUIRE_2FA=True)
def test_another_users_key_does_not_pass(personas):
    TOTPDevice.objects.create(user=personas.actor, name="SIV", confirmed=True)
    key_for(personas.actor)
    other = key_for(personas.caseworker)
    browser = signed_in("koege-aktoer")
    browser.get(reverse("otp_verify"))
    answer = json.dumps({"id": other.credential_id, "rawId": "", "response": {}})
    assert browser.post(reverse("webauthn_verify"), {"credential": answer}).status_code == 400


def test_registration_without_a_challenge_is_refused(personas):
    browser = signed_in("koege-aktoer")
    response = browser.post(reverse("webauthn_register"), {"credential": "{}", "name": "x"})
    assert response.status_code == 400
    assert response.json() == {"error": "Nøglen kunne ikke bekræftes. Prøv igen."}
    assert not WebAuthnDevice.objects.exists()


def test_the_registration_page_excludes_the_users_keys(personas):
    key_for(personas.actor)
    browser = signed_in("koege-aktoer")
    response = browser.get(reverse("webauthn_register"))
    options = json.loads(response.context["options"])
    assert options["rp"] == {"id": "testserver", "name": "SIV"}
    assert options["user"]["name"] == "koege-aktoer"
    assert [c["id"] for c in options["excludeCredentials"]] == [credential_id(personas.actor)]


def test_the_user_removes_their_own_key_not_anothers(personas):
    own = key_for(personas.actor, name="Min nøgle")
    other = key_for(personas.caseworker)
    browser = signed_in("koege-aktoer")
    assert "Min nøgle" in browser.get(reverse("account")).content.decode()
    assert browser.post(reverse("webauthn_remove", args=[other.pk])).status_code == 404
    browser.post(reverse("webauthn_remove", args=[own.pk]))
    assert list(WebAuthnDevice.objects.all()) == [other]
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, object_id=str(own.pk)).exists()


def test_a_second_factor_reset_removes_the_keys(client, personas):
    key_for(personas.actor)
    client.force_login(personas.admin)
    client.post(reverse("partnerships:user_reset_second_factor", args=[personas.actor.pk]))
    assert not WebAuthnDevice.objects.filter(user=personas.actor).exists()
    assert AuditEntry.objects.filter(details__security_keys_removed=1).exists()
