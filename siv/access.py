"""The one access-scoping mechanism.

Every model whose rows are not for everybody gets a QuerySet that subclasses
ScopedQuerySet and implements `scoped(user, write=...)`. Views, forms, exports and the API
fetch rows through `Model.objects.for_user(user)` (or `get_for_user_or_404`), so a row
outside the user's role and organisation is simply not found: 404, never 403.
"""

from __future__ import annotations

from typing import Any, Self, TypeVar

from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)


def has_role(user: Any) -> bool:
    """True for an active, signed-in user with a role. Which pages and actions the role opens
    is siv/permissions.py's table; which rows it sees, the model's `scoped()`."""
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and getattr(user, "role", "")
    )


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user: Any, *, write: bool = False) -> Self:
        if not has_role(user):
            return self.none()
        return self.scoped(user, write=write)

    def scoped(self, user: Any, *, write: bool) -> Self:  # pragma: no cover - contract
        raise NotImplementedError(f"{type(self).__name__} must define scoped()")


def get_for_user_or_404(
    queryset: models.QuerySet[M] | type[M], user: Any, *, write: bool = False, **lookup: Any
) -> M:
    """The object the user may see (or change, with write=True), or Http404."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    scoped = queryset.for_user(user, write=write)  # type: ignore[attr-defined]
    try:
        return scoped.get(**lookup)
    except (scoped.model.DoesNotExist, ValueError, TypeError) as exc:
        if isinstance(exc, scoped.model.DoesNotExist):
            _record_if_foreign(scoped, user, write=write, lookup=lookup)
        raise Http404 from exc


def _record_if_foreign(scoped: ScopedQuerySet, user: Any, *, write: bool, lookup: dict) -> None:
    """Log a security event when the record asked for exists but lies outside the user's
    access: probing for other municipalities' citizens is worth an administrator's look
    (siv/alerts.py), a mistyped id is not. The row names the record by model and id."""
    from .audit import record_foreign

    # Asked of all rows of the model, not of the caller's queryset: a row the user may see
    # under another parent (a meeting of another partnership) is a wrong link, not a probe.
    everything = type(scoped)(model=scoped.model, using=scoped.db)
    foreign = everything.filter(**lookup).exclude(
        pk__in=everything.for_user(user, write=write).values("pk")
    )
    pk = foreign.order_by().values_list("pk", flat=True).first()
    if pk is not None:
        record_foreign(actor=user, model=scoped.model, pk=pk, write=write)
