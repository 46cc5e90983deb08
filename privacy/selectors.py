"""Data protection reads on a citizen's own data (GDPR): the full record for an access
request (art. 15), and which citizens are due for (or already had) the anonymisation.

This module knows *what* a citizen's personal data are in the participants tables; the
services decide *who* and *when* (consent, legal basis, the yearly job, the audit rows).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models

from participants.models import (
    PROFILE_FIELDS,
    CaseNote,
    Citizen,
    CompetenceCourse,
    ExitForm,
    FollowUp,
    HoursEntry,
    Pause,
    Placement,
    ProgressAssessment,
    Screening,
    Visitation,
)

ANONYMISED_NAME = "Anonymiseret"
ANONYMISED_CPR_PREFIX = "anonymiseret:"

# Sub-records in the export: (section title, model, fields).
RECORD_SECTIONS: tuple[tuple[str, type[models.Model], tuple[str, ...]], ...] = (
    (
        "visitationer",
        Visitation,
        (
            "proposed_on",
            "status",
            "realistic_20_hours",
            "rejection_reason",
            "match_meeting_date",
            "match_meeting_notes",
            "start_on",
        ),
    ),
    (
        "screeninger",
        Screening,
        ("screened_on", "functional_level", "barriers", "barrier_notes", "wishes"),
    ),
    (
        "progressionsvurderinger",
        ProgressAssessment,
        (
            "assessed_on",
            "attendance_stability",
            "social_skills",
            "motivation",
            "self_care",
            "work_skills",
            "note",
        ),
    ),
    ("pauser", Pause, ("start", "end", "reason", "note")),
    ("timer", HoursEntry, ("week_start", "kind", "hours")),
    (
        "placeringer",
        Placement,
        ("kind", "company__name", "start", "end", "hours_per_week", "buddy", "support_person"),
    ),
    ("kompetenceloeft", CompetenceCourse, ("kind", "title", "start", "end", "completed")),
    (
        "ophoer",
        ExitForm,
        (
            "exit_date",
            "status",
            "not_available_reason",
            "employer_company__name",
            "employer_name",
            "early",
            "note",
        ),
    ),
    ("notater", CaseNote, ("written_at", "text", "sensitive")),
)

CITIZEN_EXPORT_FIELDS = (
    "first_name",
    "last_name",
    "gender",
    "phone",
    "email",
    "address",
    "birth_date",
    *PROFILE_FIELDS,
    "phase1_start",
    "phase2_start",
    "phase3_start",
    "created_at",
)


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float, bool, str, list, dict)) or value is None:
        return value
    return str(value)


def citizen_record(citizen: Citizen) -> dict[str, Any]:
    """Everything SIV holds about the citizen in the participants tables, as plain data
    (the full CPR number included: it is the citizen's own)."""
    person = {name: _plain(getattr(citizen, name)) for name in CITIZEN_EXPORT_FIELDS}
    person.update(
        cpr=None if is_anonymised(citizen) else citizen.cpr,
        municipality=citizen.municipality.name,
        cluster=citizen.cluster.number,
        employment_actor=citizen.employment_actor.name if citizen.employment_actor else None,
    )
    sections: dict[str, list[dict[str, Any]]] = {}
    for title, model, fields in RECORD_SECTIONS:
        rows = model._default_manager.filter(citizen=citizen).values(*fields)
        sections[title] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    sections["opfoelgninger"] = [
        {k: _plain(v) for k, v in row.items()}
        for row in FollowUp.objects.filter(exit__citizen=citizen).values(
            "kind", "followed_up_on", "status", "not_available_reason", "improved_situation"
        )
    ]
    return {"deltager": person, **sections}


def citizens_exited_before(day: date) -> models.QuerySet[Citizen]:
    """Citizens whose exit that counts today is dated before `day` and who have not
    re-entered since (then they are a participant again)."""
    return (
        Citizen.objects.with_last_exit()
        .filter(Citizen.objects.left_q(), exit_date__lt=day)
        .exclude(cpr_encrypted__startswith=ANONYMISED_CPR_PREFIX)
    )


def is_anonymised(citizen: Citizen) -> bool:
    return citizen.cpr_encrypted.startswith(ANONYMISED_CPR_PREFIX)
