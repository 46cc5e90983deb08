"""The session store (SESSION_ENGINE) and what a user sees and ends of their sessions.

Django's database sessions, with the signed-in user's id as a column of the row
(siv.models.UserSession): the account page lists a user's sessions, and a password change,
a deactivation or a second-factor reset ends them, each with one indexed query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.utils import timezone

from .client import client_ip
from .hashing import secret_digest

# The session's note of where it was signed in from: address and browser, as the user sees
# them on the account page.
CLIENT_KEY = "siv_client"
AGENT_LENGTH = 200


class SessionStore(DatabaseStore):
    @classmethod
    def get_model_class(cls):
        from .models import UserSession

        return UserSession

    def create_model_instance(self, data):
        row = super().create_model_instance(data)
        try:
            row.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            row.user_id = None
        return row


def _rows(user: Any):
    from .models import UserSession

    return UserSession.objects.filter(user_id=user.pk, expire_date__gt=timezone.now())


def session_ref(session_key: str) -> str:
    """How a page names a session: a digest of its key, never the key (it signs in)."""
    return secret_digest(session_key)[:20]


def note_client(request) -> None:
    """Note the client's address and browser in the session being signed in."""
    request.session[CLIENT_KEY] = {
        "ip": client_ip(request) or "",
        "agent": request.headers.get("User-Agent", "")[:AGENT_LENGTH],
    }


@dataclass(frozen=True)
class SessionInfo:
    ref: str
    current: bool
    signed_in: datetime | None
    last_active: datetime
    ip: str
    agent: str


def sessions_of(user: Any, *, current_key: str | None) -> list[SessionInfo]:
    """The user's live sessions, the current one first, then the latest active."""
    from .middleware import SessionLimitsMiddleware

    found = []
    for row in _rows(user):
        data = row.get_decoded()
        started = data.get(SessionLimitsMiddleware.KEY)
        client = data.get(CLIENT_KEY) or {}
        found.append(
            SessionInfo(
                ref=session_ref(row.session_key),
                current=row.session_key == current_key,
                signed_in=(
                    datetime.fromtimestamp(started, tz=timezone.get_current_timezone())
                    if started
                    else None
                ),
                last_active=row.expire_date - timedelta(seconds=settings.SESSION_COOKIE_AGE),
                ip=client.get("ip", ""),
                agent=client.get("agent", ""),
            )
        )
    found.sort(key=lambda info: (not info.current, -info.last_active.timestamp()))
    return found


def end_sessions(user: Any, *, keep: str | None = None) -> int:
    """End every live session of the user (but `keep`, a session key). Returns how many."""
    from .models import UserSession

    # The sessions alone: rows that go with them (a provider's grant) are not sessions.
    _total, by_model = _rows(user).exclude(session_key=keep or "").delete()
    return by_model.get(UserSession._meta.label, 0)


def end_session(user: Any, *, ref: str, keep: str | None = None) -> bool:
    """End the user's session that `ref` names (never `keep`). False when none is live."""
    for key in _rows(user).exclude(session_key=keep or "").values_list("session_key", flat=True):
        if session_ref(key) == ref:
            _rows(user).filter(session_key=key).delete()
            return True
    return False
