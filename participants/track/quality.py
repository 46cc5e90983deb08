"""Stored rows that break a track rule (rules.Rule), found by the database.

The services refuse a write that breaks a rule (rules.Track), but rows stored before the
rules, by a bulk load or by hand may still break one. Each rule here is one set-based
query over the whole table (EXISTS, subqueries and annotations; never a loop over the
citizens), so the whole programme is screened in a few passes. Every query yields rows of
the same columns (FINDING_COLUMNS): the rule, the citizen, the kind and id of the row at
fault, its date (and end, for a span) and the date it conflicts with. `findings()` joins
them into one UNION ALL that can be filtered, ordered and paged in the database, and
`counts_by_rule()` counts it there.

Where a rule depends on the citizen's stays (a re-entry after an exit starts a new one),
the queries read the stays from the dates alone, as rules.Track does, with these
simplifications:

- hours lie outside the track when their week ends before the week of phase 1's start, or
  begins after the exit in force as of that week (the last exit before the week, unless an
  accepted visitation after it, up to the week's Sunday, made the citizen active again);
- a practice placement, pause or course lies outside the track when it starts before
  phase 1's start or after the exit in force as of its start, or (not a paid placement)
  ends after the first exit on or after its start, or has no end while such an exit exists;
- an exit lies before the start when it is dated before phase 1's start (or, without one,
  the first accepted visitation) or there is neither;
- a follow-up lies before its exit when it is dated on or before its own exit's date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, models
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _

from participants.common import week_monday
from participants.hours.models import HoursEntry
from participants.placements.models import PAID_PLACEMENT_KINDS, Placement

from .models import (
    Citizen,
    CompetenceCourse,
    ExitForm,
    FollowUp,
    Pause,
    Visitation,
    VisitationStatus,
)
from .rules import Rule


class RecordKind(models.TextChoices):
    """The stored row a finding points at."""

    PHASE1 = "phase1", _("Start fase 1")
    PHASE2 = "phase2", _("Start fase 2")
    PHASE3 = "phase3", _("Start fase 3")
    EXIT = "exit", _("Slutskema")
    HOURS = "hours", _("Timer")
    PLACEMENT = "placement", _("Placering")
    PAUSE = "pause", _("Pause")
    COURSE = "course", _("Kompetenceløft")
    FOLLOW_UP = "followup", _("Opfølgning")


# The columns of every finding query, in this order (a UNION matches them by position).
FINDING_COLUMNS = ("rule", "citizen_ref", "record", "record_ref", "day", "end_day", "limit")


@dataclass(frozen=True)
class Finding:
    """One stored row that breaks a rule: `day` (and `end_day`, for a span) is the date at
    fault, `limit` the date it conflicts with (None where there is none)."""

    rule: str
    citizen_id: int
    record: str
    record_id: int
    day: date | None
    end_day: date | None = None
    limit: date | None = None

    @classmethod
    def from_row(cls, row: dict) -> Finding:
        return cls(
            rule=row["rule"],
            citizen_id=row["citizen_ref"],
            record=row["record"],
            record_id=row["record_ref"],
            day=row["day"],
            end_day=row["end_day"],
            limit=row["limit"],
        )

    @property
    def rule_label(self) -> str:
        return Rule(self.rule).label

    @property
    def record_label(self) -> str:
        return RecordKind(self.record).label


def _date(value) -> models.Expression:
    """A date column of a finding: NULL typed as a date, so every branch of the UNION agrees."""
    if value is None:
        return Cast(Value(None), models.DateField())
    return Cast(value, models.DateField())


def _rows(
    queryset: QuerySet,
    rule: Rule,
    record,
    *,
    citizen: str = "citizen_id",
    day,
    end_day=None,
    limit=None,
) -> QuerySet:
    record = record if isinstance(record, models.Expression) else Value(str(record))
    return (
        queryset.order_by()
        .annotate(
            rule=Value(str(rule)),
            citizen_ref=F(citizen),
            record=record,
            record_ref=F("pk"),
            day=_date(day),
            end_day=_date(end_day),
            limit=_date(limit),
        )
        .values(*FINDING_COLUMNS)
    )


def _scope(queryset: QuerySet, citizens: QuerySet[Citizen], path: str) -> QuerySet:
    """The rows of the given citizens (all rows when `citizens` is every citizen)."""
    if not citizens.query.where:
        return queryset
    return queryset.filter(**{f"{path}__in": citizens.values("pk")})


def _accepted(**filters) -> QuerySet[Visitation]:
    return Visitation.objects.filter(status=VisitationStatus.ACCEPTED, **filters)


def _first_accepted(citizen_ref: str) -> Subquery:
    first = _accepted(citizen=OuterRef(citizen_ref)).order_by("proposed_on")
    return Subquery(first.values("proposed_on")[:1])


def _exit_before(day_ref, citizen_ref: str = "citizen_id") -> Subquery:
    """The date of the citizen's last exit before a day (an expression of the outer row)."""
    exits = ExitForm.objects.filter(citizen=OuterRef(citizen_ref), exit_date__lt=day_ref)
    return Subquery(exits.order_by("-exit_date").values("exit_date")[:1])


