"""A token's use and every refused key go to the audit log, never with the key."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from siv.models import AuditAction, AuditEntry
from siv_api.models import ApiToken
from siv_api.services import token_issue

pytestmark = pytest.mark.django_db
COMPANIES = reverse("siv_api:company-list")


def _get(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(COMPANIES)


def _rows_text() -> str:
    return " ".join(str(row) for row in AuditEntry.objects.values())


@override_settings(SIV_API_TOKEN_USE_LOG_MINUTES=15)
def test_a_token_s_use_is_logged_once_per_quarter_hour_without_the_key(personas):
    issued = token_issue(user=personas.actor)
    assert _get(issued.key).status_code == 200
    assert _get(issued.key).status_code == 200
    used = AuditEntry.objects.get(action=AuditAction.TOKEN_USED)
    assert used.actor == personas.actor
    assert used.object_id == str(issued.token.pk)
    assert used.details == {"once_per_minutes": 15}
    assert issued.key.split(".")[1] not in _rows_text()


def test_each_refused_key_is_logged_with_its_reason_and_never_the_key(personas):
    good = token_issue(user=personas.actor)
    prefix, secret = good.key.split(".")
    revoked = token_issue(user=personas.actor)
    ApiToken.objects.filter(pk=revoked.token.pk).update(revoked=timezone.now())
    expired = token_issue(user=personas.actor)
    ApiToken.objects.filter(pk=expired.token.pk).update(expires=timezone.now())
    keys = {
        "malformed": "no-dot-in-this-key",
        "unknown": f"ffffffff.{secret}",
        "wrong_secret": f"{prefix}.not-the-secret-{secret[:5]}",
        "revoked": revoked.key,
        "expired": expired.key,
    }
    for key in keys.values():
        assert _get(key).status_code == 401
    rows = AuditEntry.objects.filter(action=AuditAction.TOKEN_REFUSED).order_by("pk")
    assert [r.details["reason"] for r in rows] == list(keys)
    assert [r.object_id for r in rows] == [
        "",
        "",
        str(good.token.pk),
        str(revoked.token.pk),
        str(expired.token.pk),
    ]
    assert all(r.actor is None for r in rows)
    text = _rows_text()
    for key in keys.values():
        assert key not in text
    for issued in (good, revoked, expired):
        assert issued.key.split(".")[1] not in text
    assert not AuditEntry.objects.filter(action=AuditAction.TOKEN_USED).exists()


def test_a_disabled_user_s_token_is_refused_and_logged(personas):
    issued = token_issue(user=personas.actor)
    personas.actor.is_active = False
    personas.actor.save(update_fields=["is_active"])
    assert _get(issued.key).status_code == 401
    assert AuditEntry.objects.get(action=AuditAction.TOKEN_REFUSED).details == {
        "reason": "inactive_user"
    }
