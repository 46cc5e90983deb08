"""Writes of a citizen's weekly hours: parsing, validation and the audited save of a week."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.common import iso_week_label, week_monday
from participants.track.models import Citizen
from participants.track.rules import Track, tracks_of
from partnerships.models import User
from siv import audit
from siv.models import AuditAction

from .models import MAX_HOURS_PER_KIND, MAX_HOURS_PER_WEEK, HoursEntry, HoursKind

KINDS = frozenset(HoursKind.values)
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
    # The week's Monday, for a save of several weeks at once (an upload); a save of one week
    # sets it on every row.
    week: date | None = None


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
    rows = [replace(_as_row(r), week=monday) for r in rows]
    cells, written, stored = _checked_save(actor, rows, entries=True)
    now = [written.get(cell.key) or stored[cell.key] for cell in cells if cell.hours]
    return [HoursEntry.from_db(connection.alias, _EntryRow._fields, row) for row in now]


def hours_save(*, actor: User, rows: Iterable[HoursRow | Mapping[str, Any]]) -> int:
    """Save cells of one or more weeks (each row's `week`) for many citizens, everything or
    nothing; the number of entries written or removed."""
    cells, written, stored = _checked_save(actor, [_as_row(r) for r in rows], entries=False)
    return len(written) + sum(1 for cell in cells if not cell.hours and cell.key in stored)


def _checked_save(actor, rows: list[HoursRow], *, entries: bool):
    """Check the rows in memory against one read of the citizens' tracks and one of their
    stored hours, then write them in one upsert and one delete, so that the roll-up's
    triggers run once for the whole save. The cells, the entries written, and those stored
    before, by key."""
    citizens, cells, row_errors = _parse(actor, rows)
    with transaction.atomic():
        # Two saves of one citizen's week (two tabs, the grid and the API) take turns here,
        # so the second reads what the first wrote.
        lock_citizens_for_hours(cell.citizen_id for cell in cells)
        stored = _stored(cells, entries=entries)
        _check(rows, cells, stored, row_errors)
        written = _save(actor, rows, citizens, cells, stored, entries=entries)
    return cells, written, stored


def hours_check(*, actor: User, rows: Iterable[HoursRow | Mapping[str, Any]]) -> HoursChecked:
    """Everything `hours_save` checks, without writing: HoursWeekInvalid if it would refuse
    the rows (an upload's preview). What the check saw, for `hours_save_checked` to save the
    same rows later without checking them again.

    The citizens' rows are held against writers (FOR SHARE) while the check reads their
    tracks and hours: a writer of a track or of hours locks them first, so the state the
    check read and the state it records are one."""
    rows = [_as_row(r) for r in rows]
    with transaction.atomic():
        _lock_citizens_shared({r.citizen_id for r in rows if isinstance(r.citizen_id, int)})
        citizens, cells, row_errors = _parse(actor, rows)
        stored = _stored(cells, entries=False)
        _check(rows, cells, stored, row_errors)
        weeks: dict[date, set[int]] = defaultdict(set)
        for row in rows:
            weeks[week_monday(row.week)].add(row.citizen_id)
        removes = [cell.key for cell in cells if not cell.hours and cell.key in stored]
        return HoursChecked(
            day=timezone.localdate(),
            weeks={monday: sorted(ids) for monday, ids in sorted(weeks.items())},
            writes=_upsert_columns(_changed(cells, stored)),
            removes=[pg_array(column) for column in zip(*removes, strict=True)],
            state=_state(weeks),
        )


@dataclass(frozen=True)
class HoursChecked:
    """What `hours_check` saw: the day of the check, each week's citizens, the cells whose
    hours differ from the stored (to write: UPSERT's column arrays) and the empty cells of
    stored entries (to remove: their keys' column arrays), and a digest of the state the
    checks read (the citizens' tracks and the stored hours of their weeks). Plain data, as
    the statements take it: a session keeps it, and a save reads it, without a step per
    row."""

    day: date
    weeks: dict[date, list[int]]
    writes: list[str]
    removes: list[str]
    state: str

    def as_data(self) -> dict[str, Any]:
        """Plain data (ids, ISO dates, strings) for a session."""
        return {
            "day": self.day.isoformat(),
            "weeks": [[monday.isoformat(), ids] for monday, ids in self.weeks.items()],
            "writes": self.writes,
            "removes": self.removes,
            "state": self.state,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> HoursChecked:
        return cls(
            day=date.fromisoformat(data["day"]),
            weeks={date.fromisoformat(monday): ids for monday, ids in data["weeks"]},
            writes=list(data["writes"]),
            removes=list(data["removes"]),
            state=data["state"],
        )


class HoursChanged(ValueError):
    """A save of checked rows refused, nothing saved: the state they were checked against
    has changed since (the message says what, in Danish)."""


def hours_save_checked(*, actor: User, checked: HoursChecked) -> int:
    """Save the rows `hours_check` accepted, as it saw them, everything or nothing, without
    checking them again: under the citizens' locks, one statement compares the state with
    the one the check read (the citizens' tracks, their stored hours in the rows' weeks)
    and HoursChanged refuses if it differs, or if a citizen has left the actor's scope or
    the day has changed. The number of entries written or removed."""
    ids = sorted({citizen_id for ids in checked.weeks.values() for citizen_id in ids})
    with transaction.atomic():
        lock_citizens_for_hours(ids)
        if checked.day != timezone.localdate():
            raise HoursChanged(_("Forhåndsvisningen er udløbet. Vælg filen igen."))
        scoped = Citizen.objects.for_user(actor, write=True).filter(pk__in=ids).count()
        if scoped != len(ids) or _state(checked.weeks) != checked.state:
            raise HoursChanged(
                _("Intet blev gemt: timerne er ændret siden forhåndsvisningen. Prøv igen.")
            )
        saved = _upsert_counted(actor, checked.writes) if checked.writes else {}
        removed = _hours_remove_keys(checked.removes) if checked.removes else {}
        _audit_weeks(actor, checked.weeks, saved, removed)
    return sum(saved.values()) + sum(removed.values())


def _lock_citizens_shared(citizen_ids: Iterable[int]) -> None:
    """Hold these citizens' rows against writers (FOR SHARE) until the end of the
    transaction, in order; readers, and other checks, go on."""
    ids = sorted(set(citizen_ids))
    if ids:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM participants_citizen WHERE id = ANY(%s::bigint[])"
                " ORDER BY id FOR SHARE",
                [pg_array(ids)],
            )


# A digest of what a check of these citizens' hours reads: their tracks (phase starts,
# visitations, pauses, exits and whether each is followed up: rules.tracks_of) and their
# stored hours in the given weeks. Each row as its row value's text, which tells an empty
# field from a missing one.
STATE = """
WITH ids AS (SELECT unnest(%(ids)s::bigint[]) AS id)
SELECT md5(concat_ws(';',
    (SELECT string_agg(ROW(c.id, c.phase1_start, c.phase2_start, c.phase3_start)::text, ','
                       ORDER BY c.id)
     FROM participants_citizen c WHERE c.id IN (SELECT id FROM ids)),
    (SELECT string_agg(ROW(v.id, v.citizen_id, v.status, v.proposed_on)::text, ','
                       ORDER BY v.id)
     FROM participants_visitation v WHERE v.citizen_id IN (SELECT id FROM ids)),
    (SELECT string_agg(ROW(p.id, p.citizen_id, p.start, p."end")::text, ',' ORDER BY p.id)
     FROM participants_pause p WHERE p.citizen_id IN (SELECT id FROM ids)),
    (SELECT string_agg(ROW(x.id, x.citizen_id, x.exit_date,
                           EXISTS (SELECT 1 FROM participants_followup f
                                   WHERE f.exit_id = x.id))::text, ',' ORDER BY x.id)
     FROM participants_exitform x WHERE x.citizen_id IN (SELECT id FROM ids)),
    (SELECT string_agg(ROW(e.id, e.citizen_id, e.week_start, e.kind, e.hours)::text, ','
                       ORDER BY e.id)
     FROM participants_hoursentry e
     JOIN unnest(%(citizens)s::bigint[], %(weeks)s::date[]) AS w(citizen_id, week_start)
       ON e.citizen_id = w.citizen_id AND e.week_start = w.week_start)
))
"""  # noqa: S608


def _state(weeks: Mapping[date, Iterable[int]]) -> str:
    """The digest of STATE for each week's citizens."""
    pairs = [(citizen_id, monday) for monday, ids in weeks.items() for citizen_id in ids]
    with connection.cursor() as cursor:
        cursor.execute(
            STATE,
            {
                "ids": pg_array(sorted({citizen_id for citizen_id, _monday in pairs})),
                "citizens": pg_array(citizen_id for citizen_id, _monday in pairs),
                "weeks": pg_array(monday for _citizen_id, monday in pairs),
            },
        )
        return cursor.fetchone()[0]


@dataclass(frozen=True)
class _Cell:
    """A row that passed the checks of its own, to be written (hours None: removed)."""

    index: int
    citizen_id: int
    week: date
    kind: str
    hours: Decimal | None

    @property
    def key(self) -> tuple[int, date, str]:
        return (self.citizen_id, self.week, self.kind)


def _as_row(row: HoursRow | Mapping[str, Any]) -> HoursRow:
    return row if isinstance(row, HoursRow) else HoursRow(**row)


def _parse(actor, rows: list[HoursRow]):
    """The citizens the actor may write (tracks prefetched), the rows to write, and each
    row's own problems (unknown citizen or kind, a cell twice, bad hours, the track)."""
    row_errors: dict[int, list[str]] = defaultdict(list)
    citizen_ids = {r.citizen_id for r in rows if isinstance(r.citizen_id, int)}
    citizens = {
        c.pk: c
        for c in Citizen.objects.for_user(actor, write=True)
        .filter(pk__in=citizen_ids)
        # What a track reads: the personal data (encrypted) is not read at all.
        .only("pk", "phase1_start", "phase2_start", "phase3_start")
    }
    tracks = tracks_of(citizens.values())
    cells: list[_Cell] = []
    seen: set[tuple[int, date, str]] = set()
    week_errors: dict[tuple[int, date], list[str]] = {}
    for index, row in enumerate(rows):
        citizen_id = row.citizen_id
        if citizen_id not in citizens:
            row_errors[index].append(_("Ukendt deltager."))
            continue
        if row.kind not in KINDS:
            row_errors[index].append(_("Ukendt timetype."))
            continue
        week = week_monday(row.week)
        key = (citizen_id, week, row.kind)
        if key in seen:
            row_errors[index].append(_("Samme deltager og timetype står to gange."))
            continue
        seen.add(key)
        try:
            hours = parse_hours(row.hours)
        except ValueError as exc:
            row_errors[index].append(str(exc))
            continue
        if row.shown is not NOT_SHOWN and hours == _shown(row):
            continue  # not changed on the screen: never written back
        if hours:
            if (citizen_id, week) not in week_errors:
                week_errors[(citizen_id, week)] = tracks[citizen_id].hours_errors(week)
            row_errors[index].extend(week_errors[(citizen_id, week)])
        cells.append(_Cell(index, citizen_id, week, row.kind, hours))
    return citizens, cells, row_errors


class _EntryRow(NamedTuple):
    """An entry as read or written by the set-based statements (HoursEntry.from_db makes the
    model of it when a caller needs one)."""

    id: int
    citizen_id: int
    week_start: date
    iso_year: int
    iso_week: int
    kind: str
    hours: Decimal
    registered_by_id: int | None
    updated_at: Any


ENTRY_COLUMNS = ", ".join(f"e.{name}" for name in _EntryRow._fields)
ENTRY_CHECKED = ENTRY_COLUMNS.replace("e.updated_at", "NULL")
Key = tuple[int, date, str]


def _stored(cells: list[_Cell], *, entries: bool) -> dict[Key, _EntryRow]:
    """The stored entries of the cells' citizens in the cells' weeks, in one query; without
    `entries`, their time of change is not read (None): the checks and counts do not need
    it, and reading thousands of times back costs more than the query."""
    pairs = sorted({(cell.citizen_id, cell.week) for cell in cells})
    if not pairs:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {ENTRY_COLUMNS if entries else ENTRY_CHECKED}"  # noqa: S608
            " FROM participants_hoursentry e"
            " JOIN unnest(%s::bigint[], %s::date[]) AS w(citizen_id, week_start)"
            " ON e.citizen_id = w.citizen_id AND e.week_start = w.week_start",
            [pg_array(c for c, _w in pairs), pg_array(w for _c, w in pairs)],
        )
        entries = [_EntryRow._make(row) for row in cursor.fetchall()]
    return {(e.citizen_id, e.week_start, e.kind): e for e in entries}


def _check(rows, cells: list[_Cell], stored, row_errors) -> None:
    """Add the problems that need the stored hours (a cell changed by someone else since it
    was shown, a week's total over the maximum); HoursWeekInvalid if there are any."""
    current: dict[int, Decimal | None] = {}
    for cell in cells:
        row = rows[cell.index]
        old = stored.get(cell.key)
        now = old.hours if old else None
        if row.shown is not NOT_SHOWN and now != _shown(row):
            current[cell.index] = now
            row_errors[cell.index].append(
                _(
                    "Ændret af en anden, mens siden var åben: nu %(now)s timer. Dine %(yours)s "
                    "timer er ikke gemt; gem igen for at bruge dem."
                )
                % {"now": _number(now), "yours": _number(cell.hours)}
            )
    totals: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
    for (citizen_id, week, _kind), entry in stored.items():
        totals[(citizen_id, week)] += entry.hours
    for cell in cells:
        old = stored.get(cell.key)
        totals[(cell.citizen_id, cell.week)] += (cell.hours or Decimal(0)) - (
            old.hours if old else Decimal(0)
        )
    for cell in cells:
        if cell.hours and totals[(cell.citizen_id, cell.week)] > MAX_HOURS_PER_WEEK:
            row_errors[cell.index].append(
                _("Højst %(max)s timer i alt pr. uge for en deltager.")
                % {"max": MAX_HOURS_PER_WEEK}
            )
    row_errors = {index: messages for index, messages in row_errors.items() if messages}
    if row_errors:
        raise HoursWeekInvalid(row_errors, current)


def _save(
    actor, rows, citizens, cells: list[_Cell], stored, *, entries: bool
) -> dict[Key, _EntryRow | None]:
    """Write the checked cells whose hours differ from the stored, and one audit row per
    week of the rows. The entries written."""
    written = hours_write(by=actor, cells=_changed(cells, stored), entries=entries)
    removed = _hours_remove(
        [stored[cell.key] for cell in cells if not cell.hours and cell.key in stored]
    )
    weeks: dict[date, set[int]] = defaultdict(set)
    for row in rows:
        if row.citizen_id in citizens:
            weeks[week_monday(row.week)].add(row.citizen_id)
    _audit_weeks(
        actor,
        weeks,
        Counter(monday for _citizen_id, monday, _kind in written),
        Counter(entry.week_start for entry in removed),
    )
    return written


def _changed(cells: list[_Cell], stored) -> list[tuple[int, date, str, Decimal]]:
    """The cells with hours whose stored hours differ (or that are not stored)."""
    return [
        (cell.citizen_id, cell.week, cell.kind, cell.hours)
        for cell in cells
        if cell.hours and (cell.key not in stored or stored[cell.key].hours != cell.hours)
    ]


def _audit_weeks(
    actor,
    weeks: Mapping[date, Iterable[int]],
    saved: Mapping[date, int],
    removed: Mapping[date, int],
) -> None:
    """One audit row per week of the rows (Monday: its citizens): the citizens and the
    numbers of entries saved and removed."""
    audit.record_each(
        AuditAction.CHANGE,
        actor=actor,
        rows=[
            (
                f"Timer {iso_week_label(monday)}",
                {
                    "week": iso_week_label(monday),
                    "citizens": sorted(citizens),
                    "saved": saved.get(monday, 0),
                    "removed": removed.get(monday, 0),
                },
            )
            for monday, citizens in sorted(weeks.items())
        ],
    )


# One statement for every cell of a write: the roll-up's triggers run once, over all of them.
UPSERT = """
INSERT INTO participants_hoursentry AS e
    (citizen_id, week_start, iso_year, iso_week, kind, hours, registered_by_id, updated_at)
SELECT c.citizen_id, c.week_start, CAST(EXTRACT(isoyear FROM c.week_start) AS integer),
       CAST(EXTRACT(week FROM c.week_start) AS integer), c.kind, c.hours, %s, %s
FROM unnest(%s::bigint[], %s::date[], %s::text[], %s::numeric[])
    AS c(citizen_id, week_start, kind, hours)
ORDER BY c.citizen_id, c.week_start, c.kind
ON CONFLICT (citizen_id, week_start, kind) DO UPDATE
SET hours = EXCLUDED.hours,
    registered_by_id = COALESCE(EXCLUDED.registered_by_id, e.registered_by_id),
    updated_at = EXCLUDED.updated_at
WHERE e.hours IS DISTINCT FROM EXCLUDED.hours
RETURNING {returning}
"""  # noqa: S608 (the columns are the module's own)


def hours_write(
    *, by: User | None, cells: Iterable[tuple[int, date, str, Decimal]], entries: bool = True
) -> dict[Key, _EntryRow | None]:
    """Insert or update these checked cells (citizen id, week, kind, hours), each at most
    once, in one statement; a cell whose stored hours are the same is left as it is. The
    caller holds `lock_citizens_for_hours` for the citizens, inside its transaction. An entry
    changed without a writer (an import) keeps who registered it. The entries written, by
    (citizen id, Monday, kind); only their keys (None for each) without `entries`, for a
    caller that counts them: reading back thousands of entries costs more than writing them."""
    columns = _upsert_columns(cells)
    if not columns:
        return {}
    with connection.cursor() as cursor:
        returning = ENTRY_COLUMNS if entries else "e.citizen_id, e.week_start, e.kind"
        cursor.execute(
            UPSERT.format(returning=returning), [by.pk if by else None, timezone.now(), *columns]
        )
        if not entries:
            return dict.fromkeys(map(tuple, cursor.fetchall()))
        written = [_EntryRow._make(row) for row in cursor.fetchall()]
    return {(e.citizen_id, e.week_start, e.kind): e for e in written}


def _upsert_counted(by: User | None, columns: list[str]) -> dict[date, int]:
    """UPSERT of these column arrays (`_upsert_columns`), read back as the number of entries
    written per Monday only (a few rows, however many cells)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH written AS ({UPSERT.format(returning='e.week_start')})"  # noqa: S608
            " SELECT week_start, count(*) FROM written GROUP BY week_start",
            [by.pk if by else None, timezone.now(), *columns],
        )
        return dict(cursor.fetchall())


def _upsert_columns(cells: Iterable[tuple[int, date, str, Decimal]]) -> list[str]:
    """UPSERT's column arrays for these cells (none for no cells)."""
    # The Monday and its ISO year and week derived, as HoursEntry.save derives them (the
    # year and week in the statement).
    values = [
        (citizen_id, week_monday(week), kind, Decimal(hours))
        for citizen_id, week, kind, hours in cells
    ]
    return [pg_array(column) for column in zip(*values, strict=True)]


# Values whose text needs no quoting in an array literal (a date's is its ISO form; not a
# datetime's, which has a space, nor a bool's).
_PLAIN = frozenset({int, Decimal, date})


def pg_array(values: Iterable[Any]) -> str:
    """A PostgreSQL array literal of numbers, dates or words, bound as one text parameter
    and cast in the statement: the database driver would otherwise quote a list of
    thousands element by element in Python, which costs more than the statement."""
    values = values if isinstance(values, list | tuple) else list(values)
    if set(map(type, values)) <= _PLAIN:  # numbers or dates: their text as it is
        return "{" + ",".join(map(str, values)) + "}"
    return "{" + ",".join(map(_array_element, values)) + "}"


def _array_element(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _hours_remove(entries: list[_EntryRow]) -> list[_EntryRow]:
    """Delete these entries in one statement."""
    if entries:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM participants_hoursentry WHERE id = ANY(%s)",
                [[e.id for e in entries]],
            )
    return entries


def _hours_remove_keys(columns: list[str]) -> dict[date, int]:
    """Delete the entries of these keys (column arrays of citizen ids, Mondays and kinds) in
    one statement; the number deleted per Monday."""
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH gone AS (DELETE FROM participants_hoursentry e"
            " USING unnest(%s::bigint[], %s::date[], %s::text[]) AS k(citizen_id, week, kind)"
            " WHERE e.citizen_id = k.citizen_id AND e.week_start = k.week AND e.kind = k.kind"
            " RETURNING e.week_start)"
            " SELECT week_start, count(*) FROM gone GROUP BY week_start",
            columns,
        )
        return dict(cursor.fetchall())


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
