"""Scoped, annotated reads of citizens and their track: the list, the citizen page, the
timeline, visitations, re-visitation and follow-ups. Each runs a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from accelerator.models import CompanyRole
from participants import cpr as cpr_lib
from participants import names
from participants.common import week_monday
from participants.hours.models import HoursEntry
from participants.placements.models import PAID_PLACEMENT_KINDS, Placement
from partnerships.models import ClusterMembership
from siv import figures
from siv.access import get_for_user_or_404
from siv.models import AuditAction, AuditEntry
from siv.permissions import PROGRAMME_MANAGERS, has_perm
from siv.roles import MUNICIPAL_ROLES

from .models import (
    ASSESSMENT_DIMENSIONS,
    REVISITATION_DEADLINE_DAYS,
    VISITATION_DEADLINE_DAYS,
    CaseNote,
    Citizen,
    CompetenceCourse,
    ExitForm,
    FollowUp,
    FollowUpKind,
    Phase,
    Screening,
    Visitation,
    VisitationStatus,
    revisitation_exists,
)
from .rules import LEFT, Action, Track, track_prefetch
from .services import CITIZEN_EDIT_FIELDS, CORRECTION_EXIT_FIELDS, CORRECTION_PHASE_FIELDS

# The fields a correction after the exit changes, as the timeline names them.
CORRECTION_LABELS = {
    **{name: ExitForm._meta.get_field(name).verbose_name for name in CORRECTION_EXIT_FIELDS},
    **{name: Citizen._meta.get_field(name).verbose_name for name in CORRECTION_PHASE_FIELDS},
}

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
    `hours_this_week` (Decimal), `revisitation_from` (the date of an early exit whose
    place waits for an accepted re-visitation), `revisitation_overdue`; and `exit_date`,
    `reentered` (with_last_exit()).
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
    open_early_exit = (
        ExitForm.objects.places_open(today).filter(citizen=OuterRef("pk")).order_by("-exit_date")
    )
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


def with_citizen_places(
    memberships: QuerySet[ClusterMembership], *, as_of: date
) -> QuerySet[ClusterMembership]:
    """Annotate each membership's citizen places, as of a day, in the same query.

    A membership's slots are accelerator company slots; each carries `places_per_slot`
    citizen places. `citizen_places` = slots × places per slot; `active_citizens` = the
    citizens of the membership's municipality and cluster in the track (an accepted
    visitation by the day, and no exit in force); `open_places` = citizen places − active
    citizens, never below 0.
    """
    in_track = (
        Citizen.objects.filter(
            municipality_id=OuterRef("municipality_id"), cluster_id=OuterRef("cluster_id")
        )
        .visited(end=as_of)
        .left_as_of(as_of, left=False)
        .order_by()
        .values("municipality_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return memberships.annotate(
        citizen_places=ExpressionWrapper(
            F("slots") * F("places_per_slot"), output_field=IntegerField()
        ),
        active_citizens=Coalesce(Subquery(in_track, output_field=IntegerField()), Value(0)),
        open_places=Greatest(F("citizen_places") - F("active_citizens"), Value(0)),
    )


def own_citizen_places(*, user: Any, as_of: date | None = None) -> list[ClusterMembership]:
    """The memberships of the user's own municipality with their citizen places taken and
    open (one query), for a caseworker choosing whom to propose; none for a user without a
    municipality."""
    if not user.municipality_id:
        return []
    memberships = ClusterMembership.objects.filter(
        municipality_id=user.municipality_id
    ).select_related("cluster", "municipality")
    return list(
        with_citizen_places(memberships, as_of=as_of or timezone.localdate()).order_by(
            "cluster__number"
        )
    )


@dataclass
class SlotRow:
    membership: ClusterMembership
    # Company slots, and the citizen places they carry (slots × places per slot).
    slots: int
    places: int
    active: int
    open_places: int
    # The early exits awaiting a re-visitation: the most urgent first, at most the page's
    # number of them (`waiting` and `overdue` count them all).
    waiting_exits: list[ExitForm]
    waiting: int
    overdue: int
    today: date

    @property
    def overdue_exits(self) -> list[ExitForm]:
        return [e for e in self.waiting_exits if e.place_overdue]

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


class DaysBetween(Func):
    """Whole days from an earlier date to a later one (in PostgreSQL, date - date is an
    integer)."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()

    def __init__(self, later: Any, earlier: Any) -> None:
        super().__init__(later, earlier)


