"""Every write on a citizen's track: validate, change and write the audit row in one
transaction (siv.audit.save_and_record). Audit details hold ids, field names and the before and
after of fields that are neither free text nor the citizen's profile; never CPR numbers or
names."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accelerator.models import Company, CompanyRole
from participants import cpr as cpr_lib
from participants.common import iso_week_label, week_monday
from participants.placements.models import PAID_PLACEMENT_KINDS, Placement
from partnerships.models import User
from siv import audit, registry
from siv.cache import resilient_cache
from siv.models import AuditAction, AuditEntry
from siv.permissions import has_perm

from .models import (
    EMPLOYED_STATUSES,
    PROFILE_FIELDS,
    CaseNote,
    Citizen,
    CompetenceCourse,
    ExitForm,
    FollowUp,
    Pause,
    ProgressAssessment,
    Screening,
    Visitation,
    VisitationStatus,
)
from .rules import LEFT, Action, Track, track_prefetch

CITIZEN_FIELDS = (
    "first_name",
    "last_name",
    "gender",
    "phone",
    "email",
    "address",
    *PROFILE_FIELDS,
    "municipality",
    "cluster",
    "partnership",
    "employment_actor",
    "caseworker",
)


# What the citizen edit screen offers, in its order: not the CPR number, and not the
# municipality and cluster (the slot the citizen was visited to).
CITIZEN_EDIT_FIELDS = tuple(f for f in CITIZEN_FIELDS if f not in ("municipality", "cluster"))


def check_fields(allowed: Iterable[str], values: Mapping[str, Any]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")


def track_locked(citizen: Citizen, today: date | None = None) -> Track:
    """The citizen's track as stored now, with the citizen's row locked until the end of the
    transaction: two writers of one track take turns, and each checks what the other wrote."""
    Citizen.objects.select_for_update().filter(pk=citizen.pk).values_list("pk").get()
    fresh = Citizen.objects.prefetch_related(*track_prefetch()).get(pk=citizen.pk)
    return Track.of(fresh, today)


def refuse_unless(
    track: Track, action: str | None, errors: Mapping[str, list[str]] | None = None
) -> None:
    """Refuse an action the track's state does not allow, or dates it cannot have (`errors`
    maps a field to its messages), with the Danish messages of rules.Track. With action None
    only the dates are checked."""
    if action is not None and (reason := track.refusal(action)) is not None:
        raise ValidationError(reason, code="state")
    found = {name: messages for name, messages in (errors or {}).items() if messages}
    if found:
        raise ValidationError(found, code="date")


# --- Citizens ------------------------------------------------------------------------------


def citizen_create(*, by: User | None, cpr: str, **fields: Any) -> Citizen:
    parsed = cpr_lib.parse(cpr)
    check_fields(CITIZEN_FIELDS, fields)
    citizen = Citizen()
    citizen.set_cpr(parsed.digits)
    if Citizen.objects.filter(cpr_hash__in=cpr_lib.keyed_hashes(parsed.digits)).exists():
        raise ValidationError(
            {"cpr": _("Der findes allerede en deltager med dette CPR-nummer.")},
            code="cpr_exists",
        )
    # The check above, under every key, is the CPR number's unique check.
    return audit.save_and_record(obj=citizen, by=by, changes=fields, validate_unique=False)


def citizen_update(
    *, citizen: Citizen, by: User | None, opened: audit.Opened | None = None, **fields: Any
) -> Citizen:
    """Change a citizen's data; `opened` is what the edit form was opened at (a conflict
    with someone else's change meanwhile raises audit.StaleRecord)."""
    check_fields(CITIZEN_FIELDS, fields)
    return audit.save_and_record(obj=citizen, by=by, changes=fields, opened=opened)


def citizen_find_by_cpr(*, cpr: str) -> Citizen | None:
    """The citizen with this CPR number (found by keyed hash), or None."""
    parsed = cpr_lib.parse(cpr)
    return Citizen.objects.filter(cpr_hash__in=cpr_lib.keyed_hashes(parsed.digits)).first()


def citizen_record_viewed(*, citizen: Citizen, by: User, purpose: str = "") -> None:
    """Every read of a citizen's record is logged."""
    audit.record(AuditAction.VIEW, actor=by, obj=citizen, purpose=purpose)


