"""Writing the audit log. Services call `record()` inside the transaction of the change.

Only ids, field names and search criteria go in; never CPR numbers or citizens' names.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

from .models import AuditAction, AuditEntry

# The client address of the request being served, set by RequestContextMiddleware.
current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("siv_ip", default=None)

MINIMUM_RETENTION_MONTHS = 6


def label_for(obj: models.Model) -> str:
    """A label without personal data: the model's verbose name and id."""
    audit_label = getattr(obj, "audit_label", None)
    if audit_label:
        return str(audit_label)
    return f"{obj._meta.verbose_name} #{obj.pk}"


def _clean(value: Any) -> Any:
    """PostgreSQL text and jsonb cannot hold a NUL character; a hostile query string can."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, Mapping):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def record(
    action: AuditAction | str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    label: str = "",
    purpose: str = "",
    details: Mapping[str, Any] | None = None,
    username: str = "",
) -> AuditEntry:
    is_user = bool(actor is not None and getattr(actor, "is_authenticated", False))
    return AuditEntry.objects.create(
        actor=actor if is_user else None,
        actor_username=_clean(actor.get_username() if is_user else username)[:150],
        action=action,
        content_type=(
            ContentType.objects.get_for_model(obj, for_concrete_model=True)
            if obj is not None
            else None
        ),
        object_id=str(obj.pk) if obj is not None else "",
        object_label=_clean(label or (label_for(obj) if obj is not None else ""))[:200],
        purpose=_clean(purpose)[:200],
        ip_address=current_ip.get(),
        details=_clean(dict(details or {})),
    )


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    return sorted(k for k in after if before.get(k) != after.get(k))


def record_search(*, actor: Any, model: type[models.Model], criteria: Mapping[str, Any]) -> None:
    """Log a search with its criteria (empty criteria are left out)."""
    cleaned = {k: str(v) for k, v in criteria.items() if v not in (None, "", [], ())}
    record(
        AuditAction.SEARCH,
        actor=actor,
        label=str(model._meta.verbose_name_plural),
        details={"model": model._meta.label_lower, "criteria": cleaned},
    )


def record_export(*, actor: Any, what: str, details: Mapping[str, Any] | None = None) -> None:
    record(AuditAction.EXPORT, actor=actor, label=what, details=details)


def lookups_for_subject(objs: Iterable[models.Model]) -> models.QuerySet[AuditEntry]:
    """Every logged access to the given records (a citizen and their sub-records)."""
    query = models.Q(pk__in=[])
    for obj in objs:
        query |= models.Q(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
            object_id=str(obj.pk),
        )
    return AuditEntry.objects.filter(query).order_by("at", "id")


def purge_expired(*, months: int, now=None) -> int:
    """Delete log rows older than `months` (never fewer than six). Returns how many."""
    months = max(MINIMUM_RETENTION_MONTHS, months)
    cutoff = (now or timezone.now()) - timedelta(days=round(months * 30.44))
    with transaction.atomic(), connection.cursor() as cursor:
        # The database's own purge (siv/migrations/0004): the runtime role may not DELETE.
        cursor.execute("SELECT siv_purge_audit(%s)", [cutoff])
        (deleted,) = cursor.fetchone()
        if deleted:
            record(AuditAction.PURGE, label="revisionslog", details={"deleted": deleted})
    return deleted
