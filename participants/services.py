"""Every write on a citizen's track: validate, change and write the audit row in one
transaction (siv.audit.save_and_record). Audit details hold ids, field names and the before and
after of fields that are neither free text nor the citizen's profile; never CPR numbers or
names."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accelerator.models import Company, CompanyStatus
from partnerships.models import User
from siv import audit
from siv.models import AuditAction
from siv.permissions import has_perm

from . import cpr as cpr_lib
from .models import (
    MAX_HOURS_PER_KIND,
    MAX_HOURS_PER_WEEK,
    PROFILE_FIELDS,
    CaseNote,
    Citizen,
    CompetenceCourse,
    ExitForm,
    FollowUp,
    HoursEntry,
    HoursKind,
    Pause,
    Placement,
    PlacementStep,
    ProgressAssessment,
    Screening,
    Visitation,
    VisitationStatus,
    iso_week_label,
    week_monday,
)

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
PLACEMENT_FIELDS = (
    "kind",
    "company",
    "start",
    "end",
    "hours_per_week",
    "buddy",
    "support_person",
    "vitas_reference",
)


def _check_fields(allowed: Iterable[str], values: Mapping[str, Any]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")


# --- Citizens ------------------------------------------------------------------------------


def citizen_create(*, by: User | None, cpr: str, **fields: Any) -> Citizen:
    parsed = cpr_lib.parse(cpr)
    _check_fields(CITIZEN_FIELDS, fields)
    citizen = Citizen()
    citizen.set_cpr(parsed.digits)
    if Citizen.objects.filter(cpr_hash=citizen.cpr_hash).exists():
        raise ValidationError(
            {"cpr": _("Der findes allerede en deltager med dette CPR-nummer.")},
            code="cpr_exists",
        )
    return audit.save_and_record(obj=citizen, by=by, changes=fields)


def citizen_update(*, citizen: Citizen, by: User | None, **fields: Any) -> Citizen:
    _check_fields(CITIZEN_FIELDS, fields)
    return audit.save_and_record(obj=citizen, by=by, changes=fields)


def citizen_find_by_cpr(*, cpr: str) -> Citizen | None:
    """The citizen with this CPR number (found by keyed hash), or None."""
    parsed = cpr_lib.parse(cpr)
    return Citizen.objects.filter(cpr_hash=cpr_lib.keyed_hash(parsed.digits)).first()


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


def visitation_propose(
    *,
    citizen: Citizen,
    by: User | None,
    proposed_on: date | None = None,
    partnership=None,
    realistic_20_hours: bool | None = None,
    replaces_exit: ExitForm | None = None,
) -> Visitation:
    if replaces_exit is not None and not replaces_exit.early:
        raise ValidationError(
            {"replaces_exit": _("Kun et tidligt ophør giver en plads til genvisitation.")}
        )
    if citizen.visitations.filter(status=VisitationStatus.PROPOSED).exists():
        raise ValidationError(_("Deltageren har allerede en visitation, der afventer vurdering."))
    return audit.save_and_record(
        obj=Visitation(citizen=citizen),
        by=by,
        changes={
            "proposed_on": proposed_on or timezone.localdate(),
            "proposed_by": by,
            "partnership": partnership or citizen.partnership,
            "realistic_20_hours": realistic_20_hours,
            "replaces_exit": replaces_exit,
        },
        details={"citizen": citizen.pk, "replaces_exit": getattr(replaces_exit, "pk", None)},
    )


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
    if phase == 1 and not citizen.visitations.filter(status=VisitationStatus.ACCEPTED).exists():
        raise ValidationError(_("Forløbet kan først starte, når visitationen er godkendt."))
    return audit.save_and_record(obj=citizen, by=by, changes={f"phase{phase}_start": start})


def pause_add(
    *,
    citizen: Citizen,
    by: User | None,
    start: date,
    reason: str,
    end: date | None = None,
    note: str = "",
) -> Pause:
    return audit.save_and_record(
        obj=Pause(citizen=citizen),
        by=by,
        changes={"start": start, "end": end, "reason": reason, "note": note},
        details={"citizen": citizen.pk},
    )


def pause_end(*, pause: Pause, by: User | None, end: date) -> Pause:
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
    return audit.save_and_record(
        obj=ProgressAssessment(citizen=citizen),
        by=by,
        changes={"assessed_by": by, "assessed_on": assessed_on, "note": note, **scores},
        details={"citizen": citizen.pk},
    )


# --- Hours ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoursRow:
    """One cell of the week grid: empty hours remove the entry."""

    citizen_id: int
    kind: str
    hours: Any


class HoursWeekInvalid(ValidationError):
    """The week was not saved; `row_errors` maps each bad row's index to its messages."""

    def __init__(self, row_errors: dict[int, list[str]]):
        self.row_errors = row_errors
        messages = [m for msgs in row_errors.values() for m in msgs]
        super().__init__(messages or [_("Ugen kunne ikke gemmes.")])


