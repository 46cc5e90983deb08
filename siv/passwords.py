"""The password life cycle: a user changes their own password (the current one required,
their other sessions ended), and an administrator issues a one-time link with which a user
sets a password (a new account, a forgotten password) instead of choosing it for them.
Django's password validators (settings.AUTH_PASSWORD_VALIDATORS) judge every new password."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit
from .hashing import secret_digest
from .models import AuditAction, PasswordLink
from .one_time import issue_one_time
from .sessions import end_sessions

LINK_USED = gettext_lazy("Linket er udløbet eller allerede brugt. Bed din administrator om et nyt.")


def _set_password(*, user: Any, password: str, keep: str | None) -> int:
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    return end_sessions(user, keep=keep)


def password_change(*, user: Any, current: str, new: str, keep: str | None) -> int:
    """The user's own change: refused unless `current` is their password (the refusal is
    logged). Every other session of theirs ends (`keep` is the session key of the one they
    changed it in). Returns how many ended."""
    if not user.check_password(current):
        audit.record(AuditAction.LOGIN_FAILED, actor=user, details={"reason": "current_password"})
        raise ValidationError({"old_password": _("Din nuværende adgangskode er forkert.")})
    if new == current:
        raise ValidationError(
            {"new_password1": _("Den nye adgangskode skal være en anden end den nuværende.")}
        )
    with transaction.atomic():
        ended = _set_password(user=user, password=new, keep=keep)
        audit.record(
            AuditAction.CHANGE,
            actor=user,
            obj=user,
            details={"password_changed": True, "sessions_ended": ended},
        )
    return ended


def password_link_issue(*, user: Any, by: Any) -> str:
    """A new link key for the user, valid SIV_PASSWORD_LINK_HOURS; earlier unused links lapse.
    Returns the key, the only time it is known in clear."""
    key = secrets.token_urlsafe(32)
    issue_one_time(
        PasswordLink,
        user=user,
        by=by,
        digest=secret_digest(key),
        hours=settings.SIV_PASSWORD_LINK_HOURS,
        details={"link_for": user.pk},
    )
    return key


def _valid_links(key: str):
    return PasswordLink.objects.select_related("user").filter(
        digest=secret_digest(key),
        used__isnull=True,
        expires__gt=timezone.now(),
        user__is_active=True,
    )


def password_link_valid(key: str) -> PasswordLink | None:
    """The unused, unexpired link the key opens, for an active user; None otherwise."""
    return _valid_links(key).first()


@transaction.atomic
def password_link_open(key: str) -> str | None:
    """Trade the link's key, which travelled in an address (and so may sit in a proxy's log
    or the browser's history), for a new one that only the opening browser's session holds:
    the address no longer opens anything. None when the link is not valid."""
    link = _valid_links(key).select_for_update(of=("self",)).first()
    if link is None:
        return None
    fresh = secrets.token_urlsafe(32)
    audit.save_and_record(obj=link, by=link.user, changes={"digest": secret_digest(fresh)})
    return fresh


@transaction.atomic
def password_link_redeem(*, key: str, password: str) -> Any:
    """Set the link's user's password, once: the link is used, and every session of the user
    ends. Returns the user."""
    link = _valid_links(key).select_for_update(of=("self",)).first()
    if link is None:
        raise ValidationError(str(LINK_USED))
    ended = _set_password(user=link.user, password=password, keep=None)
    audit.save_and_record(
        obj=link, by=link.user, changes={"used": timezone.now()}, details={"sessions_ended": ended}
    )
    return link.user