def cpr_reveal(*, citizen: Citizen, by: User, purpose: str = "") -> str:
    """The full CPR number for the roles that may see it, with a REVEAL row in the log."""
    allowed = (
        has_perm(by, "citizens.cpr_reveal")
        and Citizen.objects.for_user(by).filter(pk=citizen.pk).exists()
    )
    if not allowed:
        raise PermissionDenied(_("Du har ikke adgang til at se CPR-nummeret."))
    with transaction.atomic():
        audit.record(AuditAction.REVEAL, actor=by, obj=citizen, purpose=purpose)
    return citizen.cpr


# --- Visitation ----------------------------------------------------------------------------


def _refuse_revisitation_proposal(replaces_exit: ExitForm, proposed_on: date) -> None:
    """A place waits for one proposal at a time and is filled by the first accepted one; a
    rejection leaves it open for the next. The exit's row is locked, so two proposals or
    decisions for one place wait for each other."""
    ExitForm.objects.select_for_update().filter(pk=replaces_exit.pk).first()
    proposals = Visitation.objects.filter(replaces_exit=replaces_exit)
    if proposals.filter(status=VisitationStatus.ACCEPTED).exists():
        raise ValidationError(
            {
                "replaces_exit": _(
                    "Pladsen efter dette ophør er allerede besat af en godkendt genvisitation."
                )
            }
        )
    if proposals.filter(status=VisitationStatus.PROPOSED).exists():
        raise ValidationError(
            {
                "replaces_exit": _(
                    "Der er allerede foreslået en borger til pladsen efter dette ophør; "
                    "forslaget afventer vurdering."
                )
            }
        )
    if proposed_on < replaces_exit.exit_date:
        raise ValidationError(
            {"proposed_on": _("En genvisitation kan ikke ligge før det ophør, den erstatter.")}
        )


def _refuse_regular_exit(replaces_exit: ExitForm | None) -> None:
    if replaces_exit is not None and not replaces_exit.early:
        raise ValidationError(
            {"replaces_exit": _("Kun et tidligt ophør giver en plads til genvisitation.")}
        )


@transaction.atomic
def visitation_propose(
    *,
    citizen: Citizen,
    by: User | None,
    proposed_on: date | None = None,
    partnership=None,
    realistic_20_hours: bool | None = None,
    replaces_exit: ExitForm | None = None,
) -> Visitation:
    _refuse_regular_exit(replaces_exit)
    if citizen.pk is None:
        track = Track()
    else:
        track = track_locked(citizen)
        if citizen.visitations.filter(status=VisitationStatus.PROPOSED).exists():
            raise ValidationError(
                _("Deltageren har allerede en visitation, der afventer vurdering.")
            )
    return _propose(
        citizen=citizen,
        track=track,
        by=by,
        proposed_on=proposed_on,
        partnership=partnership,
        realistic_20_hours=realistic_20_hours,
        replaces_exit=replaces_exit,
    )


def _propose(
    *,
    citizen: Citizen,
    track: Track,
    by: User | None,
    proposed_on: date | None,
    partnership,
    realistic_20_hours: bool | None,
    replaces_exit: ExitForm | None,
) -> Visitation:
    """The proposal of a citizen whose track (locked, or empty for a citizen made in this
    transaction) has been read, and who has no proposal awaiting a decision."""
    proposed_on = proposed_on or timezone.localdate()
    left = track.exit_in_force
    refuse_unless(
        track,
        Action.PROPOSE,
        {
            "proposed_on": [
                *track.future_errors(proposed_on),
                *(
                    [_("En ny visitation skal ligge efter ophøret.")]
                    if left is not None and proposed_on <= left
                    else []
                ),
            ]
        },
    )
    if replaces_exit is not None:
        _refuse_revisitation_proposal(replaces_exit, proposed_on)
    return audit.save_and_record(
        obj=Visitation(citizen=citizen),
        by=by,
        changes={
            "proposed_on": proposed_on,
            "proposed_by": by,
            "partnership": partnership or citizen.partnership,
            "realistic_20_hours": realistic_20_hours,
            "replaces_exit": replaces_exit,
        },
        details={"citizen": citizen.pk, "replaces_exit": getattr(replaces_exit, "pk", None)},
    )


