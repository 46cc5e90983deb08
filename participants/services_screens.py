"""Thin writes the screens need beyond participants.services (audit rows only)."""

from __future__ import annotations

from django.db import transaction

from partnerships.models import User
from siv import audit
from siv.models import AuditAction, AuditEntry

from .models import Citizen


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
