"""Issuing a one-time secret that an administrator hands to a user (an enrolment code, a
password link): a row with the secret's digest and an expiry, and the user's earlier unused
ones lapse, all logged in one transaction."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from . import audit


@transaction.atomic
def issue_one_time(
    model: type[models.Model], *, user: Any, by: Any, digest: str, hours: int, details: dict
) -> models.Model:
    now = timezone.now()
    for old in model.objects.filter(user=user, used__isnull=True, expires__gt=now):
        audit.save_and_record(obj=old, by=by, changes={"expires": now})
    return audit.save_and_record(
        obj=model(user=user),
        by=by,
        changes={"digest": digest, "created": now, "expires": now + timedelta(hours=hours)},
        details=details,
    )
