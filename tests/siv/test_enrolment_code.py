"""Where the second factor is required, a user without a device enrols one only with a
one-time code from an administrator: the password alone shows no QR code and makes no
device. Without the requirement (the demo), the set-up is as before."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from siv.enrolment import enrolment_code_issue
from siv.models import AuditAction, AuditEntry, EnrolmentCode

pytestmark = pytest.mark.django_db
SETUP = reverse("otp_setup")
PASSWORD = "demo-adgang-2026"


def sign_in(client, username="koege-aktoer"):
    client.post(reverse("login"), {"username": username, "password": PASSWORD})
    return client


def confirm_device(client, user):
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    token = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    client.post(SETUP, {"token": token})
    device.refresh_from_db()
    return device


@override_settings(SIV_REQUIRE_2FA=True)
def test_the_password_alone_shows_no_secret_and_makes_no_device(client, personas):
    sign_in(client)
    page = client.get(SETUP)
    assert page.status_code == 200
    assert "tilmeldingskode" in page.content.decode()
    assert "qr_data_uri" not in page.context and "secret" not in page.context
    assert not TOTPDevice.objects.filter(user=personas.actor).exists()
    # A code straight to the device step is not taken either.
    client.post(SETUP, {"token": "123456"})
    assert not TOTPDevice.objects.filter(user=personas.actor).exists()


@override_settings(SIV_REQUIRE_2FA=True)
def test_a_wrong_code_is_refused_and_logged(client, personas):
    enrolment_code_issue(user=personas.actor, by=personas.admin)
    sign_in(client)
    response = client.post(SETUP, {"code": "AAAAA-AAAAA"})
    assert "Koden er forkert, brugt eller udløbet" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=personas.actor).exists()
    assert AuditEntry.objects.filter(
        action=AuditAction.LOGIN_FAILED, actor=personas.actor, details__reason="enrolment_code"
    ).exists()


@override_settings(SIV_REQUIRE_2FA=True)
def test_the_administrators_code_enrols_a_device_once(client, personas):
    # A device left unconfirmed (its secret once shown) is replaced by one with a new secret.
    stale = TOTPDevice.objects.create(user=personas.actor, name="SIV", confirmed=False)
    code = enrolment_code_issue(user=personas.actor, by=personas.admin)
    sign_in(client)
    response = client.post(SETUP, {"code": code.lower().replace("-", " ")})
    assert response.status_code == 302 and response["Location"].startswith(SETUP)
    assert not TOTPDevice.objects.filter(pk=stale.pk).exists()
    assert client.get(SETUP).context["secret"]
    assert confirm_device(client, personas.actor).confirmed
    assert client.get(reverse("home")).status_code == 200

    # Used once: after a reset, the same code no longer opens the set-up.
    TOTPDevice.objects.filter(user=personas.actor).delete()
    again = sign_in(Client())
    again.post(SETUP, {"code": code})
    assert "qr_data_uri" not in again.get(SETUP).context


@override_settings(SIV_REQUIRE_2FA=True)
def test_an_expired_code_or_another_users_code_is_refused(client, personas):
    expired = enrolment_code_issue(user=personas.actor, by=personas.admin)
    EnrolmentCode.objects.filter(user=personas.actor).update(expires=timezone.now())
    colleague = enrolment_code_issue(user=personas.caseworker, by=personas.admin)
    sign_in(client)
    for code in (expired, colleague):
        response = client.post(SETUP, {"code": code})
        assert "Koden er forkert, brugt eller udløbet" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=personas.actor).exists()


def test_a_new_code_ends_the_earlier_one(personas):
    first = enrolment_code_issue(user=personas.actor, by=personas.admin)
    enrolment_code_issue(user=personas.actor, by=personas.admin)
    codes = EnrolmentCode.objects.filter(user=personas.actor)
    assert codes.filter(expires__gt=timezone.now()).count() == 1
    assert first.replace("-", "") not in str(list(codes.values()))
    assert codes.get(expires__gt=timezone.now()).expires > timezone.now() + timedelta(hours=71)


def test_without_the_requirement_the_set_up_needs_no_code(client, personas):
    client.force_login(personas.actor)
    page = client.get(SETUP)
    assert page.context["secret"]
    assert confirm_device(client, personas.actor).confirmed


def test_the_administrator_issues_a_code_shown_once(client, personas):
    client.force_login(personas.admin)
    url = reverse("partnerships:user_enrolment_code", args=[personas.actor.pk])
    detail = client.get(reverse("partnerships:user_detail", args=[personas.actor.pk]))
    assert url in detail.content.decode()
    response = client.post(url)
    code = response.context["code"]
    assert code in response.content.decode()
    stored = EnrolmentCode.objects.get(user=personas.actor)
    assert code.replace("-", "") not in stored.digest
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, actor=personas.admin, object_id=str(stored.pk)
    ).exists()
    detail = client.get(reverse("partnerships:user_detail", args=[personas.actor.pk]))
    assert code not in detail.content.decode()