@transaction.atomic
def _review(
    visitation: Visitation,
    by: User | None,
    status: str,
    reason: str = "",
    reviewed_on: date | None = None,
    changes: Mapping[str, Any] | None = None,
) -> Visitation:
    if visitation.status != VisitationStatus.PROPOSED:
        raise ValidationError(_("Visitationen er allerede vurderet."))
    if status == VisitationStatus.ACCEPTED and visitation.replaces_exit_id:
        _refuse_second_acceptance(visitation)
    today = timezone.localdate()
    if reviewed_on is not None and not visitation.proposed_on <= reviewed_on <= today:
        raise ValidationError(
            {"reviewed_at": _("Vurderingen skal ligge mellem visitationsdatoen og i dag.")}
        )
    # A decision taken earlier (registered afterwards, or in the demo) keeps its own day.
    reviewed_at = (
        timezone.now()
        if reviewed_on is None or reviewed_on == today
        else timezone.make_aware(datetime.combine(reviewed_on, time(12)))
    )
    return audit.save_and_record(
        obj=visitation,
        by=by,
        changes={
            **(changes or {}),
            "status": status,
            "rejection_reason": reason,
            "reviewed_by": by,
            "reviewed_at": reviewed_at,
        },
        details={"status": status},
    )


def _refuse_second_acceptance(visitation: Visitation) -> None:
    """One place, one citizen: a re-visitation cannot be accepted once another for the same
    exit was. The exit's row is locked, so two decisions at once are taken one after the
    other and the second sees the first."""
    ExitForm.objects.select_for_update().filter(pk=visitation.replaces_exit_id).first()
    accepted = Visitation.objects.filter(
        replaces_exit_id=visitation.replaces_exit_id, status=VisitationStatus.ACCEPTED
    ).exclude(pk=visitation.pk)
    if accepted.exists():
        raise ValidationError(
            _(
                "Pladsen efter ophøret er allerede besat af en anden godkendt genvisitation. "
                "Afvis forslaget, eller foreslå borgeren uden genvisitation."
            )
        )


def visitation_accept(
    *,
    visitation: Visitation,
    by: User | None,
    realistic_20_hours: bool | None = None,
    reviewed_on: date | None = None,
) -> Visitation:
    return _review(
        visitation,
        by,
        VisitationStatus.ACCEPTED,
        reviewed_on=reviewed_on,
        changes={} if realistic_20_hours is None else {"realistic_20_hours": realistic_20_hours},
    )


def visitation_reject(
    *, visitation: Visitation, by: User | None, reason: str, reviewed_on: date | None = None
) -> Visitation:
    if not (reason or "").strip():
        raise ValidationError({"rejection_reason": _("Angiv en begrundelse for afvisningen.")})
    return _review(
        visitation, by, VisitationStatus.REJECTED, reason.strip(), reviewed_on=reviewed_on
    )


def visitation_match_meeting(
    *,
    visitation: Visitation,
    by: User | None,
    meeting_date: date,
    participants: str = "",
    notes: str = "",
    start_on: date | None = None,
) -> Visitation:
    return audit.save_and_record(
        obj=visitation,
        by=by,
        changes={
            "match_meeting_date": meeting_date,
            "match_meeting_participants": participants,
            "match_meeting_notes": notes,
            "start_on": start_on,
        },
    )


# --- Track: phases and pauses ---------------------------------------------------------------


def track_start_phase(*, citizen: Citizen, by: User | None, phase: int, start: date) -> Citizen:
    """Record the day a phase actually started (1, 2 or 3)."""
    if phase not in (1, 2, 3):
        raise ValidationError(_("Ukendt fase."))
    with transaction.atomic():
        track = track_locked(citizen)
        errors = track.phase_start_errors(phase, start)
        if phase == 1 and not errors:
            # Moved later, phase 1 must not leave what was registered from it before it.
            errors = _records_before_phase1(citizen, start)
            if citizen.hours.filter(week_start__lt=week_monday(start), hours__gt=0).exists():
                errors.append(
                    _("Der er registreret %(records)s før denne dato; ret dem først.")
                    % {"records": _("timer")}
                )
        refuse_unless(track, PHASE_ACTIONS[phase], {"start": errors})
        return audit.save_and_record(obj=citizen, by=by, changes={f"phase{phase}_start": start})


def _records_before_phase1(
    citizen: Citizen, start: date, *, since: date | None = None
) -> list[str]:
    """Why phase 1 cannot start as late as `start`: a placement, pause or course (from
    `since` on, when given: those that started inside the track) would start before it. The
    first is named."""
    found = []
    for model in (Placement, Pause, CompetenceCourse):
        rows = model.objects.filter(citizen=citizen, start__lt=start)
        if since is not None:
            rows = rows.filter(start__gte=since)
        if model is Placement:
            rows = rows.select_related("company")
        found.extend(rows.order_by("start")[:1])
    if not found:
        return []
    first = min(found, key=lambda record: record.start)
    return [
        _("%(record)s starter %(start)s, før den rettede start på fase 1.")
        % {"record": _record_name(first), "start": first.start.strftime("%d.%m.%Y")}
    ]


