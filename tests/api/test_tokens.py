"""API tokens: stored as a digest of a secret shown once, expiring, revocable, issued on the
web only from a session that passed the second factor, and by the operator's command."""

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from siv.models import AuditAction, AuditEntry
from siv_api.models import ApiToken
from siv_api.services import token_issue

pytestmark = pytest.mark.django_db
COMPANIES = reverse("siv_api:company-list")
TOKENS = reverse("siv_api:tokens")


def _get(key, url=COMPANIES):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(url)


def test_a_token_is_stored_only_as_the_digest_of_its_secret(personas):
    issued = token_issue(user=personas.actor)
    prefix, secret = issued.key.split(".")
    row = ApiToken.objects.values().get(pk=issued.token.pk)
    assert row["prefix"] == prefix
    assert row["digest"] == hashlib.sha256(secret.encode()).hexdigest()
    assert not any(secret in str(value) for value in row.values())
    assert _get(issued.key).status_code == 200


@override_settings(SIV_API_TOKEN_DAYS=7)
def test_a_token_expires_after_the_configured_days(personas):
    token = token_issue(user=personas.actor).token
    assert token.expires - token.created == timedelta(days=7)


def test_an_expired_token_is_refused_with_401(personas):
    issued = token_issue(user=personas.actor)
    ApiToken.objects.filter(pk=issued.token.pk).update(expires=timezone.now())
    assert _get(issued.key).status_code == 401


def test_a_revoked_token_is_refused_with_401(client, personas):
    issued = token_issue(user=personas.actor)
    assert _get(issued.key).status_code == 200
    client.force_login(personas.actor)
    client.post(reverse("siv_api:token_revoke", args=[issued.token.pk]))
    assert _get(issued.key).status_code == 401


@pytest.mark.parametrize("mangle", [lambda k: k + "x", lambda k: k.split(".")[0], lambda k: "."])
def test_a_wrong_or_malformed_key_is_refused_with_401(personas, mangle):
    issued = token_issue(user=personas.actor)
    response = _get(mangle(issued.key))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_of_a_disabled_user_is_refused(personas):
    issued = token_issue(user=personas.actor)
    personas.actor.is_active = False
    personas.actor.save()
    assert _get(issued.key).status_code == 401


def _writes(key) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert _get(key).status_code == 200
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith("UPDATE") and "siv_api_apitoken" in q["sql"]
    ]


def test_the_last_use_is_recorded_at_most_once_a_minute(personas):
    issued = token_issue(user=personas.actor)
    assert len(_writes(issued.key)) == 1
    assert _writes(issued.key) == []
    used = ApiToken.objects.get(pk=issued.token.pk).last_used
    assert timezone.now() - used < timedelta(seconds=5)
    ApiToken.objects.filter(pk=issued.token.pk).update(last_used=used - timedelta(seconds=61))
    assert len(_writes(issued.key)) == 1


def test_the_command_prints_a_new_key_each_time_and_rotate_revokes_the_others(personas):
    keys = []
    for extra in ([], [], ["--rotate"]):
        out = StringIO()
        call_command("api_token", personas.actor.username, *extra, stdout=out)
        keys.append(out.getvalue().strip())
    assert len(set(keys)) == 3
    first, second, rotated = keys
    assert [_get(key).status_code for key in keys] == [401, 401, 200]
    assert ApiToken.objects.filter(user=personas.actor, revoked__isnull=True).count() == 1
    assert not ApiToken.objects.filter(digest__in=[first, second, rotated]).exists()


def test_a_user_issues_a_token_whose_key_is_shown_once(client, personas):
    client.force_login(personas.caseworker)
    response = client.post(TOKENS)
    assert response.status_code == 200
    key = response.context["issued"].key
    assert key in response.content.decode()
    token = ApiToken.objects.get(user=personas.caseworker)
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, actor=personas.caseworker, object_id=str(token.pk)
    ).exists()
    listing = client.get(TOKENS).content.decode()
    assert key not in listing and token.prefix in listing
    assert _get(key, reverse("siv_api:participant-list")).status_code == 200


def test_a_user_sees_and_revokes_only_their_own_tokens(client, personas):
    own = token_issue(user=personas.actor).token
    colleague = token_issue(user=personas.foreign["employment_actor"]).token
    client.force_login(personas.actor)
    listing = client.get(TOKENS).content.decode()
    assert own.prefix in listing and colleague.prefix not in listing
    assert client.post(reverse("siv_api:token_revoke", args=[colleague.pk])).status_code == 404
    colleague.refresh_from_db()
    assert colleague.revoked is None
    response = client.post(reverse("siv_api:token_revoke", args=[own.pk]), follow=True)
    assert "tilbagekaldt" in response.content.decode()
    own.refresh_from_db()
    assert own.revoked is not None


@override_settings(SIV_REQUIRE_2FA=True)
def test_with_2fa_required_only_a_verified_session_issues_a_token(client, personas):
    device = TOTPDevice.objects.create(user=personas.actor, name="SIV", confirmed=True)
    client.post(reverse("login"), {"username": "koege-aktoer", "password": "demo-adgang-2026"})
    response = client.post(TOKENS)
    assert response.status_code == 302 and response["Location"] == reverse("otp_verify")
    assert not ApiToken.objects.exists()
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    client.post(reverse("otp_verify"), {"token": code})
    assert client.post(TOKENS).status_code == 200
    assert ApiToken.objects.filter(user=personas.actor).count() == 1


def test_the_migration_drops_the_old_clear_text_tokens(db):
    executor = MigrationExecutor(connection)
    executor.migrate([("siv_api", "0001_api_token")])
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY)")
        cursor.execute("INSERT INTO authtoken_token VALUES ('clear-text-key')")
    executor = MigrationExecutor(connection)
    executor.migrate([("siv_api", "0002_drop_clear_text_tokens")])
    assert "authtoken_token" not in connection.introspection.table_names()