def parse_hours(value: Any) -> Decimal | None:
    """Hours as typed ('7,5', '7.5', 7.5): a Decimal, None for empty, ValueError if not."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        number = value
    else:
        text = str(value).strip().replace(",", ".")
        if text == "":
            return None
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            raise ValueError(_("Timer skal være et tal, fx 7,5.")) from None
    if not number.is_finite():
        raise ValueError(_("Timer skal være et tal, fx 7,5."))
    if number < 0 or number > MAX_HOURS_PER_KIND:
        raise ValueError(
            _("Timer skal være mellem 0 og %(max)s pr. type pr. uge.") % {"max": MAX_HOURS_PER_KIND}
        )
    if number != number.quantize(Decimal("0.01")):
        raise ValueError(_("Timer kan højst have to decimaler."))
    return number.quantize(Decimal("0.01"))


def hours_week_errors(
    *, week: date, phase1_start: date | None, last_exit: date | None
) -> list[str]:
    """Why a citizen cannot have hours in the week starting `week` (empty when allowed)."""
    errors = []
    week_end = week + timedelta(days=6)
    if phase1_start is None or week_end < phase1_start:
        errors.append(_("Der kan ikke registreres timer før forløbets start."))
    if last_exit is not None and week > last_exit:
        errors.append(_("Der kan ikke registreres timer efter ophør."))
    return errors


def hours_save_week(
    *, actor: User, week: date, rows: Iterable[HoursRow | Mapping[str, Any]]
) -> list[HoursEntry]:
    """Upsert a whole ISO week for many citizens at once: everything or nothing."""
    monday = week_monday(week)
    parsed: list[tuple[int, int, str, Decimal | None]] = []
    row_errors: dict[int, list[str]] = defaultdict(list)
    rows = [r if isinstance(r, HoursRow) else HoursRow(**r) for r in rows]

    citizen_ids = {r.citizen_id for r in rows if isinstance(r.citizen_id, int)}
    citizens = {
        c.pk: c
        for c in Citizen.objects.for_user(actor, write=True)
        .filter(pk__in=citizen_ids)
        .prefetch_related("exits", "visitations")
    }
    seen: set[tuple[int, str]] = set()
    for index, row in enumerate(rows):
        citizen = citizens.get(row.citizen_id)
        if citizen is None:
            row_errors[index].append(_("Ukendt deltager."))
            continue
        if row.kind not in HoursKind.values:
            row_errors[index].append(_("Ukendt timetype."))
            continue
        if (citizen.pk, row.kind) in seen:
            row_errors[index].append(_("Samme deltager og timetype står to gange."))
            continue
        seen.add((citizen.pk, row.kind))
        try:
            hours = parse_hours(row.hours)
        except ValueError as exc:
            row_errors[index].append(str(exc))
            continue
        if hours:
            last = citizen.exit_in_force(monday)
            row_errors[index].extend(
                hours_week_errors(
                    week=monday,
                    phase1_start=citizen.phase1_start,
                    last_exit=last.exit_date if last else None,
                )
            )
        parsed.append((index, citizen.pk, row.kind, hours))

    existing = {
        (e.citizen_id, e.kind): e
        for e in HoursEntry.objects.filter(citizen_id__in=list(citizens), week_start=monday)
    }
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for (citizen_id, _kind), entry in existing.items():
        totals[citizen_id] += entry.hours
    for _index, citizen_id, kind, hours in parsed:
        old = existing.get((citizen_id, kind))
        totals[citizen_id] += (hours or Decimal(0)) - (old.hours if old else Decimal(0))
    for index, citizen_id, _kind, hours in parsed:
        if hours and totals[citizen_id] > MAX_HOURS_PER_WEEK:
            row_errors[index].append(
                _("Højst %(max)s timer i alt pr. uge for en deltager.")
                % {"max": MAX_HOURS_PER_WEEK}
            )
    row_errors = {index: messages for index, messages in row_errors.items() if messages}
    if row_errors:
        raise HoursWeekInvalid(row_errors)

    saved: list[HoursEntry] = []
    changes: dict[str, int] = {"saved": 0, "removed": 0}
    with transaction.atomic():
        for _index, citizen_id, kind, hours in parsed:
            old = existing.get((citizen_id, kind))
            if not hours:
                if old is not None:
                    old.delete()
                    changes["removed"] += 1
                continue
            if old is not None and old.hours == hours:
                saved.append(old)
                continue
            entry = old or HoursEntry(citizen_id=citizen_id, week_start=monday, kind=kind)
            entry.hours = hours
            entry.registered_by = actor
            entry.save()
            saved.append(entry)
            changes["saved"] += 1
        label = iso_week_label(monday)
        audit.record(
            AuditAction.CHANGE,
            actor=actor,
            label=f"Timer {label}",
            details={"week": label, "citizens": sorted(citizens), **changes},
        )
    return saved


# --- Placements and courses ----------------------------------------------------------------


def placement_create(
    *, citizen: Citizen, by: User | None, steps: Iterable[tuple[date, Decimal]] = (), **fields
) -> Placement:
    _check_fields(PLACEMENT_FIELDS, fields)
    with transaction.atomic():
        placement = audit.save_and_record(
            obj=Placement(citizen=citizen),
            by=by,
            changes=fields,
            details={"citizen": citizen.pk, "company": getattr(fields.get("company"), "pk", None)},
        )
        for from_date, hours in steps:
            step = PlacementStep(placement=placement, from_date=from_date, hours_per_week=hours)
            step.full_clean()
            step.save()
    return placement


def _check_plan(placement: Placement, plan: list[tuple[date, Decimal]]) -> None:
    days = [day for day, _hours in plan]
    if len(set(days)) != len(days):
        raise ValidationError({"steps": _("To trin i timeplanen har samme dato.")})
    if any(day < placement.start or (placement.end and day > placement.end) for day in days):
        raise ValidationError({"steps": _("Trinnene skal ligge inden for placeringen.")})


def placement_update(
    *,
    placement: Placement,
    by: User | None,
    plan: Iterable[tuple[date, Decimal]] | None = None,
    **fields,
) -> Placement:
    """Change a placement and, when `plan` is given, replace its hour steps: all or nothing.

    The steps (kept or new) must lie inside the placement's possibly new dates."""
    _check_fields(PLACEMENT_FIELDS, fields)
    old_plan = {s.from_date: s.hours_per_week for s in placement.steps.all()}
    steps = list(old_plan.items()) if plan is None else list(plan)
    new_plan = dict(steps)
    with transaction.atomic():
        # Validated after the placement (its errors come first); a bad plan undoes the save.
        audit.save_and_record(
            obj=placement,
            by=by,
            changes=fields,
            related={"steps": (_plan_log(old_plan), _plan_log(new_plan))},
        )
        _check_plan(placement, steps)
        for day, hours in new_plan.items():
            PlacementStep(placement=placement, from_date=day, hours_per_week=hours).full_clean(
                exclude=["placement"], validate_unique=False
            )
        if new_plan != old_plan:
            placement.steps.all().delete()
            PlacementStep.objects.bulk_create(
                PlacementStep(placement=placement, from_date=day, hours_per_week=hours)
                for day, hours in sorted(new_plan.items())
            )
    return placement


