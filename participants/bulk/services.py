"""The handover and bulk actions of daily work: a caseworker's citizens to a colleague, an
actor's citizens to another actor, a pause for every active citizen of a municipality or
partnership, and a citizen's hours moved from one kind to another.

Each action is first planned (`*_plan`: who or what it changes, who it would refuse and
why, and a fingerprint of that set) and shown; the confirmed action gets the fingerprint
back and is refused when the set has changed since. Each runs in one transaction, locks the
citizens' rows in id order (two actions over the same citizens take turns and never
deadlock), changes all or nothing, and writes a log row per citizen changed plus one for the
action, both carrying the action's id. The log holds ids, never names or CPR numbers.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.common import iso_week_label, week_monday
from participants.hours.models import MAX_HOURS_PER_KIND, HoursEntry, HoursKind
from participants.track.models import Citizen
from participants.track.rules import Action, Track, track_prefetch
from participants.track.services import pause_add
from partnerships.models import (
    GrowthPartnership,
    Municipality,
    Organisation,
    OrganisationKind,
    User,
)
from siv import audit
from siv.models import AuditAction
from siv.permissions import has_perm
from siv.roles import Role

from . import selectors


@dataclass
class Plan:
    """What an action would change: `citizens` (a queryset in id order, for paging),
    `refused` (citizen id → the reasons it would be refused), and the fingerprint the
    confirmation must send back."""

    citizens: QuerySet[Citizen]
    count: int
    token: str
    refused: dict[int, list[str]] = field(default_factory=dict)
    weeks: list[dict[str, Any]] = field(default_factory=list)


def fingerprint(action: str, params: dict[str, Any], rows: Iterable[Iterable[Any]]) -> str:
    """A hash of the action, its parameters and the rows it reads (ids with their versions
    or values): any change between the preview and the confirmation changes it."""
    document = json.dumps(
        {"action": action, "params": params, "rows": [list(r) for r in rows]},
        default=str,
        sort_keys=True,
    )
    return hashlib.sha256(document.encode()).hexdigest()


def _stale() -> ValidationError:
    return ValidationError(
        _(
            "Deltagerne eller deres data er ændret siden forhåndsvisningen. Intet er gemt; "
            "se forhåndsvisningen igen, før du bekræfter."
        ),
        code="stale",
    )


def _require(by: User, permission: str) -> None:
    if not has_perm(by, permission):
        raise PermissionDenied


def _lock(citizens: QuerySet[Citizen]) -> list[int]:
    """Lock the citizens' rows in id order (the fixed order that keeps two actions from
    deadlocking) and return their ids."""
    return list(citizens.order_by("pk").select_for_update().values_list("pk", flat=True))


def _citizen_rows(citizens: QuerySet[Citizen]) -> list[tuple[int, int]]:
    return list(citizens.order_by("pk").values_list("pk", "version"))


def _record_action(by: User, action: str, action_id: str, details: dict[str, Any]) -> None:
    audit.record(
        AuditAction.CHANGE,
        actor=by,
        label=_("Massehandling: %(action)s") % {"action": action},
        details=_as_json({"bulk_action": action, "bulk_id": action_id, **details}),
    )


def _as_json(values: dict[str, Any]) -> dict[str, Any]:
    """Dates and decimals as the log's JSON column stores them."""
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def _nothing_to_do(count: int) -> None:
    if count == 0:
        raise ValidationError(_("Der er ingen deltagere, som handlingen omfatter."), code="empty")


# --- A caseworker's citizens to a colleague ------------------------------------------------


def _handover_checks(by: User, from_caseworker: User, to_caseworker: User) -> None:
    _require(by, "citizens.handover")
    if by.role == Role.CASEWORKER and from_caseworker.pk != by.pk:
        raise PermissionDenied
    if from_caseworker.municipality_id != by.municipality_id:
        raise PermissionDenied
    if to_caseworker.pk == from_caseworker.pk:
        raise ValidationError(
            {"to_caseworker": _("Vælg en anden sagsbehandler end den nuværende.")}, code="same"
        )
    if to_caseworker.role != Role.CASEWORKER or not to_caseworker.is_active:
        raise ValidationError({"to_caseworker": _("Vælg en sagsbehandler.")}, code="role")
    same_jobcentre = to_caseworker.municipality_id == from_caseworker.municipality_id and (
        to_caseworker.organisation_id == from_caseworker.organisation_id
    )
    if not same_jobcentre:
        raise ValidationError(
            {"to_caseworker": _("Kollegaen arbejder i et andet jobcenter.")}, code="jobcentre"
        )