def _reentered(exit_ref: str, until, citizen_ref: str = "citizen_id") -> Exists:
    """An accepted visitation after the exit named `exit_ref`, up to `until`: a new stay."""
    return Exists(
        _accepted(
            citizen=OuterRef(citizen_ref),
            proposed_on__gt=OuterRef(exit_ref),
            proposed_on__lte=until,
        )
    )


def _plus_days(ref, days: int):
    return models.ExpressionWrapper(ref + timedelta(days=days), output_field=models.DateField())


# --- One query per rule --------------------------------------------------------------------

RuleQuery = Callable[[QuerySet[Citizen], date], list[QuerySet]]


def phase1_without_visitation(citizens: QuerySet[Citizen], today: date) -> list[QuerySet]:
    rows = _scope(Citizen.objects.all(), citizens, "pk").filter(
        ~Exists(_accepted(citizen=OuterRef("pk"))), phase1_start__isnull=False
    )
    return [
        _rows(
            rows,
            Rule.PHASE1_WITHOUT_VISITATION,
            RecordKind.PHASE1,
            citizen="pk",
            day=F("phase1_start"),
        )
    ]


def phase1_before_visitation(citizens: QuerySet[Citizen], today: date) -> list[QuerySet]:
    rows = (
        _scope(Citizen.objects.all(), citizens, "pk")
        .annotate(first_accepted=_first_accepted("pk"))
        .filter(phase1_start__lt=F("first_accepted"))
    )
    return [
        _rows(
            rows,
            Rule.PHASE1_BEFORE_VISITATION,
            RecordKind.PHASE1,
            citizen="pk",
            day=F("phase1_start"),
            limit=F("first_accepted"),
        )
    ]


def phase_order(citizens: QuerySet[Citizen], today: date) -> list[QuerySet]:
    """Phase 2 before phase 1, phase 3 before the phase before it (phase 2, else 1), or a
    later phase without phase 1: the first phase out of order is reported."""
    phase2_wrong = Q(phase2_start__isnull=False) & (
        Q(phase1_start__isnull=True) | Q(phase2_start__lt=F("phase1_start"))
    )
    earlier3 = Coalesce("phase2_start", "phase1_start")
    phase3_wrong = Q(phase3_start__isnull=False) & (
        Q(phase1_start__isnull=True) | Q(phase3_start__lt=earlier3)
    )
    rows = _scope(Citizen.objects.all(), citizens, "pk").filter(phase2_wrong | phase3_wrong)
    return [
        _rows(
            rows,
            Rule.PHASE_ORDER,
            Case(
                When(phase2_wrong, then=Value(str(RecordKind.PHASE2))),
                default=Value(str(RecordKind.PHASE3)),
            ),
            citizen="pk",
            day=Case(When(phase2_wrong, then=F("phase2_start")), default=F("phase3_start")),
            limit=Case(When(phase2_wrong, then=F("phase1_start")), default=earlier3),
        )
    ]