def _plan_log(plan: Mapping[date, Decimal]) -> dict[str, str]:
    """An hour plan as the audit log shows it: {"2026-03-02": "20.00"}."""
    return {day.isoformat(): f"{hours:.2f}" for day, hours in sorted(plan.items())}


def placement_step_set(
    *, placement: Placement, by: User | None, from_date: date, hours_per_week: Decimal
) -> PlacementStep:
    step = PlacementStep.objects.filter(placement=placement, from_date=from_date).first()
    step = step or PlacementStep(placement=placement, from_date=from_date)
    old_plan = {} if step.pk is None else {from_date: step.hours_per_week}
    step.hours_per_week = hours_per_week
    step.full_clean()
    if step.from_date < placement.start or (placement.end and step.from_date > placement.end):
        raise ValidationError({"from_date": _("Trinnet skal ligge inden for placeringen.")})
    with transaction.atomic():
        step.save()
        audit.save_and_record(
            obj=placement,
            by=by,
            related={"steps": (_plan_log(old_plan), _plan_log({from_date: step.hours_per_week}))},
        )
    return step


def placement_confirm_retention(
    *, placement: Placement, by: User | None, weeks: int, confirmed_on: date
) -> Placement:
    if not placement.is_paid or weeks not in (13, 26, 52):
        raise ValidationError(
            _("Fastholdelse følges kun for lønnede placeringer (13, 26, 52 uger).")
        )
    due = placement.start + timedelta(weeks=weeks)
    if confirmed_on < due:
        raise ValidationError(
            {
                "confirmed_on": _(
                    "Fastholdelsen kan først bekræftes, når perioden er gået (%(due)s)."
                )
                % {"due": due.strftime("%d.%m.%Y")}
            }
        )
    if confirmed_on > timezone.localdate():
        raise ValidationError({"confirmed_on": _("Datoen kan ikke ligge i fremtiden.")})
    if placement.end and placement.end < due:
        raise ValidationError(
            _("Placeringen sluttede før %(weeks)s uger; fastholdelsen kan ikke bekræftes.")
            % {"weeks": weeks}
        )
    return audit.save_and_record(
        obj=placement, by=by, changes={f"retained_{weeks}_confirmed_on": confirmed_on}
    )


