"""The rule table: what is due, for whom, and when.

Each rule finds, for one user, the records of the user's scope (`for_user`) that are due or
soon due, in the database: a query or two per rule and user, whatever the number of citizens.
It reuses the track's own rules and deadlines (participants' selectors and constants), so a
reminder and the start page agree on what is late. A reminder goes out `lead_days` before its
due date and, while the condition holds, stays due; the record (services.py) makes it go out
once per rule, recipient, subject and due date.

Who gets what: the caseworker gets their own citizens' (and the municipality's citizens
without a caseworker), the employment actor's staff their organisation's citizens, the
business developer their companies' milestones, the controller the half-yearly reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accelerator.models import Milestone
from participants.common import iso_week_label, week_monday
from participants.hours.selectors import citizens_missing_hours, phase1_low_hours
from participants.models import (
    FOLLOW_UP_OFFSETS,
    REVISITATION_DEADLINE_DAYS,
    VISITATION_DEADLINE_DAYS,
    Citizen,
    ExitForm,
    FollowUp,
    FollowUpKind,
    Placement,
    VisitationStatus,
)
from participants.track.selectors import not_screened, visitations_for
from reporting.models import JobStatus, ReportJob, ReportKind
from siv.roles import Role

from .models import RuleKind

# Screening belongs right at the start: within two weeks of phase 1 (or the visitation).
SCREENING_DAYS = 14
# A placement's end and a follow-up are announced two weeks ahead, as the start page does.
SOON_DAYS = 14
# The half-yearly progress statement is due a month after the half-year ends.
REPORT_AFTER_DAYS = 31
# A deadline passed longer ago than this is no news: the start page's lists still show it,
# but no reminder is recorded or mailed for it (the first run after a go-live, or after a
# rule is added, would otherwise send every old overdue record at once).
STALE_AFTER_DAYS = 90


@dataclass(frozen=True)
class Due:
    """One reminder for one user: about `subject_type`/`subject_id` (shown as `label`),
    due on `due_on`, opened at `link`."""

    subject_type: str
    subject_id: str
    label: str
    due_on: date
    link: str


@dataclass(frozen=True)
class ReminderRule:
    kind: RuleKind
    roles: frozenset[str]
    # How many days before the due date the reminder goes out.
    lead_days: int
    find: Callable[[Any, date, int], Iterable[Due]]


def _pseudonym(citizen_id: int) -> str:
    return Citizen(pk=citizen_id).pseudonym


def _citizen_link(citizen_id: int) -> str:
    return reverse("participants:citizen_detail", args=[citizen_id])


def _due_window(field: str, today: date, lead: int, offset: timedelta) -> Q:
    """Records whose due date (`field` + `offset`) is at most `lead` days ahead and at most
    STALE_AFTER_DAYS behind."""
    return Q(
        **{
            f"{field}__lte": today + timedelta(days=lead) - offset,
            f"{field}__gte": today - timedelta(days=STALE_AFTER_DAYS) - offset,
        }
    )


def _own(queryset: QuerySet, user: Any, path: str = "") -> QuerySet:
    """A caseworker's own citizens and the municipality's citizens without a caseworker (the
    others are a colleague's); every other role's scope as it is."""
    if user.role != Role.CASEWORKER:
        return queryset
    return queryset.filter(
        Q(**{f"{path}caseworker": user}) | Q(**{f"{path}caseworker__isnull": True})
    )


def visitation_decision(user: Any, today: date, lead: int) -> Iterable[Due]:
    """A proposed visitation is decided within 4 weeks of the proposal."""
    deadline = timedelta(days=VISITATION_DEADLINE_DAYS)
    proposals = _own(
        visitations_for(user=user, status=VisitationStatus.PROPOSED), user, "citizen__"
    )
    for v in proposals.filter(_due_window("proposed_on", today, lead, deadline)):
        link = (
            reverse("participants:visitation_review", args=[v.pk])
            if user.role == Role.EMPLOYMENT_ACTOR
            else _citizen_link(v.citizen_id)
        )
        yield Due(
            "participants.visitation",
            str(v.pk),
            _pseudonym(v.citizen_id),
            v.proposed_on + deadline,
            link,
        )


def revisitation(user: Any, today: date, lead: int) -> Iterable[Due]:
    """After an early exit the place is visited again within 4 weeks, until a re-visitation
    for it is accepted (ExitForm.places_open)."""
    deadline = timedelta(days=REVISITATION_DEADLINE_DAYS)
    exits = _own(ExitForm.objects.for_user(user).places_open(today), user, "citizen__")
    for e in exits.filter(_due_window("exit_date", today, lead, deadline)).order_by("pk"):
        yield Due(
            "participants.exitform",
            str(e.pk),
            _pseudonym(e.citizen_id),
            e.exit_date + deadline,
            reverse("participants:revisitation_overview"),
        )


def screening(user: Any, today: date, lead: int) -> Iterable[Due]:
    """A citizen in the track is screened within two weeks of the start."""
    days = timedelta(days=SCREENING_DAYS)
    citizens = not_screened(_own(Citizen.objects.for_user(user), user), as_of=today)
    for c in citizens.filter(_due_window("screening_due", today, lead, days)):
        yield Due(
            "participants.citizen",
            str(c.pk),
            c.pseudonym,
            c.screening_due + days,
            reverse("participants:screening_add", args=[c.pk]),
        )


def phase1_hours(user: Any, today: date, lead: int) -> Iterable[Due]:
    """Phase 1 averages under 10 hours a week over the last 4 full weeks: once a week (due
    on the week's Monday) while it lasts."""
    monday = week_monday(today)
    for c in phase1_low_hours(_own(Citizen.objects.for_user(user), user), as_of=today):
        yield Due("participants.citizen", str(c.pk), c.pseudonym, monday, _citizen_link(c.pk))


def hours_missing(user: Any, today: date, lead: int) -> Iterable[Due]:
    """An active citizen in the track has no hours for last week (the start page's list of
    missing hours), due on the Monday after it."""
    monday = week_monday(today)
    last_week = monday - timedelta(days=7)
    missing = citizens_missing_hours(user=user, week=last_week).queryset
    link = reverse("participants:hours_week") + f"?uge={iso_week_label(last_week)}"
    for pk in missing.order_by("pk").values_list("pk", flat=True):
        yield Due("participants.citizen", str(pk), _pseudonym(pk), monday, link)


def _follow_up(kind: FollowUpKind) -> Callable[[Any, date, int], Iterable[Due]]:
    offset = FOLLOW_UP_OFFSETS[kind]

    def find(user: Any, today: date, lead: int) -> Iterable[Due]:
        """The follow-up `offset` after the exit, not yet registered."""
        done = FollowUp.objects.filter(exit=OuterRef("pk"), kind=kind)
        exits = (
            _own(ExitForm.objects.for_user(user), user, "citizen__")
            .filter(_due_window("exit_date", today, lead, offset))
            .exclude(Exists(done))
            .order_by("pk")
        )
        for e in exits:
            yield Due(
                "participants.exitform",
                str(e.pk),
                _pseudonym(e.citizen_id),
                e.exit_date + offset,
                reverse("participants:followup_add", args=[e.citizen_id]),
            )

    return find


def placement_end(user: Any, today: date, lead: int) -> Iterable[Due]:
    """A placement ends within two weeks: time to plan what comes after it."""
    placements = Placement.objects.for_user(user).filter(
        end__gte=today, end__lte=today + timedelta(days=lead)
    )
    for p in placements.order_by("pk"):
        yield Due(
            "participants.placement",
            str(p.pk),
            _pseudonym(p.citizen_id),
            p.end,
            reverse("participants:placement_edit", args=[p.citizen_id, p.pk]),
        )


def milestone(user: Any, today: date, lead: int) -> Iterable[Due]:
    """A step of a company's social model not reached by two weeks before its deadline."""
    milestones = (
        Milestone.objects.for_user(user)
        .open()
        .filter(_due_window("due_on", today, lead, timedelta(0)))
        .select_related("company")
        .order_by("pk")
    )
    for m in milestones:
        yield Due(
            "accelerator.milestone",
            str(m.pk),
            f"{m.company.name}: {m.get_kind_display()}",
            m.due_on,
            reverse("accelerator:company_detail", args=[m.company_id]),
        )


def last_half_year(today: date) -> tuple[date, date]:
    """The last half-year that has ended by `today` (1 January–30 June or 1 July–31
    December)."""
    if today.month >= 7:
        return date(today.year, 1, 1), date(today.year, 6, 30)
    return date(today.year - 1, 7, 1), date(today.year - 1, 12, 31)


def half_year_report(user: Any, today: date, lead: int) -> Iterable[Due]:
    """The progress statement for the last half-year, until one covering its end is made."""
    start, end = last_half_year(today)
    due_on = end + timedelta(days=REPORT_AFTER_DAYS)
    if today < due_on - timedelta(days=lead):
        return
    made = ReportJob.objects.filter(
        kind=ReportKind.PROGRESS, status=JobStatus.DONE, params__end=end.isoformat()
    )
    if made.exists():
        return
    yield Due(
        "reporting.progress",
        end.isoformat(),
        _("Projektredegørelse %(start)s–%(end)s")
        % {"start": f"{start:%d.%m.%Y}", "end": f"{end:%d.%m.%Y}"},
        due_on,
        reverse("reporting:report_texts_progress"),
    )


CASEWORKER = frozenset({Role.CASEWORKER})
ACTOR = frozenset({Role.EMPLOYMENT_ACTOR})
BOTH = CASEWORKER | ACTOR

RULES: tuple[ReminderRule, ...] = (
    ReminderRule(RuleKind.VISITATION, BOTH, 7, visitation_decision),
    ReminderRule(RuleKind.REVISITATION, CASEWORKER, 7, revisitation),
    ReminderRule(RuleKind.SCREENING, ACTOR, 7, screening),
    ReminderRule(RuleKind.PHASE1_HOURS, BOTH, 0, phase1_hours),
    ReminderRule(RuleKind.HOURS_MISSING, ACTOR, 0, hours_missing),
    ReminderRule(RuleKind.FOLLOW_UP_6M, BOTH, SOON_DAYS, _follow_up(FollowUpKind.SIX_MONTHS)),
    ReminderRule(RuleKind.FOLLOW_UP_2Y, BOTH, SOON_DAYS, _follow_up(FollowUpKind.TWO_YEARS)),
    ReminderRule(RuleKind.PLACEMENT_END, ACTOR, SOON_DAYS, placement_end),
    ReminderRule(RuleKind.MILESTONE, frozenset({Role.BUSINESS_DEVELOPER}), SOON_DAYS, milestone),
    ReminderRule(RuleKind.HALF_YEAR_REPORT, frozenset({Role.CONTROLLER}), 31, half_year_report),
)

ROLES_REMINDED = frozenset(role for rule in RULES for role in rule.roles)


def due_for(user: Any, today: date) -> list[tuple[ReminderRule, Due]]:
    """Every reminder due for one user on a day, by the rules of the user's role."""
    return [
        (rule, due)
        for rule in RULES
        if user.role in rule.roles
        for due in rule.find(user, today, rule.lead_days)
    ]
