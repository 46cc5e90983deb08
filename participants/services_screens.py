"""Thin writes the screens need beyond participants.services (audit rows only)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partnerships.models import User
from siv import audit
from siv.models import AuditAction, AuditEntry

from . import services
from .models import Citizen, ExitForm, Placement, Visitation


def lookups_export(*, citizen: Citizen, by: User) -> list[AuditEntry]:
    """Every logged access to the citizen's records (GDPR insight), the export itself logged."""
    subjects = [
        citizen,
        *citizen.visitations.all(),
        *citizen.exits.all(),
        *citizen.placements.all(),
        *citizen.notes.all(),
    ]
    with transaction.atomic():
        rows = list(audit.lookups_for_subject(subjects))
        audit.record(
            AuditAction.EXPORT,
            actor=by,
            obj=citizen,
            purpose="Indsigt: opslagslog",
            details={"export": "lookups", "rows": len(rows)},
        )
    return rows


def visitation_propose_citizen(
    *,
    by: User,
    cpr: str,
    citizen_fields: dict[str, Any],
    proposed_on: date,
    partnership=None,
    realistic_20_hours: bool | None = None,
    replaces_exit: ExitForm | None = None,
) -> Visitation:
    """The caseworker's proposal: a new citizen is created in the caseworker's municipality,
    a known one (re-entry) is updated; a citizen of another municipality is refused."""
    with transaction.atomic():
        citizen = services.citizen_find_by_cpr(cpr=cpr)
        if citizen is None:
            citizen = services.citizen_create(
                by=by,
                cpr=cpr,
                municipality=by.municipality,
                caseworker=by,
                **citizen_fields,
            )
        elif not Citizen.objects.for_user(by, write=True).filter(pk=citizen.pk).exists():
            raise ValidationError({"cpr": _("Borgeren er tilknyttet en anden kommune.")})
        else:
            services.citizen_update(citizen=citizen, by=by, **citizen_fields)
        return services.visitation_propose(
            citizen=citizen,
            by=by,
            proposed_on=proposed_on,
            partnership=partnership,
            realistic_20_hours=realistic_20_hours,
            replaces_exit=replaces_exit,
        )


def placement_create_with_plan(
    *, citizen: Citizen, by: User, plan: Iterable[tuple[date, Decimal]] = (), **fields: Any
) -> Placement:
    """A placement and its dated hour steps, all or nothing (each step inside the placement)."""
    with transaction.atomic():
        placement = services.placement_create(citizen=citizen, by=by, **fields)
        for from_date, hours in plan:
            services.placement_step_set(
                placement=placement, by=by, from_date=from_date, hours_per_week=hours
            )
    return placement
