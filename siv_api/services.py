"""Writes of the API itself: issuing tokens. Everything else goes through the apps' services."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from partnerships.models import User
from siv import audit
from siv.models import AuditAction


def token_issue(*, user: User, by: User | None = None, rotate: bool = False) -> Token:
    """The user's API token (created when missing; a new key when `rotate`)."""
    with transaction.atomic():
        if rotate:
            Token.objects.filter(user=user).delete()
        token, created = Token.objects.get_or_create(user=user)
        if created:
            audit.record(
                AuditAction.CREATE,
                actor=by,
                obj=user,
                label=f"API-nøgle til bruger #{user.pk}",
                details={"token_for": user.pk, "rotated": rotate},
            )
    return token