def date_in_future(citizens: QuerySet[Citizen], today: date) -> list[QuerySet]:
    """A phase start or an exit dated after today."""
    people = _scope(Citizen.objects.all(), citizens, "pk")
    parts = [
        _rows(
            people.filter(**{f"phase{n}_start__gt": today}),
            Rule.DATE_IN_FUTURE,
            kind,
            citizen="pk",
            day=F(f"phase{n}_start"),
            limit=Value(today),
        )
        for n, kind in ((1, RecordKind.PHASE1), (2, RecordKind.PHASE2), (3, RecordKind.PHASE3))
    ]
    exits = _scope(ExitForm.objects.all(), citizens, "citizen").filter(exit_date__gt=today)
    parts.append(
        _rows(exits, Rule.DATE_IN_FUTURE, RecordKind.EXIT, day=F("exit_date"), limit=Value(today))
    )
    return parts


def exit_before_start(citizens: QuerySet[Citizen], today: date) -> list[QuerySet]:
    """An exit before the track began: phase 1's start, or without one the first accepted
    visitation; an exit with neither has no track to end."""
    rows = (
        _scope(ExitForm.objects.all(), citizens, "citizen")
        .annotate(begun=Coalesce(F("citizen__phase1_start"), _first_accepted("citizen_id")))
        .filter(Q(begun__isnull=True) | Q(exit_date__lt=F("begun")))
    )
    return [
        _rows(rows, Rule.EXIT_BEFORE_START, RecordKind.EXIT, day=F("exit_date"), limit=F("begun"))
    ]


def _hours() -> QuerySet[HoursEntry]:
    """Hours rows that count: a zero is what a cleared cell may leave behind."""
    return HoursEntry.objects.filter(hours__gt=0)


def hours_outside_track(citizens: QuerySet[Citizen], today: date) -> list[QuerySet]:
    """Hours for a week that ends before the week of phase 1's start (or without a phase 1),
    or that begins after the exit in force as of the week (see the module's docstring): an
    exit before the week not followed by an accepted visitation up to the week's Sunday.

    Each branch first finds the few citizens it can concern through an index (one probe per
    citizen or per exit), then reads only their hours: millions of hours rows are never
    scanned one by one."""
    hours = _scope(_hours(), citizens, "citizen")
    phase1_week = _plus_days(F("citizen__phase1_start"), -6)
    early = _hours().filter(
        citizen=OuterRef("pk"), week_start__lt=_plus_days(OuterRef("phase1_start"), -6)
    )
    started_early = Citizen.objects.filter(Exists(early)).order_by().values("pk")
    not_started = Citizen.objects.filter(phase1_start__isnull=True).order_by().values("pk")

    later = _hours().filter(citizen=OuterRef("citizen_id"), week_start__gt=OuterRef("exit_date"))
    hours_after_exit = ExitForm.objects.filter(Exists(later)).order_by().values("citizen_id")
    reentry = _accepted(citizen=OuterRef("citizen_id"), proposed_on__gt=OuterRef("exit_date"))
    left = ExitForm.objects.annotate(
        reentry=Subquery(reentry.order_by("proposed_on").values("proposed_on")[:1])
    ).filter(
        Q(reentry__isnull=True) | Q(reentry__gt=_plus_days(OuterRef("week_start"), 6)),
        citizen=OuterRef("citizen_id"),
        exit_date__lt=OuterRef("week_start"),
    )
    last_exit = ExitForm.objects.filter(
        citizen=OuterRef("citizen_id"), exit_date__lt=OuterRef("week_start")
    ).order_by("-exit_date")
    before = Q(citizen__phase1_start__isnull=True) | Q(week_start__lt=phase1_week)
    return [
        _rows(
            hours.filter(citizen__in=started_early, week_start__lt=phase1_week),
            Rule.HOURS_OUTSIDE_TRACK,
            RecordKind.HOURS,
            day=F("week_start"),
            limit=F("citizen__phase1_start"),
        ),
        _rows(
            hours.filter(citizen__in=not_started),
            Rule.HOURS_OUTSIDE_TRACK,
            RecordKind.HOURS,
            day=F("week_start"),
        ),
        _rows(
            hours.filter(Exists(left), citizen__in=hours_after_exit).exclude(before),
            Rule.HOURS_OUTSIDE_TRACK,
            RecordKind.HOURS,
            day=F("week_start"),
            limit=Subquery(last_exit.values("exit_date")[:1]),
        ),
    ]