def _handover_params(from_caseworker: User, to_caseworker: User) -> dict[str, Any]:
    return {"from": from_caseworker.pk, "to": to_caseworker.pk}


def handover_plan(*, by: User, from_caseworker: User, to_caseworker: User) -> Plan:
    _handover_checks(by, from_caseworker, to_caseworker)
    citizens = selectors.caseworker_citizens(by, from_caseworker)
    rows = _citizen_rows(citizens)
    token = fingerprint("handover", _handover_params(from_caseworker, to_caseworker), rows)
    return Plan(citizens=citizens.order_by("pk"), count=len(rows), token=token)


def caseworker_handover(*, by: User, from_caseworker: User, to_caseworker: User, token: str) -> int:
    """Give every citizen of `from_caseworker` to `to_caseworker`, a colleague in the same
    jobcentre; the number of citizens moved."""
    _handover_checks(by, from_caseworker, to_caseworker)
    action_id = uuid.uuid4().hex
    with transaction.atomic():
        citizens = selectors.caseworker_citizens(by, from_caseworker)
        ids = _lock(citizens)
        params = _handover_params(from_caseworker, to_caseworker)
        if fingerprint("handover", params, _citizen_rows(citizens)) != token:
            raise _stale()
        _nothing_to_do(len(ids))
        for citizen in Citizen.objects.filter(pk__in=ids).order_by("pk"):
            audit.save_and_record(
                obj=citizen,
                by=by,
                changes={"caseworker": to_caseworker},
                details={"bulk_id": action_id},
            )
        _record_action(by, "handover", action_id, {**params, "citizens": ids})
    return len(ids)


# --- An actor's citizens to another actor --------------------------------------------------


def _actor_checks(
    by: User, municipality: Municipality, from_actor: Organisation, to_actor: Organisation
) -> None:
    _require(by, "citizens.bulk")
    if not selectors.municipalities_for(by).filter(pk=municipality.pk).exists():
        raise PermissionDenied
    if to_actor.kind != OrganisationKind.EMPLOYMENT_ACTOR:
        raise ValidationError({"to_actor": _("Vælg en beskæftigelsesaktør.")}, code="kind")
    if to_actor.pk == from_actor.pk:
        raise ValidationError(
            {"to_actor": _("Vælg en anden beskæftigelsesaktør end den nuværende.")}, code="same"
        )


def _actor_params(municipality, from_actor, to_actor) -> dict[str, Any]:
    return {"municipality": municipality.pk, "from": from_actor.pk, "to": to_actor.pk}


def actor_move_plan(
    *, by: User, municipality: Municipality, from_actor: Organisation, to_actor: Organisation
) -> Plan:
    _actor_checks(by, municipality, from_actor, to_actor)
    today = timezone.localdate()
    citizens = selectors.actor_citizens(by, municipality, from_actor, today)
    rows = _citizen_rows(citizens)
    params = _actor_params(municipality, from_actor, to_actor)
    return Plan(
        citizens=citizens.order_by("pk"), count=len(rows), token=fingerprint("actor", params, rows)
    )


def actor_move(
    *,
    by: User,
    municipality: Municipality,
    from_actor: Organisation,
    to_actor: Organisation,
    token: str,
) -> int:
    """Give the citizens of `from_actor` in the municipality who are still in the
    programme to `to_actor` (an actor's contract ends); the number moved."""
    _actor_checks(by, municipality, from_actor, to_actor)
    action_id = uuid.uuid4().hex
    with transaction.atomic():
        citizens = selectors.actor_citizens(by, municipality, from_actor, timezone.localdate())
        ids = _lock(citizens)
        params = _actor_params(municipality, from_actor, to_actor)
        if fingerprint("actor", params, _citizen_rows(citizens)) != token:
            raise _stale()
        _nothing_to_do(len(ids))
        for citizen in Citizen.objects.filter(pk__in=ids).order_by("pk"):
            audit.save_and_record(
                obj=citizen,
                by=by,
                changes={"employment_actor": to_actor},
                details={"bulk_id": action_id},
            )
        _record_action(by, "actor", action_id, {**params, "citizens": ids})
    return len(ids)


# --- A pause for every active citizen of a municipality or partnership ---------------------


def _pause_checks(
    by: User,
    municipality: Municipality | None,
    partnership: GrowthPartnership | None,
    start: date,
    end: date,
) -> None:
    _require(by, "citizens.bulk")
    if (municipality is None) == (partnership is None):
        raise ValidationError(_("Vælg enten en kommune eller et partnerskab."), code="scope")
    allowed = selectors.municipalities_for(by)
    where = municipality.pk if municipality is not None else partnership.municipality_id
    if not allowed.filter(pk=where).exists():
        raise PermissionDenied
    if end < start:
        raise ValidationError({"end": _("Slutdatoen ligger før startdatoen.")}, code="reversed")


