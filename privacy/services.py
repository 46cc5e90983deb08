"""Data protection services: recording the legal basis, the access-request export (art. 15)
and the anonymisation of citizens some years after they left."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participants import gdpr
from participants.models import Citizen
from partnerships.models import User
from siv import audit
from siv.models import AuditAction

from .models import AnonymisationRun, ConsentRecord


def consent_record(
    *,
    citizen: Citizen,
    by: User | None,
    legal_basis: str,
    consent_given: bool = False,
    recorded_on: date | None = None,
    note: str = "",
) -> ConsentRecord:
    return audit.save_and_record(
        obj=ConsentRecord(citizen=citizen),
        by=by,
        changes={
            "legal_basis": legal_basis,
            "consent_given": consent_given,
            "recorded_on": recorded_on or timezone.localdate(),
            "note": note,
            "recorded_by": by,
        },
        details={"citizen": citizen.pk, "legal_basis": legal_basis},
    )


# --- Access request (art. 15) --------------------------------------------------------------


def citizen_export_data(*, citizen: Citizen) -> dict[str, Any]:
    data = gdpr.citizen_record(citizen)
    data["retsgrundlag"] = [
        {
            "legal_basis": str(c.get_legal_basis_display()),
            "consent_given": c.consent_given,
            "recorded_on": c.recorded_on.isoformat(),
            "note": c.note,
        }
        for c in citizen.consents.all()
    ]
    data["udtrukket"] = timezone.localtime().isoformat(timespec="seconds")
    return data


def citizen_export(*, citizen: Citizen, by: User, fmt: str) -> bytes:
    """The citizen's full record as JSON or PDF; the export is logged (never its content)."""
    if fmt not in ("json", "pdf"):
        raise ValueError(fmt)
    data = citizen_export_data(citizen=citizen)
    if fmt == "json":
        content = json.dumps(data, ensure_ascii=False, indent=2).encode()
    else:
        from siv.pdf import render_pdf  # heavy import, only for the PDF

        content = render_pdf(
            "privacy/export.html",
            {"data": data, "citizen": citizen},
            title=_("Indsigt i egne oplysninger"),
        )
    with transaction.atomic():
        audit.record(
            AuditAction.EXPORT,
            actor=by,
            obj=citizen,
            purpose="Indsigtsanmodning (art. 15)",
            details={"format": fmt},
        )
    return content


# --- Anonymisation -------------------------------------------------------------------------


def anonymise_cutoff(today: date | None = None) -> date:
    years = settings.SIV_ANONYMISE_AFTER_YEARS
    return (today or timezone.localdate()) - relativedelta(years=years)


def anonymise_exited(
    *, exited_before: date, by: User | None = None, source: str = AnonymisationRun.Source.COMMAND
) -> AnonymisationRun:
    """Anonymise every citizen who left before the day (and has not re-entered)."""
    with transaction.atomic():
        citizens = list(gdpr.citizens_exited_before(exited_before).select_for_update(of=("self",)))
        for citizen in citizens:
            gdpr.citizen_scrub(citizen)
            ConsentRecord.objects.filter(citizen=citizen).update(note="")
            audit.record(
                AuditAction.ANONYMISE,
                actor=by,
                obj=citizen,
                username="" if by else "system",
                details={"exited_before": exited_before.isoformat()},
            )
        run = AnonymisationRun.objects.create(
            source=source, exited_before=exited_before, citizens=len(citizens), started_by=by
        )
    return run


def anonymise_due(*, today: date | None = None) -> AnonymisationRun:
    """The scheduled run: citizens who left SIV_ANONYMISE_AFTER_YEARS years ago or more."""
    return anonymise_exited(
        exited_before=anonymise_cutoff(today), source=AnonymisationRun.Source.SCHEDULE
    )
