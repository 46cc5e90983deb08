"""Security events in the audit log: a record outside the user's access asked for, the
second factor passed or failed, an account locked. Never with the secret typed."""

from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from participants.models import Citizen
from siv.models import AuditAction, AuditEntry
from tests.factories.participants import CitizenFactory

pytestmark = pytest.mark.django_db
PASSWORD = "demo-adgang-2026"


def _rows_text(action) -> str:
    return " ".join(str(row) for row in AuditEntry.objects.filter(action=action).values())


def test_asking_for_another_municipalitys_citizen_is_logged_by_model_and_id(client, personas):
    foreign = CitizenFactory(municipality=personas.foreign.municipality)
    client.force_login(personas.caseworker)
    assert client.get(reverse("participants:citizen_detail", args=[foreign.pk])).status_code == 404
    entry = AuditEntry.objects.get(action=AuditAction.FOREIGN)
    assert entry.actor == personas.caseworker
    assert entry.object_id == str(foreign.pk)
    assert entry.details == {"model": "participants.citizen", "id": str(foreign.pk), "write": False}
    assert list(AuditEntry.objects.about(foreign).values_list("action", flat=True)) == [
        AuditAction.FOREIGN
    ]
    text = _rows_text(AuditAction.FOREIGN)
    assert foreign.first_name not in text and foreign.last_name not in text


def test_a_citizen_that_does_not_exist_is_no_security_event(client, personas):
    client.force_login(personas.caseworker)
    missing = (Citizen.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    assert client.get(reverse("participants:citizen_detail", args=[missing])).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.FOREIGN).exists()


def test_an_own_citizen_is_no_security_event(client, personas):
    own = CitizenFactory(municipality=personas.own.municipality)
    client.force_login(personas.caseworker)
    assert client.get(reverse("participants:citizen_detail", args=[own.pk])).status_code == 200
    assert not AuditEntry.objects.filter(action=AuditAction.FOREIGN).exists()


def _code(device, offset: int = 0) -> str:
    right = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{(right + offset) % 10**6:06d}"


@override_settings(SIV_REQUIRE_2FA=True)
def test_a_wrong_and_a_right_second_factor_code_are_logged_without_the_code(client, personas):
    device = TOTPDevice.objects.create(user=personas.actor, name="SIV", confirmed=True)
    client.post(reverse("login"), {"username": "koege-aktoer", "password": PASSWORD})
    wrong = _code(device, offset=1)
    response = client.post(reverse("otp_verify"), {"token": wrong})
    assert "Koden passer ikke" in response.content.decode()
    failed = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (failed.actor, failed.details) == (personas.actor, {"reason": "totp"})
    assert not AuditEntry.objects.filter(action=AuditAction.SECOND_FACTOR).exists()

    # django-otp makes a device wait a moment after a wrong code.
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        right = _code(device)
        assert client.post(reverse("otp_verify"), {"token": right}).status_code == 302
    passed = AuditEntry.objects.get(action=AuditAction.SECOND_FACTOR)
    assert passed.actor == personas.actor
    text = _rows_text(AuditAction.LOGIN_FAILED) + _rows_text(AuditAction.SECOND_FACTOR)
    assert wrong not in text and right not in text


def test_a_lockout_is_logged_and_so_is_each_attempt_while_locked(client, personas):
    for _ in range(3):
        client.post(reverse("login"), {"username": "koege-aktoer", "password": "forkert-1"})
    locked = AuditEntry.objects.get(action=AuditAction.LOCKOUT)
    assert locked.actor_username == "koege-aktoer"
    assert locked.details == {"failures": 3}

    response = client.post(reverse("login"), {"username": "koege-aktoer", "password": PASSWORD})
    assert response.status_code == 429
    rows = AuditEntry.objects.filter(action=AuditAction.LOCKOUT).order_by("pk")
    assert [r.details for r in rows] == [{"failures": 3}, {"failures": 4}]
    text = _rows_text(AuditAction.LOCKOUT)
    assert "forkert-1" not in text and PASSWORD not in text