def _pause_params(municipality, partnership, start, end, reason) -> dict[str, Any]:
    return {
        "municipality": municipality.pk if municipality else None,
        "partnership": partnership.pk if partnership else None,
        "start": start,
        "end": end,
        "reason": reason,
    }


def pause_refusals(citizen: Citizen, start: date, end: date) -> list[str]:
    """Why the pause from `start` to `end` cannot be given to the citizen (prefetched with
    rules.track_prefetch): the track rules pause_add refuses by, an overlapping pause too."""
    track = Track.of(citizen)
    reasons = []
    if (refusal := track.refusal(Action.PAUSE)) is not None:
        reasons.append(refusal)
    reasons.extend(track.pause_errors(start, end))
    return reasons


def _pause_refused(citizens: QuerySet[Citizen], start: date, end: date) -> dict[int, list[str]]:
    refused = {}
    for citizen in citizens.prefetch_related(*track_prefetch()):
        if reasons := pause_refusals(citizen, start, end):
            refused[citizen.pk] = reasons
    return refused


def pause_plan(
    *,
    by: User,
    start: date,
    end: date,
    reason: str,
    municipality: Municipality | None = None,
    partnership: GrowthPartnership | None = None,
) -> Plan:
    _pause_checks(by, municipality, partnership, start, end)
    citizens = selectors.pause_citizens(
        by, start, end, timezone.localdate(), municipality=municipality, partnership=partnership
    )
    rows = _citizen_rows(citizens)
    params = _pause_params(municipality, partnership, start, end, reason)
    return Plan(
        citizens=citizens.order_by("pk"),
        count=len(rows),
        token=fingerprint("pause", params, rows),
        refused=_pause_refused(citizens, start, end),
    )


def bulk_pause(
    *,
    by: User,
    start: date,
    end: date,
    reason: str,
    token: str,
    municipality: Municipality | None = None,
    partnership: GrowthPartnership | None = None,
) -> int:
    """Pause every active citizen of the municipality or the partnership from `start` to
    `end` (the lockdown case), each through pause_add; one citizen refused refuses them
    all. The number paused."""
    _pause_checks(by, municipality, partnership, start, end)
    action_id = uuid.uuid4().hex
    with transaction.atomic():
        citizens = selectors.pause_citizens(
            by,
            start,
            end,
            timezone.localdate(),
            municipality=municipality,
            partnership=partnership,
        )
        ids = _lock(citizens)
        params = _pause_params(municipality, partnership, start, end, reason)
        if fingerprint("pause", params, _citizen_rows(citizens)) != token:
            raise _stale()
        _nothing_to_do(len(ids))
        refused = _pause_refused(Citizen.objects.filter(pk__in=ids), start, end)
        if refused:
            raise ValidationError(
                _(
                    "%(count)s af deltagerne kan ikke sættes på pause i perioden, så ingen er "
                    "sat på pause. Se hvem og hvorfor i forhåndsvisningen."
                )
                % {"count": len(refused)},
                code="refused",
            )
        pauses = []
        for citizen in Citizen.objects.filter(pk__in=ids).order_by("pk"):
            pause = pause_add(citizen=citizen, by=by, start=start, end=end, reason=reason)
            pauses.append(pause.pk)
        _record_action(by, "pause", action_id, {**params, "citizens": ids, "pauses": pauses})
    return len(ids)


# --- A citizen's hours from one kind to another --------------------------------------------


def _hours_checks(by: User, from_kind: str, to_kind: str, start: date, end: date) -> None:
    _require(by, "hours.recategorise")
    kinds = set(HoursKind.values)
    if from_kind not in kinds or to_kind not in kinds:
        raise ValidationError(_("Vælg en type timer."), code="kind")
    if from_kind == to_kind:
        raise ValidationError(
            {"to_kind": _("Timerne skal flyttes til en anden type.")}, code="same"
        )
    if end < start:
        raise ValidationError({"end": _("Slutdatoen ligger før startdatoen.")}, code="reversed")


def _hours_rows(citizen: Citizen, kinds: Iterable[str], start: date, end: date):
    monday, last = week_monday(start), week_monday(end)
    return HoursEntry.objects.filter(
        citizen=citizen, kind__in=list(kinds), week_start__gte=monday, week_start__lte=last
    ).order_by("week_start", "kind")