def revisitation_proposals(today: date) -> QuerySet[Visitation]:
    """Proposals for an exit's place, the first first, each with the jobcentre's search
    time (`search_days`: exit → proposal) and the decision time (`decision_days`: proposal
    → decision, or the days it has waited so far while undecided)."""
    decided_on = Coalesce(TruncDate("reviewed_at"), Value(today, output_field=DateField()))
    return (
        Visitation.objects.filter(replaces_exit__isnull=False)
        .annotate(
            search_days=DaysBetween("proposed_on", "replaces_exit__exit_date"),
            decision_days=DaysBetween(decided_on, "proposed_on"),
        )
        .order_by("proposed_on", "pk")
    )


def with_place_figures(exits: QuerySet[ExitForm], today: date) -> QuerySet[ExitForm]:
    """Early exits with their place's clock, which runs from the exit date: `days_open`,
    `place_overdue` (open past the 4-week deadline, ExitForm.revisitation_deadline),
    `proposal_pending`, and `proposals` (revisitation_proposals(), one query for all)."""
    return exits.annotate(
        days_open=DaysBetween(Value(today, output_field=DateField()), "exit_date"),
        place_overdue=Q(exit_date__lt=today - timedelta(days=REVISITATION_DEADLINE_DAYS)),
        proposal_pending=revisitation_exists(VisitationStatus.PROPOSED),
    ).prefetch_related(
        Prefetch("revisitations", queryset=revisitation_proposals(today), to_attr="proposals")
    )


# The early exits shown per slot on the overview of several municipalities.
REVISITATION_ROWS = 3

# The citizen's fields the overview reads: the slot, and what citizen_identity shows the
# user (the name, the birth date of the masked CPR number; the pseudonym is the id). The
# other encrypted fields, and those the user does not see, are neither read nor decrypted.
_SLOT_FIELDS = ("citizen__municipality", "citizen__cluster")
_NAME_FIELDS = ("citizen__first_name", "citizen__last_name")
_MASKED_CPR_FIELDS = ("citizen__birth_date",)


def _shown_citizen_fields(visibility: Visibility | None) -> tuple[str, ...]:
    """The citizen's fields citizen_identity reads for `visibility` (all with None)."""
    return (
        *_SLOT_FIELDS,
        *(_NAME_FIELDS if visibility is None or visibility.show_name else ()),
        *(_MASKED_CPR_FIELDS if visibility is None or visibility.show_masked_cpr else ()),
    )


@dataclass(frozen=True)
class SlotFigures:
    """A slot's (municipality, cluster) figures as of a day: the citizens in the track, the
    early exits whose place waits for a re-visitation (ids, the oldest first) and how many
    of them are past the deadline."""

    active: int = 0
    waiting: tuple[int, ...] = ()
    overdue: int = 0


def slot_figures(today: date) -> dict[tuple[int, int], SlotFigures]:
    """count_slot_figures(), kept until a write changes what they count (siv.figures:
    citizens, visitations and exits are tracked)."""
    return figures.cached(
        "participants.slot_figures", {"as_of": today}, lambda: count_slot_figures(today)
    )


def count_slot_figures(today: date) -> dict[tuple[int, int], SlotFigures]:
    """Every slot's figures (SlotFigures), by (municipality id, cluster id), counted in two
    set-based queries over the whole programme."""
    active = (
        Citizen.objects.visited(end=today)
        .left_as_of(today, left=False)
        .order_by()
        .values_list("municipality_id", "cluster_id")
        .annotate(n=Count("pk"))
    )
    waiting: dict[tuple[int, int], list[int]] = defaultdict(list)
    overdue: dict[tuple[int, int], int] = defaultdict(int)
    overdue_before = today - timedelta(days=REVISITATION_DEADLINE_DAYS)
    exits = (
        ExitForm.objects.places_open(today)
        .order_by("exit_date", "pk")
        .values_list("pk", "citizen__municipality_id", "citizen__cluster_id", "exit_date")
    )
    for pk, municipality_id, cluster_id, exit_date in exits:
        waiting[(municipality_id, cluster_id)].append(pk)
        overdue[(municipality_id, cluster_id)] += exit_date < overdue_before
    counted = {(m, c): SlotFigures(active=n) for m, c, n in active}
    for slot, ids in waiting.items():
        counted[slot] = SlotFigures(
            active=counted.get(slot, SlotFigures()).active,
            waiting=tuple(ids),
            overdue=overdue[slot],
        )
    return counted


