"""Writes of a citizen's weekly hours: parsing, validation and the audited save of a week."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.common import iso_week_label, week_monday
from participants.track.models import Citizen
from participants.track.rules import Track, track_prefetch
from partnerships.models import User
from siv import audit
from siv.models import AuditAction

from .models import MAX_HOURS_PER_KIND, MAX_HOURS_PER_WEEK, HoursEntry, HoursKind

# A cell whose writer did not say what it was shown (an upload, the API): its hours are set.
NOT_SHOWN = object()


@dataclass(frozen=True)
class HoursRow:
    """One cell of the week grid: empty hours remove the entry. `shown` is what the screen
    showed when it was opened: a cell sent back as shown was not changed and is not written,
    and a changed cell whose stored value is no longer what was shown is a conflict."""

    citizen_id: int
    kind: str
    hours: Any
    shown: Any = NOT_SHOWN


class HoursWeekInvalid(ValidationError):
    """The week was not saved; `row_errors` maps each bad row's index to its messages, and
    `current` each conflicting row's index to the hours stored now."""

    def __init__(
        self, row_errors: dict[int, list[str]], current: dict[int, Decimal | None] | None = None
    ):
        self.row_errors = row_errors
        self.current = current or {}
        messages = [m for msgs in row_errors.values() for m in msgs]
        super().__init__(messages or [_("Ugen kunne ikke gemmes.")])


def _shown(row: HoursRow) -> Decimal | None:
    try:
        return parse_hours(row.shown)
    except ValueError:
        return None


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
    *, week: date, phase1_start: date | None, last_exit: date | None, today: date | None = None
) -> list[str]:
    """Why a citizen cannot have hours in the week starting `week` (empty when allowed), from
    phase 1's start and the exit in force alone (the grid's rows; a save checks the whole
    track, pauses and re-entries included: rules.Track.hours_errors)."""
    track = Track(
        accepted=[phase1_start] if phase1_start else [],
        phase1_start=phase1_start,
        exits=[last_exit] if last_exit else [],
        today=today or timezone.localdate(),
    )
    return track.hours_errors(week)


# The roll-up triggers' lock namespace and shares (participants/migrations/0004_…).
ROLL_UP_LOCK = 4730001
ROLL_UP_SHARES = 256


def lock_citizens_for_hours(citizen_ids: Iterable[int]) -> None:
    """Take, inside the caller's transaction, every lock a write of these citizens' hours
    needs, all at once and in order: the citizens' rows (two saves of one citizen's week
    take turns, and the second reads what the first wrote), then the roll-up's shares.

    The roll-up trigger locks the shares of the citizens each statement writes. A save that
    writes its cells one statement at a time would otherwise take them in the order of its
    cells, and two saves of different citizens whose shares cross would wait for each
    other. Taken here first, in share order, the trigger finds them held."""
    ids = sorted(set(citizen_ids))
    if not ids:
        return
    list(Citizen.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, share) FROM ("
            " SELECT DISTINCT CAST(mod(id, %s) AS integer) AS share"
            " FROM unnest(%s::bigint[]) AS id ORDER BY 1"
            ") shares",
            [ROLL_UP_LOCK, ROLL_UP_SHARES, ids],
        )


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
        .prefetch_related(*track_prefetch())
    }
    seen: set[tuple[int, str]] = set()
    tracks: dict[int, Track] = {}  # one per citizen, whatever the number of their cells
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
        if row.shown is not NOT_SHOWN and hours == _shown(row):
            continue  # not changed on the screen: never written back
        if hours:
            if citizen.pk not in tracks:
                tracks[citizen.pk] = Track.of(citizen)
            row_errors[index].extend(tracks[citizen.pk].hours_errors(monday))
        parsed.append((index, citizen.pk, row.kind, hours))

    with transaction.atomic():
        # Two saves of one citizen's week (two tabs, the grid and the API) take turns here,
        # so the second reads what the first wrote.
        lock_citizens_for_hours(c for _i, c, _k, _h in parsed)
        return _save_week(actor, monday, rows, citizens, parsed, row_errors)


def _save_week(actor, monday, rows, citizens, parsed, row_errors) -> list[HoursEntry]:
    existing = {
        (e.citizen_id, e.kind): e
        for e in HoursEntry.objects.filter(citizen_id__in=list(citizens), week_start=monday)
    }
    current: dict[int, Decimal | None] = {}
    for index, citizen_id, kind, hours in parsed:
        row = rows[index]
        old = existing.get((citizen_id, kind))
        stored = old.hours if old else None
        if row.shown is not NOT_SHOWN and stored != _shown(row):
            current[index] = stored
            row_errors[index].append(
                _(
                    "Ændret af en anden, mens siden var åben: nu %(now)s timer. Dine %(yours)s "
                    "timer er ikke gemt; gem igen for at bruge dem."
                )
                % {"now": _number(stored), "yours": _number(hours)}
            )
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
        raise HoursWeekInvalid(row_errors, current)

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


def _number(value: Decimal | None) -> str:
    """Hours as the grid shows them: 7,5; 0 for none."""
    return f"{(value or Decimal(0)).normalize():f}".replace(".", ",")


def fold_hours_groups() -> int:
    """Sum the hours statement's rows of changes into one row per group (HoursGroup, kept by
    the database's triggers); the number of changes folded. The figures stay the same, so
    there is nothing to audit: the statement reads fewer rows afterwards."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT participants_hours_group_fold()")
        return cursor.fetchone()[0]
