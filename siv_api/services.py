"""Writes of the API itself: issuing, revoking and using tokens. Everything else goes through
the apps' services."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from partnerships.models import User
from siv import audit
from siv.cache import resilient_cache
from siv.hashing import secret_digest
from siv.models import AuditAction

from .models import ApiToken

# A token's last use is written at most this often: a busy client costs one write a minute.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    """A new token and its key, `prefix.secret`: the only time the key is known in clear."""

    token: ApiToken
    key: str


def split_key(key: str) -> tuple[str, str] | None:
    prefix, dot, secret = key.partition(".")
    if not dot or not prefix or not secret:
        return None
    return prefix, secret


def token_issue(*, user: User, by: User | None = None, rotate: bool = False) -> IssuedToken:
    """A new API token for the user, valid SIV_API_TOKEN_DAYS; `rotate` revokes the others."""
    prefix, secret = secrets.token_hex(4), secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        if rotate:
            tokens_revoke_all(user=user, by=by)
        token = audit.save_and_record(
            obj=ApiToken(user=user),
            by=by,
            changes={
                "prefix": prefix,
                "digest": secret_digest(secret),
                "created": now,
                "expires": now + timedelta(days=settings.SIV_API_TOKEN_DAYS),
            },
            details={"token_for": user.pk, "rotated": rotate},
        )
    return IssuedToken(token=token, key=f"{prefix}.{secret}")


def token_revoke(*, token: ApiToken, by: User | None) -> ApiToken:
    """Revoke a token from now on; revoking a revoked token changes nothing."""
    if token.revoked is not None:
        return token
    return audit.save_and_record(obj=token, by=by, changes={"revoked": timezone.now()})


def tokens_revoke_all(*, user: User, by: User | None) -> int:
    """Revoke every usable token of the user (their second factor was reset). Returns how
    many."""
    revoked = 0
    with transaction.atomic():
        for token in ApiToken.objects.filter(user=user).usable():
            token_revoke(token=token, by=by)
            revoked += 1
    return revoked


def token_used(*, token: ApiToken) -> None:
    """Note a request made with the token: its last use, unless one was noted within the last
    minute, and a row in the audit log at most once per SIV_API_TOKEN_USE_LOG_MINUTES (a
    busy client would otherwise write one per request)."""
    now = timezone.now()
    minutes = settings.SIV_API_TOKEN_USE_LOG_MINUTES
    if resilient_cache.add(f"siv:token-use-logged:{token.pk}:{token.prefix}", 1, minutes * 60):
        details = {"once_per_minutes": minutes}
        audit.record(AuditAction.TOKEN_USED, actor=token.user, obj=token, details=details)
    if token.last_used is not None and now - token.last_used < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    token.last_used = now


class TokenRefusal(StrEnum):
    """Why a request's key was refused; the client is told none of it (one 401 for all)."""

    MALFORMED = "malformed"
    UNKNOWN = "unknown"
    WRONG_SECRET = "wrong_secret"
    REVOKED = "revoked"
    EXPIRED = "expired"
    INACTIVE_USER = "inactive_user"


def token_refused(*, reason: TokenRefusal, token: ApiToken | None = None) -> None:
    """Log a refused key, never the key: a key whose prefix names a token is logged as that
    token (by id and prefix, which is not secret); an unknown one by its reason alone."""
    audit.record(AuditAction.TOKEN_REFUSED, obj=token, details={"reason": str(reason)})