def revisitation_memberships(
    *, user: Any, municipality_id: int | None = None
) -> list[ClusterMembership]:
    """The municipality memberships the re-visitation overview shows the user, in its order
    (municipality, then cluster): every one the user sees, or one municipality's."""
    memberships = _memberships_for(user)
    if municipality_id is not None:
        memberships = memberships.filter(municipality_id=municipality_id)
    return list(memberships.order_by("municipality__name", "cluster__number"))


def exits_per_slot(memberships: list[ClusterMembership], per_slot: int | None) -> int | None:
    """How many exits each slot shows: `per_slot` over several municipalities; every exit
    (None) when the memberships are one municipality's own list, as its caseworkers need."""
    return per_slot if len({m.municipality_id for m in memberships}) > 1 else None


def revisitation_overview(
    *,
    user: Any,
    as_of: date | None = None,
    municipality_id: int | None = None,
    per_slot: int | None = None,
    memberships: list[ClusterMembership] | None = None,
    visibility: Visibility | None = None,
) -> list[SlotRow]:
    """Slots per municipality membership: taken, open, and early exits awaiting re-visitation,
    of every municipality the user sees or of one. Over several municipalities each slot
    shows its `per_slot` most urgent exits (all with None); one municipality shows all.

    Each exit shown carries its place's figures and proposals (with_place_figures()).

    `memberships` (a page of revisitation_memberships()) shows those alone, with `per_slot`
    as given; without it every membership is shown. With `visibility` only what that user
    sees of each citizen is read (citizen_identity); without it, all it may show.

    Four queries, whatever the number of citizens and exits: the memberships, the slots'
    figures (slot_figures(), kept between writes), the exits shown (by id, with only the
    citizen's fields shown decrypted), and the proposals made for them.
    """
    today = as_of or timezone.localdate()
    if memberships is None:
        memberships = revisitation_memberships(user=user, municipality_id=municipality_id)
        per_slot = exits_per_slot(memberships, per_slot)
    counted = slot_figures(today)
    slots = {
        (m.municipality_id, m.cluster_id): counted.get(
            (m.municipality_id, m.cluster_id), SlotFigures()
        )
        for m in memberships
    }
    shown_ids = [pk for slot in slots.values() for pk in slot.waiting[:per_slot]]
    exit_fields = [f.name for f in ExitForm._meta.concrete_fields]
    shown = (
        with_place_figures(ExitForm.objects.filter(pk__in=shown_ids), today)
        .select_related("citizen")
        .only(*exit_fields, *_shown_citizen_fields(visibility))
        .order_by("exit_date", "pk")
    )
    by_slot: dict[tuple[int, int], list[ExitForm]] = defaultdict(list)
    for exit_form in shown:
        by_slot[(exit_form.citizen.municipality_id, exit_form.citizen.cluster_id)].append(exit_form)
    rows = []
    for m in memberships:
        key = (m.municipality_id, m.cluster_id)
        places = m.slots * m.places_per_slot
        rows.append(
            SlotRow(
                membership=m,
                slots=m.slots,
                places=places,
                active=slots[key].active,
                open_places=max(places - slots[key].active, 0),
                waiting_exits=by_slot.get(key, []),
                waiting=len(slots[key].waiting),
                overdue=slots[key].overdue,
                today=today,
            )
        )
    return rows


# --- What a role sees of a citizen ---------------------------------------------------------


@dataclass(frozen=True)
class Visibility:
    show_name: bool
    show_masked_cpr: bool
    can_reveal_cpr: bool
    sensitive_notes: bool

    def label(self, citizen: Citizen) -> str:
        return citizen.full_name if self.show_name else citizen.pseudonym

    @property
    def personal(self) -> bool:
        """Whether a citizen is shown by name or (masked) CPR number rather than only by
        pseudonym: such a page is personal data shown, and is logged."""
        return self.show_name or self.show_masked_cpr


