"""Making, ending and checking a user's calendar address."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from django.db import transaction

from partnerships.models import User
from siv import audit
from siv.access import has_role
from siv.hashing import secret_digest

from .models import CalendarFeed


@dataclass(frozen=True)
class IssuedFeed:
    """A new calendar address's key, `prefix.secret`: the only time it is known in clear."""

    feed: CalendarFeed
    key: str


@transaction.atomic
def feed_issue(*, user: User) -> IssuedFeed:
    """A new secret address for the user's calendar; the one they had stops working."""
    feed_revoke(user=user, by=user)
    prefix, secret = secrets.token_hex(4), secrets.token_urlsafe(32)
    feed = audit.save_and_record(
        obj=CalendarFeed(user=user),
        by=user,
        changes={"prefix": prefix, "digest": secret_digest(secret)},
        details={"feed_for": user.pk},
    )
    return IssuedFeed(feed=feed, key=f"{prefix}.{secret}")


@transaction.atomic
def feed_revoke(*, user: User, by: User | None) -> int:
    """End the user's calendar address, if they have one (also when their credentials are
    reset). Returns how many were ended."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        return 0
    audit.delete_and_record(obj=feed, by=by, details={"feed_for": user.pk})
    return 1


def feed_user(key: str) -> User | None:
    """The active user whose calendar address this key is, or None. The secret is compared
    in constant time, so its answer time tells nothing about a guess."""
    prefix, dot, secret = key.partition(".")
    if not dot or not prefix or not secret:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(prefix=prefix).first()
    if feed is None or not hmac.compare_digest(feed.digest, secret_digest(secret)):
        return None
    return feed.user if has_role(feed.user) else None