def placement_move_to_company(
    *, placement: Placement, by: User | None, company: Company, on: date
) -> Placement:
    """End a placement the day before `on` and continue it in another (support) company."""
    if company.pk == placement.company_id:
        raise ValidationError({"company": _("Vælg en anden virksomhed.")})
    if company.status == CompanyStatus.DROPPED_OUT:
        raise ValidationError({"company": _("Virksomheden er faldet fra programmet.")})
    if on <= placement.start or (placement.end and on > placement.end):
        raise ValidationError({"on": _("Flyttedatoen skal ligge inden for placeringen.")})
    changes = {
        "kind": placement.kind,
        "company": company,
        "start": on,
        "end": placement.end,
        "hours_per_week": placement.hours_on(on),
        "buddy": "",
        "support_person": placement.support_person,
        "vitas_reference": placement.vitas_reference,
        "moved_from": placement,
    }
    with transaction.atomic():
        audit.save_and_record(obj=placement, by=by, changes={"end": on - timedelta(days=1)})
        moved = audit.save_and_record(
            obj=Placement(citizen=placement.citizen),
            by=by,
            changes=changes,
            details={"moved_from": placement.pk, "company": company.pk},
        )
        for step in placement.steps.filter(from_date__gt=on):
            PlacementStep.objects.create(
                placement=moved, from_date=step.from_date, hours_per_week=step.hours_per_week
            )
    return moved


def company_placements_move(
    *, from_company: Company, to_company: Company, by: User | None, on: date
) -> list[Placement]:
    """Move every placement running on `on` from a dropped-out company to a support company."""
    running = Placement.objects.filter(company=from_company, start__lt=on).exclude(end__lt=on)
    with transaction.atomic():
        return [
            placement_move_to_company(placement=p, by=by, company=to_company, on=on)
            for p in running.select_related("citizen").prefetch_related("steps")
        ]


def course_register(*, citizen: Citizen, by: User | None, **fields) -> CompetenceCourse:
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
    early: bool = False,
    note: str = "",
) -> ExitForm:
    start = citizen.phase1_start
    accepted = citizen.visitations.filter(status=VisitationStatus.ACCEPTED)
    if start is None and not accepted.exists():
        raise ValidationError(_("Der kan kun registreres ophør for en visiteret deltager."))
    if start and exit_date < start:
        raise ValidationError({"exit_date": _("Ophørsdatoen ligger før forløbets start.")})
    last = citizen.last_exit()
    if last is not None and not accepted.filter(proposed_on__gt=last.exit_date).exists():
        raise ValidationError(_("Deltageren er allerede registreret som ophørt."))
    if citizen.hours.filter(week_start__gt=exit_date, hours__gt=0).exists():
        raise ValidationError({"exit_date": _("Der er registreret timer efter ophørsdatoen.")})
    return audit.save_and_record(
        obj=ExitForm(citizen=citizen),
        by=by,
        changes={
            "exit_date": exit_date,
            "status": status,
            "not_available_reason": not_available_reason,
            "early": early,
            "note": note,
            "registered_by": by,
        },
        details={"citizen": citizen.pk, "status": status, "early": early},
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