def visibility_for(user: Any) -> Visibility:
    return Visibility(
        show_name=has_perm(user, "citizens.name"),
        show_masked_cpr=has_perm(user, "citizens.cpr_masked"),
        can_reveal_cpr=has_perm(user, "citizens.cpr_reveal"),
        sensitive_notes=has_perm(user, "citizens.sensitive_notes"),
    )


# Who a citizen is assigned to is the municipality's decision: an employment actor edits the
# citizen's data but cannot hand the citizen to another actor or caseworker.
ASSIGNMENT_FIELDS = ("employment_actor", "caseworker")


def citizen_edit_fields(user: Any) -> tuple[str, ...]:
    """The citizen fields a role may change on the edit screen (never the CPR number)."""
    if has_perm(user, "citizens.assign"):
        return CITIZEN_EDIT_FIELDS
    return tuple(f for f in CITIZEN_EDIT_FIELDS if f not in ASSIGNMENT_FIELDS)


# --- Citizen list search ---


def citizen_search(queryset: QuerySet[Citizen], *, text: str, visibility: Visibility):
    """Search by CPR (keyed hash, never a LIKE), by name, or by pseudonym."""
    text = text.strip()
    try:
        parsed = cpr_lib.parse(text)
    except Exception:  # noqa: BLE001 - anything that is not a CPR number is a name
        parsed = None
    if parsed is not None:
        if not visibility.show_masked_cpr:
            return queryset.none()
        return queryset.filter(cpr_hash__in=cpr_lib.keyed_hashes(parsed.digits))
    if text.upper().startswith("D-") and text[2:].isdigit():
        return queryset.filter(pk=int(text[2:]))
    if not visibility.show_name:
        return queryset.none()
    # Names are encrypted: each word is found by its keyed hash (participants/names.py).
    query = Q()
    for word in names.words(text):
        query &= Q(name_hashes__overlap=names.word_hashes(word))
    return queryset.filter(query)


def citizen_page(*, user: Any, pk: int) -> Citizen:
    """The citizen with what the summary and the chart need prefetched."""
    return get_for_user_or_404(
        Citizen.objects.select_related(
            "municipality", "cluster", "employment_actor", "partnership", "caseworker"
        ).prefetch_related(
            *track_prefetch(
                visitations=Visitation.objects.order_by("proposed_on", "pk"),
                exits=ExitForm.objects.select_related("employer_company").annotate(
                    place_filled=revisitation_exists(VisitationStatus.ACCEPTED)
                ),
            ),
            "assessments",
        ),
        user,
        pk=pk,
    )


PHASE_START_ACTIONS = frozenset({Action.START_PHASE1, Action.START_PHASE2, Action.START_PHASE3})


# After the exit the track is read-only but for a correction with a reason (its own form).
CORRECT = "correct"


def offered_actions(track: Track) -> frozenset[str]:
    """The track's buttons the citizen page shows now: the allowed actions, the three phase
    starts as one ("phase"), and the correction once the citizen has left."""
    allowed = set(track.allowed)
    if allowed & PHASE_START_ACTIONS:
        allowed.add("phase")
    if track.state in LEFT:
        allowed.add(CORRECT)
    return frozenset(allowed - PHASE_START_ACTIONS)


def track_summary(citizen: Citizen, as_of: date | None = None) -> dict:
    """Counted weeks, planned ends (moved by pauses), days waited, re-visitation deadline."""
    today = as_of or timezone.localdate()
    visitations = list(citizen.visitations.all())
    last_exit = citizen.last_exit()
    track = Track.of(citizen, today)
    phases = []
    for phase in (Phase.TRAINING, Phase.PLACEMENT, Phase.EMPLOYMENT):
        start = getattr(citizen, f"phase{int(phase)}_start")
        phases.append(
            {
                "phase": phase,
                "start": start,
                "weeks": citizen.counted_weeks(int(phase), today) if start else None,
                "planned_end": citizen.planned_end(int(phase)) if phase < 3 else None,
            }
        )
    return {
        "phase": citizen.current_phase(today),
        "phases": phases,
        "visitation": visitations[-1] if visitations else None,
        "last_exit": last_exit,
        "revisitation_deadline": _open_place_deadline(last_exit),
        "track": track,
        "state": track.state,
        "is_active": track.state not in LEFT,
    }


