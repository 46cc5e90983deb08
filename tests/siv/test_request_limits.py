"""Bodies and logs that must not grow without bound (ASVS 12.1.1, 8.3.8): a request body over
the limit is refused before it is read, and expired sessions and old sign-in attempts go."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.urls import reverse

from siv.models import UserSession
from siv.sessions import SessionStore
from siv.tasks import housekeeping

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 11, 10, tzinfo=ZoneInfo("Europe/Copenhagen"))


def test_a_body_declared_over_the_limit_is_refused_before_it_is_read(client, settings):
    settings.SIV_MAX_REQUEST_BYTES = 1024
    response = client.generic(
        "POST", reverse("login"), b"x" * 2048, content_type="application/octet-stream"
    )
    assert response.status_code == 413
    assert "for stor" in response.content.decode()
    # Under the limit the request reaches the view.
    small = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert small.status_code != 413


def test_a_chunked_body_without_a_length_is_refused_on_a_write(client):
    response = client.generic(
        "POST", reverse("login"), b"", HTTP_TRANSFER_ENCODING="chunked", CONTENT_LENGTH=""
    )
    assert response.status_code == 413
    assert client.get(reverse("login"), HTTP_TRANSFER_ENCODING="chunked").status_code == 200


def sign_in_rows(username: str) -> None:
    who = {"username": username, "ip_address": "10.0.0.1", "user_agent": "x"}
    AccessAttempt.objects.create(**who, failures_since_start=1)
    AccessFailureLog.objects.create(**who)
    AccessLog.objects.create(**who)


def test_housekeeping_removes_expired_sessions_and_old_sign_in_logs_only(settings):
    settings.SIV_SIGN_IN_LOG_DAYS = 30
    with time_machine.travel(NOW - timedelta(days=40), tick=False):
        old = SessionStore()
        old.set_expiry(3600)
        old.create()
        sign_in_rows("gammel")
    with time_machine.travel(NOW, tick=False):
        fresh = SessionStore()
        fresh.create()
        sign_in_rows("ny")
        removed = housekeeping()
    assert removed == {"sessions": 1, "attempts": 1, "failures": 1, "access_logs": 1}
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [fresh.session_key]
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        assert list(model.objects.values_list("username", flat=True)) == ["ny"]


def test_housekeeping_runs_every_night():
    task = settings.CELERY_BEAT_SCHEDULE["housekeeping"]["task"]
    assert task == "siv.tasks.housekeeping"