PHASE_ACTIONS = {1: Action.START_PHASE1, 2: Action.START_PHASE2, 3: Action.START_PHASE3}


def pause_add(
    *,
    citizen: Citizen,
    by: User | None,
    start: date,
    reason: str,
    end: date | None = None,
    note: str = "",
) -> Pause:
    with transaction.atomic():
        track = track_locked(citizen)
        refuse_unless(track, Action.PAUSE, {"start": track.pause_errors(start, end)})
        return audit.save_and_record(
            obj=Pause(citizen=citizen),
            by=by,
            changes={"start": start, "end": end, "reason": reason, "note": note},
            details={"citizen": citizen.pk},
        )


def pause_end(*, pause: Pause, by: User | None, end: date) -> Pause:
    with transaction.atomic():
        track = track_locked(pause.citizen)
        errors = track.span_errors(pause.start, end)
        if end < pause.start:
            errors.append(_("Pausen kan ikke slutte før den starter."))
        refuse_unless(track, Action.END_PAUSE, {"end": errors})
        return audit.save_and_record(obj=pause, by=by, changes={"end": end})


# --- Screening and progress ----------------------------------------------------------------


def screening_register(
    *,
    citizen: Citizen,
    by: User | None,
    screened_on: date,
    functional_level: int,
    barriers: Iterable[str] = (),
    barrier_notes: str = "",
    wishes: str = "",
) -> Screening:
    track = Track.of(citizen)
    refuse_unless(track, Action.SCREENING, {"screened_on": entry_date_errors(track, screened_on)})
    return audit.save_and_record(
        obj=Screening(citizen=citizen),
        by=by,
        changes={
            "screened_by": by,
            "screened_on": screened_on,
            "functional_level": functional_level,
            "barriers": list(barriers),
            "barrier_notes": barrier_notes,
            "wishes": wishes,
        },
        details={"citizen": citizen.pk},
    )


def assessment_register(
    *, citizen: Citizen, by: User | None, assessed_on: date, note: str = "", **scores: int
) -> ProgressAssessment:
    track = Track.of(citizen)
    refuse_unless(track, Action.ASSESSMENT, {"assessed_on": entry_date_errors(track, assessed_on)})
    return audit.save_and_record(
        obj=ProgressAssessment(citizen=citizen),
        by=by,
        changes={"assessed_by": by, "assessed_on": assessed_on, "note": note, **scores},
        details={"citizen": citizen.pk},
    )


def entry_date_errors(track: Track, day: date) -> list[str]:
    """A screening's or an assessment's date: in the current stay, not after today."""
    stint = track.current
    errors = track.future_errors(day)
    if stint is not None and day < stint.entry:
        errors.append(
            _("Datoen ligger før visitationen (%(day)s).") % {"day": f"{stint.entry:%d.%m.%Y}"}
        )
    return errors


def course_register(*, citizen: Citizen, by: User | None, **fields) -> CompetenceCourse:
    with transaction.atomic():
        track = track_locked(citizen)
        start = fields.get("start")
        errors = track.span_errors(start, fields.get("end")) if start else []
        refuse_unless(track, Action.COURSE, {"start": errors})
        return audit.save_and_record(
            obj=CompetenceCourse(citizen=citizen),
            by=by,
            changes=fields,
            details={"citizen": citizen.pk},
        )


# --- Exit, follow-up, notes ----------------------------------------------------------------


def exit_register(
    *,
    citizen: Citizen,
    by: User | None,
    exit_date: date,
    status: str,
    not_available_reason: str = "",
    employer_company: Company | None = None,
    employer_name: str = "",
    employer_required: bool = True,
    early: bool = False,
    note: str = "",
) -> ExitForm:
    """The exit form. An employed exit names its employer (employer_required=False only for
    rows that never recorded one, as the legacy format). The citizen's running practice
    placements, pauses and courses end on the exit date (records_ended_by_exit); a paid
    placement runs on."""
    with transaction.atomic():
        track = track_locked(citizen)
        refuse_unless(track, Action.EXIT, {"exit_date": track.exit_errors(exit_date)})
        return _exit_save(
            citizen=citizen,
            by=by,
            exit_date=exit_date,
            status=status,
            not_available_reason=not_available_reason,
            employer_company=employer_company,
            employer_name=employer_name,
            employer_required=employer_required,
            early=early,
            note=note,
        )


