"""The citizen's track as guarded states, and the date rules every writer obeys.

A track moves proposed → accepted (or rejected) → phase 1 → phase 2 → phase 3 → exited →
followed up; a pause holds it inside a phase, and an accepted re-visitation after an exit
starts it again (the same participant: the phases stay those of the first entry). `Track`
reads where a citizen stands from their stored rows and answers two questions for the
services and the screens: may this action be taken now (`refusal`), and is this date
possible (`*_errors`). The screens offer an action only when `Track.allowed` holds it; the
services refuse it otherwise, with the same Danish message.

`Rule` names each date rule; the data-quality screen and `manage.py check_data` report
stored rows that break one by the same names.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participants.common import iso_week_label, week_monday


class Rule(models.TextChoices):
    """The rules a stored track must satisfy (DOMAIN.md, 'The citizen's track')."""

    PHASE1_WITHOUT_VISITATION = (
        "phase1_without_visitation",
        gettext_lazy("Fase 1 er startet uden en godkendt visitation"),
    )
    PHASE1_BEFORE_VISITATION = (
        "phase1_before_visitation",
        gettext_lazy("Fase 1 starter før den godkendte visitation"),
    )
    PHASE_ORDER = "phase_order", gettext_lazy("Faserne starter ikke i rækkefølge")
    DATE_IN_FUTURE = (
        "date_in_future",
        gettext_lazy("En fasestart eller et ophør ligger i fremtiden"),
    )
    EXIT_BEFORE_START = "exit_before_start", gettext_lazy("Ophøret ligger før forløbets start")
    HOURS_OUTSIDE_TRACK = (
        "hours_outside_track",
        gettext_lazy("Timer i en uge uden for forløbet (før start eller efter ophør)"),
    )
    HOURS_IN_FUTURE = "hours_in_future", gettext_lazy("Timer for en uge, der ikke er begyndt")
    HOURS_IN_PAUSE = "hours_in_pause", gettext_lazy("Timer i en uge, hvor forløbet holder pause")
    RECORD_OUTSIDE_TRACK = (
        "record_outside_track",
        gettext_lazy("Praktik, pause eller kompetenceløft uden for forløbet"),
    )
    FOLLOWUP_BEFORE_EXIT = (
        "followup_before_exit",
        gettext_lazy("Opfølgningen ligger før ophøret"),
    )


class State(models.TextChoices):
    NEW = "new", gettext_lazy("Ikke visiteret")
    PROPOSED = "proposed", gettext_lazy("Foreslået")
    REJECTED = "rejected", gettext_lazy("Afvist")
    ACCEPTED = "accepted", gettext_lazy("Visiteret")
    PHASE1 = "phase1", gettext_lazy("Fase 1")
    PHASE2 = "phase2", gettext_lazy("Fase 2")
    PHASE3 = "phase3", gettext_lazy("Fase 3")
    EXITED = "exited", gettext_lazy("Ophørt")
    FOLLOWED_UP = "followed_up", gettext_lazy("Fulgt op")


class Action(models.TextChoices):
    PROPOSE = "propose", gettext_lazy("Visitationsforslag")
    REVIEW = "review", gettext_lazy("Vurdering af visitation")
    START_PHASE1 = "phase1", gettext_lazy("Start fase 1")
    START_PHASE2 = "phase2", gettext_lazy("Start fase 2")
    START_PHASE3 = "phase3", gettext_lazy("Start fase 3")
    SCREENING = "screening", gettext_lazy("Screening")
    ASSESSMENT = "assessment", gettext_lazy("Progressionsvurdering")
    PAUSE = "pause", gettext_lazy("Pause")
    END_PAUSE = "end_pause", gettext_lazy("Afslut pause")
    PLACEMENT = "placement", gettext_lazy("Placering")
    COURSE = "course", gettext_lazy("Kompetenceløft")
    HOURS = "hours", gettext_lazy("Timer")
    EXIT = "exit", gettext_lazy("Slutskema")
    FOLLOW_UP = "followup", gettext_lazy("Opfølgning")
    NOTE = "note", gettext_lazy("Notat")


IN_PHASE = frozenset({State.PHASE1, State.PHASE2, State.PHASE3})
LEFT = frozenset({State.EXITED, State.FOLLOWED_UP})

# The states each action may be taken in. A note can always be written; what may change
# after the exit is only the follow-up (and a paid placement's retention, in placements, and
# a correction with a reason by the citizen's caseworker or actor: services.track_correct).
ALLOWED_IN: dict[str, frozenset[State]] = {
    Action.PROPOSE: frozenset({State.NEW, State.REJECTED, *LEFT}),
    # A phase starts from the phase before it; the current phase's start can be corrected.
    Action.START_PHASE1: frozenset({State.ACCEPTED, State.PHASE1}),
    Action.START_PHASE2: frozenset({State.PHASE1, State.PHASE2}),
    Action.START_PHASE3: IN_PHASE,
    Action.SCREENING: frozenset({State.ACCEPTED, *IN_PHASE}),
    Action.ASSESSMENT: frozenset({State.ACCEPTED, *IN_PHASE}),
    Action.PAUSE: IN_PHASE,
    Action.END_PAUSE: IN_PHASE,
    Action.PLACEMENT: IN_PHASE,
    Action.COURSE: IN_PHASE,
    Action.HOURS: IN_PHASE,
    Action.EXIT: frozenset({State.ACCEPTED, *IN_PHASE}),
    Action.FOLLOW_UP: LEFT,
    Action.NOTE: frozenset(State),
}


def _refusals() -> dict[str, str]:
    return {
        Action.PROPOSE: _("Deltageren er allerede visiteret eller har et forslag til vurdering."),
        Action.REVIEW: _("Der er ingen visitation, der afventer vurdering."),
        Action.START_PHASE1: _("Fase 1 kan først starte, når visitationen er godkendt."),
        Action.START_PHASE2: _("Fase 2 kan kun starte, mens deltageren er i fase 1."),
        Action.START_PHASE3: _("Fase 3 kan kun starte, mens deltageren er i en fase."),
        Action.SCREENING: _(
            "Screening kræver en godkendt visitation, og forløbet er ikke afsluttet."
        ),
        Action.ASSESSMENT: _(
            "Progressionsvurdering kræver en godkendt visitation, og forløbet er ikke afsluttet."
        ),
        Action.PAUSE: _("Forløbet kan kun sættes på pause, mens deltageren er i en fase."),
        Action.END_PAUSE: _("Pausen kan kun afsluttes, mens deltageren er i forløbet."),
        Action.PLACEMENT: _(
            "En placering kræver, at fase 1 er startet, og at forløbet ikke er afsluttet."
        ),
        Action.COURSE: _(
            "Et kompetenceløft kræver, at fase 1 er startet, og at forløbet ikke er afsluttet."
        ),
        Action.HOURS: _("Timer kræver, at fase 1 er startet."),
        Action.EXIT: _(
            "Slutskema kræver en godkendt visitation, og deltageren er ikke allerede ophørt."
        ),
        Action.FOLLOW_UP: _("Der er ikke registreret et ophør at følge op på."),
        Action.NOTE: "",
    }


def track_prefetch(visitations=None, exits=None) -> tuple:
    """What Track.of reads, for prefetch_related: a constant number of queries (an exit's
    follow-ups as one EXISTS column); `visitations` and `exits` are the querysets of a page
    that shows more of them."""
    from django.db.models import Exists, OuterRef, Prefetch

    from .models import ExitForm, FollowUp

    followed = Exists(FollowUp.objects.filter(exit=OuterRef("pk")))
    return (
        "visitations" if visitations is None else Prefetch("visitations", queryset=visitations),
        "pauses",
        Prefetch(
            "exits",
            queryset=(ExitForm.objects if exits is None else exits).annotate(followed_up=followed),
        ),
    )


def tracks_of(citizens, today: date | None = None) -> dict[int, Track]:
    """The track of each of these Citizens (their phase starts read), by id, from three
    queries of plain values: what Track.of reads from prefetched models, without a model
    per visitation, exit and pause (a check of thousands of rows, such as an upload)."""
    from django.db.models import Exists, OuterRef

    from .models import ExitForm, FollowUp, Pause, Visitation

    citizens = list(citizens)
    ids = [citizen.pk for citizen in citizens]
    visitations: dict[int, list] = defaultdict(list)
    for citizen_id, *visitation in Visitation.objects.filter(citizen_id__in=ids).values_list(
        "citizen_id", "status", "proposed_on"
    ):
        visitations[citizen_id].append(visitation)
    pauses: dict[int, list[Span]] = defaultdict(list)
    for citizen_id, start, end in Pause.objects.filter(citizen_id__in=ids).values_list(
        "citizen_id", "start", "end"
    ):
        pauses[citizen_id].append(Span(start, end))
    exits: dict[int, list] = defaultdict(list)
    followed = Exists(FollowUp.objects.filter(exit=OuterRef("pk")))
    for citizen_id, *exit_form in (
        ExitForm.objects.filter(citizen_id__in=ids)
        .annotate(followed_up=followed)
        .values_list("citizen_id", "exit_date", "pk", "followed_up")
    ):
        exits[citizen_id].append(exit_form)
    tracks = {}
    for citizen in citizens:
        left = sorted(exits[citizen.pk])
        tracks[citizen.pk] = Track._of(
            citizen,
            visitations=visitations[citizen.pk],
            exits=[exit_date for exit_date, _pk, _followed in left],
            pauses=pauses[citizen.pk],
            followed_up=bool(left) and left[-1][2],
            today=today,
        )
    return tracks


def _followed_up(exit_form) -> bool:
    followed = getattr(exit_form, "followed_up", None)
    return exit_form.follow_ups.exists() if followed is None else followed


@dataclass(frozen=True)
class Span:
    start: date
    end: date | None = None


@dataclass(frozen=True)
class Stint:
    """One stay in the programme: entered on `entry` (the accepted visitation's date), its
    hours counted from `start` (phase 1's start; after a re-entry, the re-visitation's
    date), left on `exit` (None while it lasts)."""

    entry: date
    start: date | None
    exit: date | None = None


@dataclass
class Track:
    """Where a citizen stands, read from plain values (`Track.of` reads a Citizen)."""

    accepted: list[date] = field(default_factory=list)
    proposed: bool = False
    rejected: bool = False
    phase1_start: date | None = None
    phase2_start: date | None = None
    phase3_start: date | None = None
    exits: list[date] = field(default_factory=list)
    pauses: list[Span] = field(default_factory=list)
    followed_up: bool = False
    today: date = field(default_factory=timezone.localdate)

    @classmethod
    def of(cls, citizen, today: date | None = None) -> Track:
        """The track of a Citizen, from its prefetched visitations, exits, pauses and the
        exits' follow-ups where prefetched (else read here: four small queries)."""
        exits = sorted(citizen.exits.all(), key=lambda e: (e.exit_date, e.pk))
        return cls._of(
            citizen,
            visitations=[(v.status, v.proposed_on) for v in citizen.visitations.all()],
            exits=[e.exit_date for e in exits],
            pauses=[Span(p.start, p.end) for p in citizen.pauses.all()],
            followed_up=bool(exits) and _followed_up(exits[-1]),
            today=today,
        )

    @classmethod
    def _of(cls, citizen, *, visitations, exits, pauses, followed_up, today) -> Track:
        """The track of a Citizen's phase starts and its visitations as (status, proposed
        on), exit dates oldest first, pauses, and whether the last exit is followed up."""
        return cls(
            accepted=sorted(
                proposed_on for status, proposed_on in visitations if status == "accepted"
            ),
            proposed=any(status == "proposed" for status, _on in visitations),
            rejected=any(status == "rejected" for status, _on in visitations),
            phase1_start=citizen.phase1_start,
            phase2_start=citizen.phase2_start,
            phase3_start=citizen.phase3_start,
            exits=exits,
            pauses=pauses,
            followed_up=followed_up,
            today=today or timezone.localdate(),
        )

    # --- Where the track stands -----------------------------------------------------------

    @property
    def stints(self) -> list[Stint]:
        """The stays, oldest first: the first from the first accepted visitation, then one
        for each accepted visitation after an exit."""
        stints: list[Stint] = []
        exits = sorted(self.exits)
        # A track stored before visitations were kept (a legacy row) starts at phase 1.
        entries = sorted(self.accepted) or ([self.phase1_start] if self.phase1_start else [])
        if not entries:
            return []
        entry = entries[0]
        start: date | None = self.phase1_start
        while True:
            left = next((d for d in exits if d >= (start or entry)), None)
            stints.append(Stint(entry, start, left))
            if left is None:
                return stints
            again = next((d for d in entries if d > left), None)
            if again is None:
                return stints
            entry = start = again

    @property
    def current(self) -> Stint | None:
        stints = self.stints
        return stints[-1] if stints else None

    @property
    def exit_in_force(self) -> date | None:
        stint = self.current
        return stint.exit if stint is not None and stint.exit is not None else None

    @property
    def state(self) -> State:
        if self.exit_in_force is not None and self.exit_in_force <= self.today:
            return State.FOLLOWED_UP if self.followed_up else State.EXITED
        if self.current is not None:
            for state, start in (
                (State.PHASE3, self.phase3_start),
                (State.PHASE2, self.phase2_start),
                (State.PHASE1, self.phase1_start),
            ):
                if start is not None and start <= self.today:
                    return state
            return State.ACCEPTED
        if self.proposed:
            return State.PROPOSED
        return State.REJECTED if self.rejected else State.NEW

    @property
    def paused(self) -> bool:
        return any(
            p.start <= self.today and (p.end is None or p.end >= self.today) for p in self.pauses
        )

    @property
    def allowed(self) -> frozenset[str]:
        """The actions the screens offer now."""
        state = self.state
        allowed = {action for action, states in ALLOWED_IN.items() if state in states}
        if self.proposed:
            allowed.add(Action.REVIEW)
            allowed.discard(Action.PROPOSE)
        if not any(p.end is None for p in self.pauses):
            allowed.discard(Action.END_PAUSE)
        return frozenset(allowed)

    def refusal(self, action: str) -> str | None:
        """Why `action` cannot be taken now (None when it can)."""
        if action in self.allowed:
            return None
        if self.state in LEFT and action not in (Action.PROPOSE, Action.REVIEW):
            return _(
                "Deltageren er allerede registreret som ophørt; efter ophøret kan kun "
                "opfølgning og notater tilføjes."
            )
        return _refusals()[action]

    # --- The date rules -------------------------------------------------------------------

    def future_errors(self, day: date) -> list[str]:
        """A fact dated after today cannot have happened yet."""
        if day > self.today:
            return [_("Datoen %(day)s ligger efter i dag.") % {"day": f"{day:%d.%m.%Y}"}]
        return []

    def phase_start_errors(self, phase: int, start: date) -> list[str]:
        """Why phase `phase` cannot have started on `start`."""
        errors = self.future_errors(start)
        if phase == 1:
            if self.accepted and start < self.accepted[0]:
                errors.append(
                    _("Fase 1 kan ikke starte før den godkendte visitation (%(day)s).")
                    % {"day": f"{self.accepted[0]:%d.%m.%Y}"}
                )
            # The phases are the first stay's: a citizen who left before phase 1 and came
            # back is counted from the re-visitation, not from a phase 1 after the exit.
            if any(left < start for left in self.exits):
                errors.append(
                    _("Fase 1 kan ikke starte efter et registreret ophør (%(day)s).")
                    % {"day": f"{min(self.exits):%d.%m.%Y}"}
                )
        else:
            earlier = self.phase2_start if phase == 3 and self.phase2_start else self.phase1_start
            if earlier is None or start < earlier:
                errors.append(
                    _("Fase %(phase)s kan ikke starte før den forrige fase.") % {"phase": phase}
                )
        later = [s for p, s in ((2, self.phase2_start), (3, self.phase3_start)) if p > phase and s]
        if any(start > s for s in later):
            errors.append(_("Fasen kan ikke starte efter en senere fase."))
        return errors

    def exit_errors(self, exit_date: date) -> list[str]:
        errors = self.future_errors(exit_date)
        stint = self.current
        begun = stint.start or stint.entry if stint is not None else None
        if begun is not None and exit_date < begun:
            errors.append(
                _("Ophøret kan ikke ligge før forløbets start (%(day)s).")
                % {"day": f"{begun:%d.%m.%Y}"}
            )
        return errors

    def span_errors(
        self, start: date, end: date | None, *, runs_past_exit: bool = False
    ) -> list[str]:
        """Why a placement, pause or course from `start` to `end` does not fit the track:
        from phase 1's start (the re-entry's date), ending no later than the exit in force
        unless it may run past it (a paid placement)."""
        errors = []
        stint = self.current
        begun = stint.start if stint is not None else None
        if begun is None or start < begun:
            errors.append(
                _("Starten skal ligge i forløbet, fra fase 1's start (%(day)s).")
                % {"day": f"{begun:%d.%m.%Y}" if begun else "–"}
            )
        left = self.exit_in_force
        if left is not None and not runs_past_exit:
            if start > left:
                errors.append(_("Starten ligger efter ophøret."))
            elif end is None or end > left:
                errors.append(
                    _("Slutdatoen skal ligge senest på ophørsdagen (%(day)s).")
                    % {"day": f"{left:%d.%m.%Y}"}
                )
        return errors

    def pause_errors(self, start: date, end: date | None) -> list[str]:
        """Why a new pause from `start` to `end` does not fit the track: the span's rules and
        no other pause in the period (the model's own check, read from the track)."""
        errors = self.span_errors(start, end)
        if any(
            p.start <= (end or date.max) and (p.end is None or p.end >= start) for p in self.pauses
        ):
            errors.append(_("Pausen overlapper en anden pause."))
        return errors

    def hours_errors(self, monday: date) -> list[str]:
        """Why the citizen cannot have hours in the ISO week from `monday`."""
        monday = week_monday(monday)
        sunday = monday + timedelta(days=6)
        label = iso_week_label(monday)
        if monday > week_monday(self.today):
            return [_("Uge %(week)s er ikke begyndt endnu.") % {"week": label}]
        inside = [
            s
            for s in self.stints
            if s.start is not None and sunday >= s.start and (s.exit is None or monday <= s.exit)
        ]
        if not inside:
            if not any(s.start is not None and sunday >= s.start for s in self.stints):
                return [_("Der kan ikke registreres timer før forløbets start.")]
            return [_("Der kan ikke registreres timer efter ophør.")]
        workdays = [monday + timedelta(days=n) for n in range(5)]
        if any(
            all(p.start <= d and (p.end is None or d <= p.end) for d in workdays)
            for p in self.pauses
        ):
            return [_("Forløbet holder pause i uge %(week)s.") % {"week": label}]
        return []

    def followup_errors(self, followed_up_on: date) -> list[str]:
        errors = self.future_errors(followed_up_on)
        left = self.exit_in_force
        if left is not None and followed_up_on <= left:
            errors.append(_("Opfølgningen skal ligge efter ophøret."))
        return errors
