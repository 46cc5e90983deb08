"""Writes of placements: create, edit, hour steps, retention and moves between companies."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accelerator.models import Company, CompanyStatus
from participants.track.models import Citizen
from participants.track.rules import LEFT, Action
from participants.track.services import check_fields, refuse_unless, track_locked
from partnerships.models import User
from siv import audit

from .models import PAID_PLACEMENT_KINDS, Placement, PlacementStep

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


def placement_create(
    *, citizen: Citizen, by: User | None, steps: Iterable[tuple[date, Decimal]] = (), **fields
) -> Placement:
    check_fields(PLACEMENT_FIELDS, fields)
    with transaction.atomic():
        track = track_locked(citizen)
        refuse_unless(track, Action.PLACEMENT, {"start": _span_errors(track, fields)})
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


def _span_errors(track, fields: Mapping[str, Any], placement: Placement | None = None) -> list:
    """A placement's dates against the track: inside it, and a practice placement ending no
    later than the exit (a paid placement, the job the citizen leaves into, runs on)."""
    start = fields.get("start", placement.start if placement else None)
    end = fields.get("end", placement.end if placement else None)
    kind = fields.get("kind", placement.kind if placement else None)
    if start is None:
        return []
    return track.span_errors(start, end, runs_past_exit=kind in PAID_PLACEMENT_KINDS)


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
    opened: audit.Opened | None = None,
    **fields,
) -> Placement:
    """Change a placement and, when `plan` is given, replace its hour steps: all or nothing.

    The steps (kept or new) must lie inside the placement's possibly new dates. `opened` is
    what the edit form was opened at (a conflict raises audit.StaleRecord); a plan the user
    left as it was opened ("steps" not touched) keeps the plan stored now, which someone
    else may have changed meanwhile."""
    check_fields(PLACEMENT_FIELDS, fields)
    if opened is not None and "steps" not in opened.touched:
        plan = None
    with transaction.atomic():
        track = track_locked(placement.citizen)
        # Read under the lock, past a prefetched plan: what is stored now.
        stored = PlacementStep.objects.filter(placement=placement)
        old_plan = {s.from_date: s.hours_per_week for s in stored}
        steps = list(old_plan.items()) if plan is None else list(plan)
        new_plan = dict(steps)
        dated = {k: v for k, v in fields.items() if k in ("start", "end", "kind")}
        changed = {k for k, v in dated.items() if v != getattr(placement, k)}
        if changed:
            # After the exit only a paid placement (the job) may still change, e.g. its end.
            paid = fields.get("kind", placement.kind) in PAID_PLACEMENT_KINDS
            if track.state in LEFT and not paid:
                raise ValidationError(_("Forløbet er afsluttet; placeringen kan ikke ændres."))
            refuse_unless(track, None, {"start": _span_errors(track, fields, placement)})
        # Validated after the placement (its errors come first); a bad plan undoes the save.
        audit.save_and_record(
            obj=placement,
            by=by,
            changes=fields,
            related={"steps": (plan_log(old_plan), plan_log(new_plan))},
            opened=opened,
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


def plan_log(plan: Iterable[tuple[date, Decimal]]) -> dict[str, str]:
    """An hour plan as the audit log shows it and an edit form carries it:
    {"2026-03-02": "20.00"}."""
    plan = plan.items() if isinstance(plan, Mapping) else plan
    return {day.isoformat(): f"{hours:.2f}" for day, hours in sorted(plan)}


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
            related={"steps": (plan_log(old_plan), plan_log({from_date: step.hours_per_week}))},
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


def placement_create_with_plan(
    *, citizen: Citizen, by: User, plan: Iterable[tuple[date, Decimal]] = (), **fields: Any
) -> Placement:
    """A placement and its dated hour steps, all or nothing (each step inside the placement)."""
    with transaction.atomic():
        placement = placement_create(citizen=citizen, by=by, **fields)
        for from_date, hours in plan:
            placement_step_set(
                placement=placement, by=by, from_date=from_date, hours_per_week=hours
            )
    return placement