def _open_place_deadline(exit_form: ExitForm | None) -> date | None:
    """The re-visitation deadline of an early exit while its place is open (citizen_page()
    tells whether it was filled)."""
    if exit_form is None or not exit_form.early:
        return None
    filled = getattr(exit_form, "place_filled", None)
    if filled is None:
        filled = exit_form.revisitations.filter(status=VisitationStatus.ACCEPTED).exists()
    return None if filled else exit_form.revisitation_deadline


# --- Progression chart (server-side SVG) ---------------------------------------------------

CHART_W, CHART_H, CHART_PAD = 560, 220, 40


CHART_COLOURS = ("#0b4f6c", "#f2a541", "#2a9d8f", "#9b2226", "#6c757d")


def assessment_chart(assessments: list) -> dict | None:
    """Polylines for each dimension (score 1–5 over time); None below one assessment."""
    if not assessments:
        return None
    days = [a.assessed_on for a in assessments]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    inner_w, inner_h = CHART_W - 2 * CHART_PAD, CHART_H - 2 * CHART_PAD

    # Coordinates are strings: a localised template would write "12,5" into the SVG.
    def x(day: date) -> str:
        if first == last:
            return f"{CHART_PAD + inner_w / 2:.1f}"
        return f"{CHART_PAD + inner_w * (day - first).days / span:.1f}"

    def y(score: int) -> str:
        return f"{CHART_PAD + inner_h * (5 - score) / 4:.1f}"

    series = []
    for (name, label), colour in zip(ASSESSMENT_DIMENSIONS, CHART_COLOURS, strict=True):
        points = [(x(a.assessed_on), y(getattr(a, name))) for a in assessments]
        series.append(
            {
                "label": label,
                "colour": colour,
                "points": " ".join(f"{px},{py}" for px, py in points),
                "dots": points,
            }
        )
    return {
        "width": CHART_W,
        "height": CHART_H,
        "series": series,
        "grid": [{"score": s, "y": y(s)} for s in range(1, 6)],
        "x_left": str(CHART_PAD),
        "x_label": str(CHART_PAD - 8),
        "x_right": str(CHART_W - CHART_PAD),
        "first": first,
        "last": last,
        "rows": [
            {"day": a.assessed_on, "scores": [getattr(a, n) for n, _l in ASSESSMENT_DIMENSIONS]}
            for a in assessments
        ],
        "dimensions": [label for _n, label in ASSESSMENT_DIMENSIONS],
    }


# --- Visitations and re-visitation ---------------------------------------------------------


