"""Scoped, annotated reads for the participants screens. Each runs a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships.models import ClusterMembership
from siv.permissions import PROGRAMME_MANAGERS
from siv.roles import MUNICIPAL_ROLES

from .models import (
    REVISITATION_DEADLINE_DAYS,
    VISITATION_DEADLINE_DAYS,
    CaseNote,
    Citizen,
    CompetenceCourse,
    ExitForm,
    FollowUp,
    HoursEntry,
    HoursKind,
    Phase,
    Placement,
    Screening,
    Visitation,
    VisitationStatus,
    iso_week_label,
    week_monday,
)
from .services import hours_week_errors

# What citizen_list() computes only where a filter, an ordering or `show` asks for it.
CITIZEN_LIST_EXTRAS = (
    "pending_since",
    "days_waited",
    "hours_this_week",
    "revisitation_from",
    "revisitation_overdue",
)


def citizen_list(
    *, user: Any, as_of: date | None = None, show: Iterable[str] = ()
) -> QuerySet[Citizen]:
    """The user's citizens as the list shows them: `phase` (Phase value; exited citizens keep
    their last phase), `is_active` and `visitation_overdue`, with municipality, cluster and
    employment actor. One query, whatever the number of citizens.

    Also known to the query, for filters and orderings, and selected when named in `show`:
    `pending_since` (date of a visitation awaiting review), `days_waited` (timedelta),
    `hours_this_week` (Decimal), `revisitation_from` (an early exit awaiting its
    re-visitation), `revisitation_overdue`; and `exit_date`, `reentered` (with_last_exit()).
    The database computes each only where it is used: the list's page of 50 rows costs
    three lookups per row, not a dozen.
    """
    unknown = set(show) - set(CITIZEN_LIST_EXTRAS)
    if unknown:
        raise ValueError(f"citizen_list() cannot show {sorted(unknown)}")
    today = as_of or timezone.localdate()
    monday = week_monday(today)
    pending = Visitation.objects.filter(
        citizen=OuterRef("pk"), status=VisitationStatus.PROPOSED
    ).order_by("proposed_on")
    week_hours = (
        HoursEntry.objects.filter(citizen=OuterRef("pk"), week_start=monday)
        .values("citizen")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    open_early_exit = ExitForm.objects.filter(
        citizen=OuterRef("pk"), early=True, revisitation__isnull=True, exit_date__lte=today
    ).order_by("-exit_date")
    citizens = (
        Citizen.objects.for_user(user)
        .with_last_exit(today, select=False)
        .select_related("municipality", "cluster", "employment_actor")
        .alias(
            # Scalar subqueries (first row), which PostgreSQL evaluates per row shown; an
            # EXISTS here would be planned as a hashed scan of the whole table.
            pending_since=Subquery(pending.values("proposed_on")[:1]),
            hours_this_week=Coalesce(
                Subquery(week_hours),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=6, decimal_places=2),
            ),
            revisitation_from=Subquery(open_early_exit.values("exit_date")[:1]),
        )
        .alias(
            days_waited=ExpressionWrapper(
                Value(today, output_field=DateField()) - F("pending_since"),
                output_field=DurationField(),
            ),
            revisitation_overdue=Case(
                When(
                    revisitation_from__lt=today - timedelta(days=REVISITATION_DEADLINE_DAYS),
                    then=Value(True),
                ),
                default=Value(False),
            ),
        )
        .annotate(
            phase=Case(
                When(phase3_start__lte=today, then=Value(Phase.EMPLOYMENT)),
                When(phase2_start__lte=today, then=Value(Phase.PLACEMENT)),
                When(phase1_start__lte=today, then=Value(Phase.TRAINING)),
                default=Value(Phase.VISITED),
                output_field=IntegerField(),
            ),
            is_active=Case(
                When(Citizen.objects.left_q(), then=Value(False)),
                default=Value(True),
            ),
            visitation_overdue=Case(
                When(
                    pending_since__lt=today - timedelta(days=VISITATION_DEADLINE_DAYS),
                    then=Value(True),
                ),
                default=Value(False),
            ),
        )
    )
    return citizens.annotate(**{name: F(name) for name in show}) if show else citizens


@dataclass(frozen=True)
class TimelineEvent:
    day: date
    kind: str
    title: str
    obj: Any = None


def citizen_timeline(
    *, citizen: Citizen, user: Any, placements: list[Placement] | None = None
) -> list[TimelineEvent]:
    """Every event of a citizen's track, newest first (one query per kind of record, none
    for the kinds the caller has prefetched on the citizen, nor for the placements when the
    caller has read them)."""
    events: list[TimelineEvent] = []
    for phase, start in (
        (1, citizen.phase1_start),
        (2, citizen.phase2_start),
        (3, citizen.phase3_start),
    ):
        if start:
            events.append(TimelineEvent(start, "phase", Phase(phase).label))
    for v in citizen.visitations.all():
        events.append(TimelineEvent(v.proposed_on, "visitation", _("Visitation foreslået"), v))
        if v.reviewed_at:
            title = (
                _("Visitation godkendt")
                if v.status == VisitationStatus.ACCEPTED
                else _("Visitation afvist")
            )
            events.append(TimelineEvent(timezone.localdate(v.reviewed_at), "visitation", title, v))
        if v.match_meeting_date:
            events.append(TimelineEvent(v.match_meeting_date, "match", _("Matchmøde"), v))
    for s in Screening.objects.filter(citizen=citizen):
        events.append(TimelineEvent(s.screened_on, "screening", _("Screening"), s))
    for a in citizen.assessments.all():
        events.append(TimelineEvent(a.assessed_on, "assessment", _("Progressionsvurdering"), a))
    for p in citizen.pauses.all():
        events.append(
            TimelineEvent(
                p.start, "pause", _("Pause: %(reason)s") % {"reason": p.get_reason_display()}, p
            )
        )
        if p.end:
            events.append(TimelineEvent(p.end, "pause", _("Pause slut"), p))
    if placements is None:
        placements = list(Placement.objects.filter(citizen=citizen).select_related("company"))
    for p in placements:
        events.append(
            TimelineEvent(p.start, "placement", f"{p.get_kind_display()}: {p.company}", p)
        )
        if p.end:
            events.append(
                TimelineEvent(
                    p.end, "placement", _("Placering slut: %(company)s") % {"company": p.company}, p
                )
            )
    for c in CompetenceCourse.objects.filter(citizen=citizen):
        events.append(TimelineEvent(c.start, "course", f"{c.get_kind_display()}: {c.title}", c))
    for e in citizen.exits.all():
        events.append(
            TimelineEvent(
                e.exit_date, "exit", _("Ophør: %(status)s") % {"status": e.get_status_display()}, e
            )
        )
    for f in FollowUp.objects.filter(exit__citizen=citizen):
        events.append(
            TimelineEvent(
                f.followed_up_on, "followup", f"{f.get_kind_display()}: {f.get_status_display()}", f
            )
        )
    for n in CaseNote.objects.for_user(user).filter(citizen=citizen):
        events.append(TimelineEvent(timezone.localdate(n.written_at), "note", _("Notat"), n))
    return sorted(events, key=lambda e: e.day, reverse=True)


@dataclass
class WeekGridRow:
    citizen: Citizen
    hours: dict[str, Decimal] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # why hours cannot be logged this week

    @property
    def total(self) -> Decimal:
        return sum(self.hours.values(), Decimal("0"))

    @property
    def editable(self) -> bool:
        return not self.errors


@dataclass
class WeekGrid:
    week_start: date
    kinds: list[tuple[str, str]]
    rows: list[WeekGridRow]
    page: Page | None = None  # the page of citizens shown, when the grid is paged

    @property
    def label(self) -> str:
        return iso_week_label(self.week_start)

    @property
    def totals(self) -> dict[str, Decimal]:
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for row in self.rows:
            for kind, hours in row.hours.items():
                sums[kind] += hours
        return dict(sums)


def actor_week_grid(
    *, user: Any, week: date, page: int | str | None = None, per_page: int | None = None
) -> WeekGrid:
    """The hours grid of one ISO week for the citizens the user may log hours for (2 queries),
    or one page of them in name order when `per_page` is given (3 queries)."""
    monday = week_monday(week)
    sunday = monday + timedelta(days=6)
    in_week = (
        Citizen.objects.for_user(user, write=True)
        .filter(phase1_start__lte=sunday)
        # Not gone before the week: an anti-join, however many citizens the actor has.
        .exclude(
            Exists(
                ExitForm.objects.last_as_of(sunday).filter(
                    citizen=OuterRef("pk"), exit_date__lt=monday
                )
            )
        )
        # The exit that counts, looked up for the rows shown only (the count leaves it out).
        .with_last_exit(sunday, select=False)
        .annotate(exit_date=F("exit_date"), reentered=F("reentered"))
        .order_by("last_name", "first_name", "pk")
    )
    shown = None
    if per_page is None:
        citizens = list(in_week)
    else:
        shown = Paginator(in_week, per_page).get_page(page)
        citizens = list(shown.object_list)
    entries = HoursEntry.objects.filter(citizen__in=[c.pk for c in citizens], week_start=monday)
    by_citizen: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for entry in entries:
        by_citizen[entry.citizen_id][entry.kind] = entry.hours
    rows = [
        WeekGridRow(
            citizen=c,
            hours=by_citizen.get(c.pk, {}),
            errors=hours_week_errors(
                week=monday,
                phase1_start=c.phase1_start,
                last_exit=None if c.reentered else c.exit_date,
            ),
        )
        for c in citizens
    ]
    return WeekGrid(week_start=monday, kinds=list(HoursKind.choices), rows=rows, page=shown)


@dataclass
class SlotRow:
    membership: ClusterMembership
    slots: int
    active: int
    # The early exits awaiting a re-visitation: the most urgent first, at most the page's
    # number of them (`waiting` and `overdue` count them all).
    waiting_exits: list[ExitForm]
    waiting: int
    overdue: int
    today: date

    @property
    def open_slots(self) -> int:
        return max(0, self.slots - self.active)

    @property
    def overdue_exits(self) -> list[ExitForm]:
        return [e for e in self.waiting_exits if e.revisitation_deadline < self.today]

    @property
    def more(self) -> int:
        """Waiting exits not shown."""
        return self.waiting - len(self.waiting_exits)


def _memberships_for(user: Any) -> QuerySet[ClusterMembership]:
    memberships = ClusterMembership.objects.select_related("cluster", "municipality")
    if user.role in PROGRAMME_MANAGERS:
        return memberships
    if user.role in MUNICIPAL_ROLES:
        return memberships.filter(municipality_id=user.municipality_id)
    return memberships.none()


# The early exits shown per slot on the overview of several municipalities.
REVISITATION_ROWS = 3


def revisitation_overview(
    *,
    user: Any,
    as_of: date | None = None,
    municipality_id: int | None = None,
    per_slot: int | None = None,
) -> list[SlotRow]:
    """Slots per municipality membership: taken, open, and early exits awaiting re-visitation,
    of every municipality the user sees or of one. Over several municipalities each slot
    shows its `per_slot` most urgent exits (all with None); one municipality shows all.

    Three queries, whatever the number of citizens and exits: the memberships, the active
    citizens per slot, and the exits shown with their slots' numbers of waiting and overdue.
    """
    today = as_of or timezone.localdate()
    memberships = _memberships_for(user)
    if municipality_id is not None:
        memberships = memberships.filter(municipality_id=municipality_id)
    memberships = list(memberships.order_by("municipality__name", "cluster__number"))
    municipalities = {m.municipality_id for m in memberships}
    if len(municipalities) <= 1:
        per_slot = None  # one municipality's own list: every exit, as its caseworkers need
    slot = ("municipality_id", "cluster_id")
    active = {
        (row["municipality_id"], row["cluster_id"]): row["n"]
        for row in Citizen.objects.filter(municipality__in=municipalities)
        .visited(end=today)
        .left_as_of(today, left=False)
        .values(*slot)
        .annotate(n=Count("pk"))
    }
    # The waiting exits, each with its slot's numbers of waiting and overdue exits, and its
    # place in the slot (the oldest first); over several municipalities only the first few.
    in_slot = [F("citizen__municipality_id"), F("citizen__cluster_id")]
    overdue_before = today - timedelta(days=REVISITATION_DEADLINE_DAYS)
    shown = (
        ExitForm.objects.filter(
            early=True,
            revisitation__isnull=True,
            exit_date__lte=today,
            citizen__municipality__in=municipalities,
        )
        .select_related("citizen")
        .annotate(
            slot_waiting=Window(Count("pk"), partition_by=in_slot),
            slot_overdue=Window(
                Count("pk", filter=Q(exit_date__lt=overdue_before)), partition_by=in_slot
            ),
            place=Window(
                RowNumber(), partition_by=in_slot, order_by=[F("exit_date").asc(), F("pk").asc()]
            ),
        )
        .order_by("exit_date", "pk")
    )
    if per_slot is not None:
        shown = shown.filter(place__lte=per_slot)
    by_slot: dict[tuple[int, int], list[ExitForm]] = defaultdict(list)
    for exit_form in shown:
        by_slot[(exit_form.citizen.municipality_id, exit_form.citizen.cluster_id)].append(exit_form)
    rows = []
    for m in memberships:
        key = (m.municipality_id, m.cluster_id)
        exits = by_slot.get(key, [])
        rows.append(
            SlotRow(
                membership=m,
                slots=m.slots,
                active=active.get(key, 0),
                waiting_exits=exits,
                waiting=exits[0].slot_waiting if exits else 0,
                overdue=exits[0].slot_overdue if exits else 0,
                today=today,
            )
        )
    return rows