def hours_in_future(citizens: QuerySet[Citizen], today: date) -> list[QuerySet]:
    """Hours for a week after the current week (Europe/Copenhagen)."""
    this_week = week_monday(today)
    rows = _scope(_hours(), citizens, "citizen").filter(week_start__gt=this_week)
    return [
        _rows(
            rows,
            Rule.HOURS_IN_FUTURE,
            RecordKind.HOURS,
            day=F("week_start"),
            limit=Value(this_week),
        )
    ]


def hours_in_pause(citizens: QuerySet[Citizen], today: date) -> list[QuerySet]:
    """Hours for a week whose Monday to Friday all lie inside one pause."""
    pauses = Pause.objects.filter(
        Q(end__isnull=True) | Q(end__gte=_plus_days(OuterRef("week_start"), 4)),
        citizen=OuterRef("citizen_id"),
        start__lte=OuterRef("week_start"),
    )
    paused = Pause.objects.order_by().values("citizen_id")
    rows = _scope(_hours(), citizens, "citizen").filter(Exists(pauses), citizen__in=paused)
    return [
        _rows(
            rows,
            Rule.HOURS_IN_PAUSE,
            RecordKind.HOURS,
            day=F("week_start"),
            limit=Subquery(pauses.order_by("start").values("start")[:1]),
        )
    ]


def _spans_outside(
    queryset: QuerySet, kind: RecordKind, *, may_run_past_exit: Q | None = None
) -> QuerySet:
    """Rows with a start and an optional end that lie outside the track: before phase 1's
    start, in a gap after an exit, or (unless `may_run_past_exit` holds for the row) ending
    after the exit that ends their stay."""
    next_exit = ExitForm.objects.filter(
        citizen=OuterRef("citizen_id"), exit_date__gte=OuterRef("start")
    ).order_by("exit_date")
    rows = (
        queryset.annotate(left_on=_exit_before(OuterRef("start")))
        .annotate(reentered=_reentered("left_on", OuterRef("start")))
        .annotate(next_exit=Subquery(next_exit.values("exit_date")[:1]))
    )
    before = Q(citizen__phase1_start__isnull=True) | Q(start__lt=F("citizen__phase1_start"))
    after = Q(left_on__isnull=False, reentered=False)
    past = Q(next_exit__isnull=False) & (Q(end__isnull=True) | Q(end__gt=F("next_exit")))
    if may_run_past_exit is not None:
        after &= ~may_run_past_exit
        past &= ~may_run_past_exit
    return _rows(
        rows.filter(before | after | past),
        Rule.RECORD_OUTSIDE_TRACK,
        kind,
        day=F("start"),
        end_day=F("end"),
        limit=Case(
            When(before, then=F("citizen__phase1_start")),
            When(after, then=F("left_on")),
            default=F("next_exit"),
        ),
    )