def _exit_save(
    *,
    citizen: Citizen,
    by: User | None,
    exit_date: date,
    status: str,
    not_available_reason: str,
    employer_company: Company | None,
    employer_name: str,
    employer_required: bool,
    early: bool,
    note: str,
) -> ExitForm:
    if citizen.hours.filter(week_start__gt=exit_date, hours__gt=0).exists():
        raise ValidationError({"exit_date": _("Der er registreret timer efter ophørsdatoen.")})
    employer_name = _check_employer(
        status, employer_company, employer_name, required=employer_required
    )
    ended = records_ended_by_exit(citizen=citizen, exit_date=exit_date, refuse_later=True)
    exit_form = audit.save_and_record(
        obj=ExitForm(citizen=citizen),
        by=by,
        changes={
            "exit_date": exit_date,
            "status": status,
            "not_available_reason": not_available_reason,
            "employer_company": employer_company,
            "employer_name": employer_name,
            "early": early,
            "note": note,
            "registered_by": by,
        },
        details={"citizen": citizen.pk, "status": status, "early": early},
    )
    _end_records(ended, exit_form, by)
    return exit_form


def _check_employer(status: str, company: Company | None, name: str, *, required: bool) -> str:
    """The employer of an employed exit: one of the programme's partner (accelerator)
    companies or another employer's name, required unless told otherwise. Returns the name
    as stored. (That it is given only for an employed status, and not both, is the model's
    rule: ExitForm.clean.)"""
    name = (name or "").strip()
    if status not in EMPLOYED_STATUSES:
        return name
    if company is not None and company.role != CompanyRole.ACCELERATOR:
        raise ValidationError(
            {
                "employer_company": _(
                    "Vælg en af programmets partnervirksomheder, eller skriv arbejdsgiverens "
                    "navn som anden arbejdsgiver."
                )
            }
        )
    if required and company is None and not name:
        raise ValidationError(
            {
                "employer_company": _(
                    "Angiv arbejdsgiveren: en partnervirksomhed eller en anden arbejdsgiver."
                )
            }
        )
    return name


@dataclass(frozen=True)
class EndedByExit:
    """What an exit on a day ends: the citizen's practice placements, pauses and courses still
    running on it (no end, or an end after it). A paid placement is the job the citizen
    leaves into and runs on."""

    placements: list[Placement]
    pauses: list[Pause]
    courses: list[CompetenceCourse]

    def __bool__(self) -> bool:
        return bool(self.placements or self.pauses or self.courses)


def records_ended_by_exit(
    *, citizen: Citizen, exit_date: date, refuse_later: bool = False
) -> EndedByExit:
    """The records exit_register() ends on the exit date (the exit form lists them before it
    is saved). With refuse_later, a practice placement, pause or course that starts after the
    exit date is refused by name: it would lie outside the track."""
    practice = Placement.objects.filter(citizen=citizen).exclude(kind__in=PAID_PLACEMENT_KINDS)
    pauses = Pause.objects.filter(citizen=citizen)
    courses = CompetenceCourse.objects.filter(citizen=citizen)
    if refuse_later:
        later = [
            *practice.filter(start__gt=exit_date).select_related("company"),
            *pauses.filter(start__gt=exit_date),
            *courses.filter(start__gt=exit_date),
        ]
        if later:
            first = min(later, key=lambda record: record.start)
            raise ValidationError(
                {
                    "exit_date": _(
                        "%(record)s starter %(start)s, efter ophørsdatoen. Ret eller fjern den "
                        "først, eller vælg en senere ophørsdato."
                    )
                    % {"record": _record_name(first), "start": first.start.strftime("%d.%m.%Y")}
                }
            )
    running = Q(start__lte=exit_date) & (Q(end__isnull=True) | Q(end__gt=exit_date))
    return EndedByExit(
        placements=list(practice.filter(running).select_related("company").order_by("start", "pk")),
        pauses=list(pauses.filter(running).order_by("start", "pk")),
        courses=list(courses.filter(running).order_by("start", "pk")),
    )


def _record_name(record: Placement | Pause | CompetenceCourse) -> str:
    if isinstance(record, Placement):
        return _("%(kind)s hos %(company)s") % {
            "kind": record.get_kind_display(),
            "company": record.company.name,
        }
    if isinstance(record, Pause):
        return _("Pausen (%(reason)s)") % {"reason": record.get_reason_display()}
    return _("Kompetenceløftet %(title)s") % {"title": record.title}