def visitations_for(*, user: Any, status: str = "") -> QuerySet[Visitation]:
    qs = (
        Visitation.objects.for_user(user)
        .select_related("citizen__municipality", "citizen__employment_actor", "partnership")
        .order_by("status", "proposed_on", "pk")
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def overdue_visitations(*, user: Any) -> QuerySet[Citizen]:
    """Citizens whose visitation has waited more than 4 weeks for a decision."""
    return (
        citizen_list(user=user, show=["days_waited"])
        .filter(visitation_overdue=True)
        .order_by("pending_since", "pk")
    )


def revisitations_due(*, user: Any, as_of: date | None = None) -> QuerySet[ExitForm]:
    """The user's early exits whose place still waits for an accepted re-visitation, the
    oldest first, with their place's figures and proposals (with_place_figures())."""
    today = as_of or timezone.localdate()
    return with_place_figures(
        ExitForm.objects.for_user(user).places_open(today).select_related("citizen"), today
    ).order_by("exit_date", "pk")


def follow_ups_due(*, user: Any, as_of: date | None = None) -> list[dict]:
    """Exits whose 6-month or 2-year follow-up is due (within 14 days) and not registered."""
    today = as_of or timezone.localdate()
    horizon = today + timedelta(days=14)
    due = []
    for kind, offset in (
        (FollowUpKind.SIX_MONTHS, relativedelta(months=6)),
        (FollowUpKind.TWO_YEARS, relativedelta(years=2)),
    ):
        done = FollowUp.objects.filter(exit=OuterRef("pk"), kind=kind)
        rows = (
            ExitForm.objects.for_user(user)
            .filter(exit_date__lte=horizon - offset)
            .exclude(Exists(done))
            .select_related("citizen")
            .order_by("exit_date")[:20]
        )
        due.extend({"exit": e, "kind": kind, "due": e.exit_date + offset} for e in rows)
    return sorted(due, key=lambda row: row["due"])


def timeline_for_page(
    *, citizen: Citizen, user: Any, months: list[dict], placements: list[Placement]
) -> list[dict]:
    """citizen_timeline() with hours per month and placement steps, from
    the months and the placements (placements_for_page) the page has already read."""
    events = [
        {"day": e.day, "kind": e.kind, "title": e.title, "obj": e.obj}
        for e in citizen_timeline(citizen=citizen, user=user, placements=placements)
    ]
    events.extend(
        {"day": m["month"], "kind": "hours", "title": _("Timer i måneden"), "obj": m}
        for m in months
    )
    events.extend(correction_events(citizen))
    for event in events:
        if event["kind"] == "placement":
            event["steps"] = event["obj"].hour_steps
    return sorted(events, key=lambda e: e["day"], reverse=True)


def correction_events(citizen: Citizen) -> list[dict]:
    """The corrections after the exit (services.track_correct), from their audit rows: the
    day, who, the reason and the fields changed (one query; a correction of both the citizen
    and the exit is one event)."""
    exit_ids = [str(e.pk) for e in citizen.exits.all()]
    types = ContentType.objects.get_for_models(Citizen, ExitForm, for_concrete_models=True)
    rows = (
        AuditEntry.objects.filter(
            Q(content_type=types[Citizen], object_id=str(citizen.pk))
            | Q(content_type=types[ExitForm], object_id__in=exit_ids),
            action=AuditAction.CHANGE,
            details__has_key="correction",
        )
        .order_by("at", "pk")
        .values("at", "actor_username", "details")
    )
    rows = list(rows)
    # The reason is the case note the correction wrote (the audit row holds its id).
    reasons = dict(
        CaseNote.objects.filter(
            citizen=citizen,
            pk__in=[
                r["details"]["correction"]
                for r in rows
                if isinstance(r["details"].get("correction"), int)
            ],
        ).values_list("pk", "text")
    )
    corrections: dict[str, dict] = {}
    for row in rows:
        details = row["details"]
        key = details.get("correction_id") or f"{row['at']}"
        event = corrections.setdefault(
            key,
            {
                "day": timezone.localdate(row["at"]),
                "kind": "correction",
                "title": _("Rettelse efter ophør"),
                "obj": {
                    "by": row["actor_username"],
                    "reason": reasons.get(details.get("correction"), ""),
                    "fields": [],
                    "reported": details.get("reported", []),
                },
            },
        )
        event["obj"]["fields"].extend(
            str(CORRECTION_LABELS.get(name, name)) for name in details.get("fields", ())
        )
    return list(corrections.values())


def exit_form_initial(citizen: Citizen, as_of: date | None = None) -> dict[str, Any]:
    """What the exit form starts with: the partner company of the citizen's running paid
    placement (the job the citizen most likely leaves into), if there is one."""
    day = as_of or timezone.localdate()
    paid = (
        Placement.objects.filter(
            citizen=citizen,
            kind__in=PAID_PLACEMENT_KINDS,
            company__role=CompanyRole.ACCELERATOR,
            start__lte=day,
        )
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .order_by("-start", "-pk")
        .values_list("company_id", flat=True)
        .first()
    )
    return {"employer_company": paid} if paid else {}


# --- Worklists ------------------------------------------------------------------------------


def not_screened(citizens: QuerySet[Citizen], *, as_of: date | None = None) -> QuerySet[Citizen]:
    """Of `citizens`, those in the track (an accepted visitation, no exit in force) without a
    screening, the longest waiting first: screening belongs right at the start. `screening_due`
    is phase 1's start, or the visitation's date before phase 1 has started."""
    today = as_of or timezone.localdate()
    accepted = (
        Visitation.objects.filter(
            citizen=OuterRef("pk"), status=VisitationStatus.ACCEPTED, proposed_on__lte=today
        )
        .order_by("proposed_on")
        .values("proposed_on")[:1]
    )
    return (
        citizens.visited(end=today)
        .left_as_of(today, left=False)
        .exclude(Exists(Screening.objects.filter(citizen=OuterRef("pk"))))
        .annotate(screening_due=Coalesce("phase1_start", Subquery(accepted)))
        .order_by("screening_due", "pk")
    )