def _hours_weeks(rows: Iterable[HoursEntry], from_kind: str, to_kind: str) -> list[dict]:
    """Per week with hours of `from_kind`: the hours moved, those of `to_kind` before and
    after, and why the week cannot take them."""
    weeks: dict[date, dict[str, Any]] = {}
    for row in rows:
        week = weeks.setdefault(
            row.week_start,
            {"week": row.week_start, "moved": Decimal("0"), "before": Decimal("0")},
        )
        if row.kind == from_kind:
            week["moved"] = row.hours
        else:
            week["before"] = row.hours
    shown = []
    for week in sorted(weeks.values(), key=lambda w: w["week"]):
        if not week["moved"]:
            continue
        week["after"] = week["before"] + week["moved"]
        week["label"] = iso_week_label(week["week"])
        week["refused"] = (
            [
                _("Uge %(week)s ville få mere end %(max)s timer af typen.")
                % {"week": week["label"], "max": MAX_HOURS_PER_KIND}
            ]
            if week["after"] > MAX_HOURS_PER_KIND
            else []
        )
        shown.append(week)
    return shown


def _hours_params(citizen, from_kind, to_kind, start, end) -> dict[str, Any]:
    return {
        "citizen": citizen.pk,
        "from": from_kind,
        "to": to_kind,
        "start": week_monday(start),
        "end": week_monday(end),
    }


def _hours_fingerprint(params: dict[str, Any], rows: list[HoursEntry]) -> str:
    return fingerprint("hours", params, [(r.pk, r.week_start, r.kind, r.hours) for r in rows])


def recategorise_plan(
    *, by: User, citizen: Citizen, from_kind: str, to_kind: str, start: date, end: date
) -> Plan:
    _hours_checks(by, from_kind, to_kind, start, end)
    rows = list(_hours_rows(citizen, (from_kind, to_kind), start, end))
    weeks = _hours_weeks(rows, from_kind, to_kind)
    if not weeks:
        raise ValidationError(_("Der er ingen timer af den type i perioden."), code="empty")
    params = _hours_params(citizen, from_kind, to_kind, start, end)
    refused = {citizen.pk: [m for w in weeks for m in w["refused"]]}
    return Plan(
        citizens=Citizen.objects.filter(pk=citizen.pk),
        count=1,
        token=_hours_fingerprint(params, rows),
        refused={k: v for k, v in refused.items() if v},
        weeks=weeks,
    )


def hours_recategorise(
    *,
    by: User,
    citizen: Citizen,
    from_kind: str,
    to_kind: str,
    start: date,
    end: date,
    token: str,
) -> int:
    """Move the citizen's hours of `from_kind` in the weeks from `start` to `end` to
    `to_kind` (added to hours of that kind the week already has), as approved. The log row
    keeps every original registration (week, kind, hours) beside the result. The number
    of weeks changed."""
    _hours_checks(by, from_kind, to_kind, start, end)
    action_id = uuid.uuid4().hex
    with transaction.atomic():
        _lock(Citizen.objects.filter(pk=citizen.pk))
        rows = list(_hours_rows(citizen, (from_kind, to_kind), start, end).select_for_update())
        params = _hours_params(citizen, from_kind, to_kind, start, end)
        if _hours_fingerprint(params, rows) != token:
            raise _stale()
        weeks = _hours_weeks(rows, from_kind, to_kind)
        if not weeks:
            raise ValidationError(_("Der er ingen timer af den type i perioden."), code="empty")
        if refused := [m for w in weeks for m in w["refused"]]:
            raise ValidationError(refused, code="over")
        moved = {w["week"] for w in weeks}
        original = [
            {"week": r.week_start, "kind": r.kind, "hours": r.hours}
            for r in rows
            if r.week_start in moved
        ]
        by_week = {(r.week_start, r.kind): r for r in rows}
        for week in weeks:
            source = by_week[(week["week"], from_kind)]
            target = by_week.get((week["week"], to_kind))
            if target is None:
                target = HoursEntry(citizen=citizen, week_start=week["week"], kind=to_kind)
            target.hours = week["after"]
            target.registered_by = by
            target.full_clean()
            target.save()
            source.delete()
        result = [{"week": w["week"], "kind": to_kind, "hours": w["after"]} for w in weeks]
        details = {"bulk_id": action_id, **params, "original": original, "result": result}
        audit.record(
            AuditAction.CHANGE,
            actor=by,
            obj=citizen,
            purpose=_("Omkategorisering af timer"),
            details=_as_json(details),
        )
        _record_action(by, "hours", action_id, {**params, "citizens": [citizen.pk]})
    return len(weeks)
