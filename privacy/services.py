"""Data protection services: recording the legal basis, the access-request export (art. 15)
and the anonymisation of citizens some years after they left."""

from __future__ import annotations

import json
import secrets
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import (
    CaseNote,
    Citizen,
    ExitForm,
    Pause,
    Placement,
    ProgressAssessment,
    Screening,
    Visitation,
)
from partnerships.models import User
from siv import audit, registry
from siv.models import AuditAction

from . import selectors
from .models import AnonymisationRun, ConsentRecord
from .selectors import ANONYMISED_CPR_PREFIX, ANONYMISED_NAME


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
    data = selectors.citizen_record(citizen)
    data["retsgrundlag"] = [
        {
            "legal_basis": str(c.get_legal_basis_display()),
            "consent_given": c.consent_given,
            "recorded_on": c.recorded_on.isoformat(),
            "note": c.note,
        }
        for c in citizen.consents.all()
    ]
    data.update(registry.export_personal_data(citizen=citizen))
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
        citizens = list(
            selectors.citizens_exited_before(exited_before).select_for_update(of=("self",))
        )
        for citizen in citizens:
            citizen_scrub(citizen)
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


def citizen_scrub(citizen: Citizen) -> None:
    """Remove CPR number, names, contact data and free text; keep what the statistics count.

    The CPR ciphertext and hash become a random unique token (the hash stays unique and
    matches no real number); the birth date keeps only its year (for age bands). Dates,
    phases, hours, placements, exits and follow-ups stay, so the indicators do not change.
    What other apps keep about the citizen (the documents' files) goes through their erasers
    (siv.registry.erase_personal_data). The caller runs this inside a transaction and writes
    the audit row.
    """
    token = secrets.token_hex(32)
    birth = citizen.birth_date
    Citizen.objects.filter(pk=citizen.pk).update(
        cpr_encrypted=f"{ANONYMISED_CPR_PREFIX}{token}",
        cpr_hash=token,
        birth_date=date(birth.year, 7, 1) if birth else birth,
        first_name=ANONYMISED_NAME,
        last_name="",
        name_hashes=[],
        phone="",
        email="",
        address="",
    )
    mine = Q(citizen=citizen)
    CaseNote.objects.filter(mine).delete()
    Visitation.objects.filter(mine).update(
        rejection_reason=models.Case(
            models.When(status="rejected", then=models.Value(ANONYMISED_NAME)),
            default=models.Value(""),
        ),
        match_meeting_participants="",
        match_meeting_notes="",
    )
    Screening.objects.filter(mine).update(barrier_notes="", wishes="")
    ProgressAssessment.objects.filter(mine).update(note="")
    Pause.objects.filter(mine).update(note="")
    Placement.objects.filter(mine).update(buddy="", support_person="", vitas_reference="")
    ExitForm.objects.filter(mine).update(note="")
    registry.erase_personal_data(citizen=citizen)