def _end_records(ended: EndedByExit, exit_form: ExitForm, by: User | None) -> None:
    for record in (*ended.placements, *ended.pauses, *ended.courses):
        audit.save_and_record(
            obj=record,
            by=by,
            changes={"end": exit_form.exit_date},
            details={"ended_by_exit": exit_form.pk},
        )


def followup_register(
    *,
    exit: ExitForm,  # noqa: A002 - the domain's word
    by: User | None,
    kind: str,
    followed_up_on: date,
    status: str,
    not_available_reason: str = "",
    improved_situation: bool | None = None,
) -> FollowUp:
    track = Track.of(exit.citizen)
    errors = track.followup_errors(followed_up_on)
    if followed_up_on <= exit.exit_date and not errors:
        errors.append(_("Opfølgningen skal ligge efter ophøret."))
    refuse_unless(track, Action.FOLLOW_UP, {"followed_up_on": errors})
    follow_up = FollowUp.objects.filter(exit=exit, kind=kind).first() or FollowUp(
        exit=exit, kind=kind
    )
    return audit.save_and_record(
        obj=follow_up,
        by=by,
        changes={
            "followed_up_on": followed_up_on,
            "status": status,
            "not_available_reason": not_available_reason,
            "improved_situation": improved_situation,
            "registered_by": by,
        },
        details={"citizen": exit.citizen_id, "kind": kind, "status": status},
    )


def note_add(*, citizen: Citizen, by: User | None, text: str, sensitive: bool = False) -> CaseNote:
    return audit.save_and_record(
        obj=CaseNote(citizen=citizen),
        by=by,
        changes={"written_by": by, "text": text, "sensitive": sensitive},
        details={"citizen": citizen.pk, "sensitive": sensitive},
    )


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


def proposal_refused(*, by: User, citizen: Citizen) -> NoReturn:
    """A CPR number that cannot be proposed here gets one answer, whatever the reason, so the
    form tells nobody whether or where the person is in the programme (a citizen who moved is
    moved by the controller). Each refusal is logged, and a caseworker refused more than
    SIV_PROPOSAL_REFUSALS_PER_HOUR times in an hour is asked to wait."""
    key = f"proposal-refused:{by.pk}"
    resilient_cache.add(key, 0, timeout=3600)
    refusals = resilient_cache.incr(key)
    audit.record(
        AuditAction.SEARCH,
        actor=by,
        obj=citizen,
        purpose="Afvist visitationsforslag",
        details={"refused": "not_in_scope", "refusals_this_hour": refusals},
    )
    if refusals > settings.SIV_PROPOSAL_REFUSALS_PER_HOUR:
        raise ValidationError(
            {
                "cpr": _(
                    "For mange afviste forslag. Vent en time, eller kontakt projektcontrolleren."
                )
            }
        )
    raise ValidationError(
        {
            "cpr": _(
                "Forslaget kan ikke oprettes her. Kontakt projektcontrolleren, som kan oprette "
                "det eller flytte borgeren."
            )
        }
    )


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
    a known one (re-entry) is updated; a citizen the caseworker may not change (of another
    municipality) is refused without saying so (proposal_refused)."""
    citizen = citizen_find_by_cpr(cpr=cpr)
    if (
        citizen is not None
        and not Citizen.objects.for_user(by, write=True).filter(pk=citizen.pk).exists()
    ):
        proposal_refused(by=by, citizen=citizen)
    with transaction.atomic():
        if citizen is None:
            citizen = citizen_create(
                by=by,
                cpr=cpr,
                municipality=by.municipality,
                caseworker=by,
                **citizen_fields,
            )
            # Made in this transaction: no one else sees the citizen yet, whose track is
            # empty (nothing to lock or read).
            _refuse_regular_exit(replaces_exit)
            return _propose(
                citizen=citizen,
                track=Track(),
                by=by,
                proposed_on=proposed_on,
                partnership=partnership,
                realistic_20_hours=realistic_20_hours,
                replaces_exit=replaces_exit,
            )
        citizen_update(citizen=citizen, by=by, **citizen_fields)
        return visitation_propose(
            citizen=citizen,
            by=by,
            proposed_on=proposed_on,
            partnership=partnership,
            realistic_20_hours=realistic_20_hours,
            replaces_exit=replaces_exit,
        )


# --- Correction after the exit -------------------------------------------------------------

# What a correction after the exit may change: the exit in force and the phase starts.
CORRECTION_EXIT_FIELDS = (
    "exit_date",
    "status",
    "not_available_reason",
    "employer_company",
    "employer_name",
)
CORRECTION_PHASE_FIELDS = ("phase1_start", "phase2_start", "phase3_start")
CORRECTION_REASON_MAX = 500


class ReportedPeriodsTouched(ValidationError):
    """The correction is possible, but changes a figure of a period already reported
    (`reports`): nothing was written, and it is saved only when that is confirmed."""

    def __init__(self, reports: list):
        self.reports = reports
        super().__init__(
            {
                "confirm": _(
                    "Rettelsen ændrer tal for en periode, der allerede er indberettet: %(reports)s."
                )
                % {"reports": ", ".join(r.label() for r in reports)}
            },
            code="reported",
        )


def reported_periods_touched(
    citizen: Citizen, old: Mapping[str, Any], new: Mapping[str, Any]
) -> list:
    """The reports made (siv.registry.ReportedPeriod: kind, period, created) whose period
    contains the old or the new date of a fact the correction changes. A changed status or
    employer is a figure of the exit's day."""
    days: set[date] = set()
    for name in set(old) | set(new):
        if old.get(name) == new.get(name):
            continue
        if name in CORRECTION_PHASE_FIELDS or name == "exit_date":
            days |= {d for d in (old.get(name), new.get(name)) if d is not None}
        elif name in CORRECTION_EXIT_FIELDS:
            days |= {d for d in (old.get("exit_date"), new.get("exit_date")) if d is not None}
    return registry.reported_periods(citizen, days)