def record_outside_track(citizens: QuerySet[Citizen], today: date) -> list[QuerySet]:
    """Placements, pauses and courses outside the track; a paid placement (the job the
    citizen leaves into) may start after and run past the exit, not begin before phase 1."""
    paid = Q(kind__in=sorted(PAID_PLACEMENT_KINDS))
    return [
        _spans_outside(
            _scope(Placement.objects.all(), citizens, "citizen"),
            RecordKind.PLACEMENT,
            may_run_past_exit=paid,
        ),
        _spans_outside(_scope(Pause.objects.all(), citizens, "citizen"), RecordKind.PAUSE),
        _spans_outside(
            _scope(CompetenceCourse.objects.all(), citizens, "citizen"), RecordKind.COURSE
        ),
    ]


def followup_before_exit(citizens: QuerySet[Citizen], today: date) -> list[QuerySet]:
    rows = _scope(FollowUp.objects.all(), citizens, "exit__citizen").filter(
        followed_up_on__lte=F("exit__exit_date")
    )
    return [
        _rows(
            rows,
            Rule.FOLLOWUP_BEFORE_EXIT,
            RecordKind.FOLLOW_UP,
            citizen="exit__citizen_id",
            day=F("followed_up_on"),
            limit=F("exit__exit_date"),
        )
    ]


RULE_QUERIES: dict[str, RuleQuery] = {
    Rule.PHASE1_WITHOUT_VISITATION: phase1_without_visitation,
    Rule.PHASE1_BEFORE_VISITATION: phase1_before_visitation,
    Rule.PHASE_ORDER: phase_order,
    Rule.DATE_IN_FUTURE: date_in_future,
    Rule.EXIT_BEFORE_START: exit_before_start,
    Rule.HOURS_OUTSIDE_TRACK: hours_outside_track,
    Rule.HOURS_IN_FUTURE: hours_in_future,
    Rule.HOURS_IN_PAUSE: hours_in_pause,
    Rule.RECORD_OUTSIDE_TRACK: record_outside_track,
    Rule.FOLLOWUP_BEFORE_EXIT: followup_before_exit,
}


def shown_rows(rows: Iterable[dict], *, show_name: bool) -> list[tuple[Finding, str]]:
    """Findings with the citizen as the user may see them: the name (read in one query),
    else the pseudonym."""
    found = [Finding.from_row(row) for row in rows]
    names: dict[int, str] = {}
    if show_name:
        ids = {f.citizen_id for f in found}
        people = Citizen.objects.filter(pk__in=ids).only("first_name", "last_name")
        names = {person.pk: person.full_name for person in people}
    return [(f, names.get(f.citizen_id) or Citizen(pk=f.citizen_id).pseudonym) for f in found]


# --- All rules together --------------------------------------------------------------------


def findings(
    citizens: QuerySet[Citizen], today: date, rules: Iterable[str] | None = None
) -> QuerySet:
    """Every finding for the citizens (one UNION ALL of the rules' queries, or of `rules`),
    as dicts of FINDING_COLUMNS ordered by citizen, rule and date; slice it to page it."""
    chosen = list(RULE_QUERIES) if rules is None else [Rule(r) for r in rules]
    parts = [part for rule in chosen for part in RULE_QUERIES[rule](citizens, today)]
    first, *rest = parts
    if citizens.query.is_empty():
        return first.none()
    combined = first.union(*rest, all=True) if rest else first
    return combined.order_by("citizen_ref", "rule", "day", "record", "record_ref")


def counts_by_rule(
    citizens: QuerySet[Citizen], today: date, rules: Iterable[str] | None = None
) -> dict[str, int]:
    """The number of findings per rule (every rule named, zero included), counted by the
    database in one query."""
    found: dict[str, int] = {}
    if not citizens.query.is_empty():
        combined = findings(citizens, today, rules).order_by()
        sql, params = combined.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT found.rule, COUNT(*) FROM ({sql}) AS found GROUP BY found.rule",  # noqa: S608 - compiled by the ORM, values bound as parameters
                params,
            )
            found = dict(cursor.fetchall())
    chosen = Rule.values if rules is None else [Rule(r).value for r in rules]
    return {rule: found.get(rule, 0) for rule in chosen}