def correction_refusal(citizen: Citizen, by: User | None) -> str | None:
    """Why `by` may not correct the citizen's track now (None when they may): only the
    citizen's caseworker or employment actor, and only after the exit."""
    allowed = (
        by is not None
        and has_perm(by, "citizens.write")
        and Citizen.objects.for_user(by, write=True).filter(pk=citizen.pk).exists()
    )
    if not allowed:
        return _("Kun borgerens sagsbehandler eller beskæftigelsesaktør kan rette forløbet.")
    return None


def _exit_in_force(citizen: Citizen, track: Track) -> ExitForm | None:
    if track.state not in LEFT or track.exit_in_force is None:
        return None
    return ExitForm.objects.filter(citizen=citizen, exit_date=track.exit_in_force).first()


def _correction_errors(
    citizen: Citizen, track: Track, exit_form: ExitForm, old: dict, new: dict
) -> dict[str, list[str]]:
    """The date rules of rules.Track for the corrected facts: each changed phase start in
    order and not after today, the exit from the start of its stay to today and still the
    exit in force, and no hours, follow-up or visitation that the corrected dates would leave
    outside the track (only what the correction itself breaks: older rows may break a rule
    already)."""
    errors: dict[str, list[str]] = {}
    others = [d for d in track.exits if d != old["exit_date"]]
    corrected = replace(
        track,
        phase1_start=new["phase1_start"],
        phase2_start=new["phase2_start"],
        phase3_start=new["phase3_start"],
        exits=[*others, new["exit_date"]],
    )
    for phase in (1, 2, 3):
        name = f"phase{phase}_start"
        start = new[name]
        if start is not None and start != old[name]:
            errors[name] = corrected.phase_start_errors(phase, start)
        elif start is None and phase == 1 and (new["phase2_start"] or new["phase3_start"]):
            errors[name] = [_("Fase 1 skal have en startdato, når en senere fase har.")]
    old_start, new_start = old["phase1_start"], new["phase1_start"]
    if old_start is not None and new_start is not None and new_start > old_start:
        errors.setdefault("phase1_start", []).extend(
            _records_before_phase1(citizen, new_start, since=old_start)
        )
    exit_date = new["exit_date"]
    exit_errors = replace(corrected, exits=others).exit_errors(exit_date)
    if not exit_errors and (corrected.state not in LEFT or corrected.exit_in_force != exit_date):
        exit_errors.append(_("Med de rettede datoer er ophøret ikke længere det gældende."))
    weeks = citizen.hours.filter(hours__gt=0).values_list("week_start", flat=True).distinct()
    for week in sorted(set(weeks)):
        if corrected.hours_errors(week) and not track.hours_errors(week):
            exit_errors.append(
                _("Der er registreret timer i uge %(week)s, som de rettede datoer udelukker.")
                % {"week": iso_week_label(week)}
            )
            break
    if exit_form.follow_ups.filter(followed_up_on__lte=exit_date).exists():
        exit_errors.append(_("En opfølgning ligger på eller før den rettede ophørsdato."))
    later = citizen.visitations.filter(proposed_on__gt=old["exit_date"], proposed_on__lte=exit_date)
    if exit_date > old["exit_date"] and later.exists():
        exit_errors.append(_("En visitation efter ophøret ligger før den rettede ophørsdato."))
    errors["exit_date"] = exit_errors
    return errors


def track_correct(
    *,
    citizen: Citizen,
    by: User | None,
    reason: str,
    opened: audit.Opened | None = None,
    exit_opened: audit.Opened | None = None,
    confirmed: bool = False,
    **changes: Any,
) -> ExitForm:
    """Correct, after the exit, the exit in force (date, status, reason, employer) and the
    phase starts, with the reason for it; `changes` holds the corrected values (names of
    CORRECTION_EXIT_FIELDS and CORRECTION_PHASE_FIELDS). The corrected facts obey the same
    date rules as new ones. A correction that changes a figure of a period already reported
    raises ReportedPeriodsTouched unless `confirmed`. Each changed row is logged with its
    before and after, the reason and the reports it changes. `opened` and `exit_opened` are
    the citizen's and the exit's versions the form was opened at (StaleRecord on a
    conflict)."""
    check_fields((*CORRECTION_EXIT_FIELDS, *CORRECTION_PHASE_FIELDS), changes)
    reason = (reason or "").strip()
    if (refused := correction_refusal(citizen, by)) is not None:
        raise PermissionDenied(refused)
    if not reason:
        raise ValidationError({"reason": _("Angiv en begrundelse for rettelsen.")})
    if len(reason) > CORRECTION_REASON_MAX:
        too_long = _("Begrundelsen må højst være %(max)s tegn.")
        raise ValidationError({"reason": too_long % {"max": CORRECTION_REASON_MAX}})
    with transaction.atomic():
        track = track_locked(citizen)
        exit_form = _exit_in_force(citizen, track)
        if exit_form is None:
            raise ValidationError(
                _("Forløbet kan kun rettes på denne måde efter ophøret."), code="state"
            )
        citizen.refresh_from_db()
        old = {
            **{name: getattr(exit_form, name) for name in CORRECTION_EXIT_FIELDS},
            **{name: getattr(citizen, name) for name in CORRECTION_PHASE_FIELDS},
        }
        # A form opened before someone else's save changes only the fields its user changed.
        for record, seen, names in (
            (citizen, opened, CORRECTION_PHASE_FIELDS),
            (exit_form, exit_opened, CORRECTION_EXIT_FIELDS),
        ):
            if seen is not None and seen.version != record.version:
                for name in names:
                    if name in changes and name not in seen.touched:
                        del changes[name]
        new = {**old, **changes}
        if new["exit_date"] is None:
            raise ValidationError({"exit_date": _("Angiv ophørsdatoen.")})
        # An employer is asked for when the status is corrected (a legacy exit has none).
        new["employer_name"] = _check_employer(
            new["status"],
            new["employer_company"],
            new["employer_name"] or "",
            required=new["status"] != old["status"],
        )
        errors = _correction_errors(citizen, track, exit_form, old, new)
        if any(errors.values()):
            raise ValidationError({k: v for k, v in errors.items() if v}, code="date")
        reports = reported_periods_touched(citizen, old, new)
        if reports and not confirmed:
            raise ReportedPeriodsTouched(reports)
        # The reason is free text: it is kept as a case note on the citizen's record (read,
        # exported and erased with the record); the audit log holds only the note's id.
        note = note_add(
            citizen=citizen, by=by, text=_("Rettelse efter ophør: %(reason)s") % {"reason": reason}
        )
        details = {
            "citizen": citizen.pk,
            "correction": note.pk,
            "correction_id": uuid.uuid4().hex,
            "reported": [r.label() for r in reports],
        }
        if new["exit_date"] != old["exit_date"]:
            ended = records_ended_by_exit(
                citizen=citizen, exit_date=new["exit_date"], refuse_later=True
            )
        else:
            ended = EndedByExit([], [], [])
        audit.save_and_record(
            obj=citizen,
            by=by,
            changes={name: new[name] for name in CORRECTION_PHASE_FIELDS},
            details=details,
            opened=opened,
        )
        audit.save_and_record(
            obj=exit_form,
            by=by,
            changes={name: new[name] for name in CORRECTION_EXIT_FIELDS},
            details=details,
            opened=exit_opened,
        )
        _end_records(ended, exit_form, by)
        return exit_form
