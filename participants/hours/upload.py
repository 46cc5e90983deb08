"""Hours uploaded as a file (CSV or XLSX with the columns cpr, uge, art, timer; the English
names of the legacy hours.csv, cpr, week, kind, hours, are read as the same columns).

`read_upload` turns the file into rows, `preview` checks every row (file format, CPR found
through the keyed hash among the uploader's own citizens only, week, kind, hours, and the
hours service's own rules, through `services.hours_check`, which writes nothing) and
`confirm` saves the previewed rows as the check saw them, all or nothing, refusing if what
it read has changed since (`services.hours_save_checked`); `commit` checks rows again and
saves them (`services.hours_save`). Problems are reported by line, column and reason, with
the CPR number masked; a CPR outside the uploader's scope is 'ukendt deltager', whether the
citizen exists or not.
"""

from __future__ import annotations

import csv
import functools
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from participants import cpr as cpr_lib
from participants.common import parse_iso_week
from participants.track.models import Citizen

from .models import HoursKind
from .services import (
    HoursChecked,
    HoursRow,
    HoursWeekInvalid,
    hours_check,
    hours_save,
    hours_save_checked,
    parse_hours,
)

COLUMNS = ("cpr", "uge", "art", "timer")
# The legacy export's English column names and kinds, read as their Danish forms.
COLUMN_ALIASES = {"week": "uge", "kind": "art", "hours": "timer"}
# What a user writes in the `art` column, and the kind it means.
KIND_WORDS = {
    "træning": HoursKind.TRAINING,
    "hjemmetræning": HoursKind.HOME_TRAINING,
    "praktik": HoursKind.PRACTICE,
    "løn": HoursKind.PAID,
    "uddannelse": HoursKind.EDUCATION,
}
KIND_ALIASES = {kind.value: kind for kind in HoursKind}
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# An XLSX is a zip: a file of a few kilobytes can unpack to gigabytes (its sheet or its
# shared strings) or declare a sheet 16,384 columns wide, which openpyxl would fill with
# empty cells. A real upload of MAX_ROWS rows unpacks to a small part of this, in 4 columns.
MAX_UNPACKED_BYTES = 25 * 1024 * 1024
MAX_COLUMNS = 26


class UploadUnreadable(ValueError):
    """The file as a whole cannot be read (format, encoding, size, header)."""


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    value: str  # CPR numbers masked
    reason: str


@dataclass(frozen=True)
class UploadRow:
    line: int
    citizen_id: int
    week: date
    kind: str
    hours: Decimal


@dataclass
class Preview:
    rows: list[UploadRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # What the hours service's check saw, for the confirm to save the rows as it saw them.
    checked: HoursChecked | None = None

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problems


# --- Reading -------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def _read_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadUnreadable(
            _("Filen er ikke UTF-8-kodet. Gem den som 'CSV UTF-8' og prøv igen.")
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error:
        raise UploadUnreadable(_("Filen kunne ikke læses som CSV.")) from None


def _read_xlsx(content: bytes) -> list[list[str]]:
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = UploadUnreadable(_("Filen kunne ikke læses som et XLSX-regneark."))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            # The sizes the archive declares; reading a member never goes past its own.
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise unreadable from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise UploadUnreadable(
            _("Regnearket fylder for meget, når det pakkes ud (højst %(mb)s MB).")
            % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)}
        )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            rows.append([_cell(v) for v in row])
            if len(rows) > MAX_ROWS + 1:
                break
        workbook.close()
    except (
        zipfile.BadZipFile,
        InvalidFileException,
        KeyError,
        ValueError,
        OSError,
        IndexError,
        # A sheet that is not well-formed XML, or whose entities would expand past expat's
        # limit (a "billion laughs"): a damaged or hostile file, not a server error.
        ParseError,
    ):
        raise unreadable from None
    return rows


def read_upload(name: str, content: bytes) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: text}) for each non-empty data row; UploadUnreadable if not."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadUnreadable(
            _("Filen er for stor (højst %(mb)s MB).") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    if not content.strip():
        raise UploadUnreadable(_("Filen er tom."))
    lower = name.lower()
    if content.startswith(b"PK\x03\x04") or lower.endswith(".xlsx"):
        table = _read_xlsx(content)
    elif lower.endswith((".csv", ".txt")):
        table = _read_csv(content)
    else:
        raise UploadUnreadable(_("Vælg en CSV- eller XLSX-fil."))
    if not table:
        raise UploadUnreadable(_("Filen er tom."))
    header = [c.strip().lower() for c in table[0]]
    header = [COLUMN_ALIASES.get(c, c) for c in header]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise UploadUnreadable(
            _("Overskriften mangler kolonnen/kolonnerne: %(cols)s. Den skal være: %(all)s.")
            % {"cols": ", ".join(missing), "all": ",".join(COLUMNS)}
        )
    positions = {c: header.index(c) for c in COLUMNS}
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        if not any(str(c).strip() for c in cells):
            continue
        values = {c: (cells[i].strip() if i < len(cells) else "") for c, i in positions.items()}
        rows.append((line, values))
    if len(rows) > MAX_ROWS:
        raise UploadUnreadable(_("Filen har for mange rækker (højst %(max)s).") % {"max": MAX_ROWS})
    if not rows:
        raise UploadUnreadable(_("Filen har ingen rækker med timer."))
    return rows


# --- Checking and saving -------------------------------------------------------------------


def kind_from_word(value: str) -> str | None:
    """The hours kind an `art` cell names (Danish word or the legacy English value)."""
    word = value.strip().lower()
    kind = KIND_WORDS.get(word) or KIND_ALIASES.get(word)
    return kind.value if kind else None


def sample_csv() -> str:
    """The upload format as a small file to download and fill in."""
    lines = [
        ",".join(COLUMNS),
        '010190-1234,2024-W07,træning,"7,5"',
        "010190-1234,2024-W07,praktik,12",
    ]
    return "\n".join(lines) + "\n"


def _cpr_digits(value: str) -> str:
    digits = value.replace("-", "").strip()
    # Spreadsheets drop the leading zero of numbers born on days 1–9.
    return digits.zfill(10) if digits.isdigit() and len(digits) == 9 else value


def preview(*, user: Any, rows: list[tuple[int, dict[str, str]]]) -> Preview:
    """Every problem of every row; the rows to save when there are none."""
    result = Preview()
    parsed: list[tuple[int, str, date, str, Decimal]] = []
    # A file repeats each citizen's CPR number, its weeks and its hours on many lines: each
    # distinct text is parsed once (a text that fails is parsed again, and fails the same).
    cpr_digits = functools.cache(lambda raw: cpr_lib.parse(_cpr_digits(raw)).digits)
    week_of = functools.cache(parse_iso_week)
    hours_of = functools.cache(parse_hours)
    for line, values in rows:
        errors_before = len(result.problems)
        raw_cpr = values["cpr"]

        def problem(column: str, reason: str, _line=line, _values=values) -> None:
            shown = cpr_lib.mask(_values["cpr"]) if column == "cpr" else _values[column]
            result.problems.append(Problem(_line, column, shown, str(reason)))

        try:
            digits = cpr_digits(raw_cpr)
        except ValidationError as exc:
            problem("cpr", exc.messages[0])
            digits = ""
        try:
            week = week_of(values["uge"])
        except ValueError as exc:
            problem("uge", str(exc))
        kind = kind_from_word(values["art"])
        if kind is None:
            problem(
                "art",
                _("Ukendt art. Gyldige arter: %(kinds)s.") % {"kinds": ", ".join(KIND_WORDS)},
            )
        try:
            hours = hours_of(values["timer"])
            if hours is None:
                problem("timer", _("Feltet skal udfyldes."))
        except ValueError as exc:
            problem("timer", str(exc))
        if len(result.problems) == errors_before:
            parsed.append((line, digits, week, kind, hours))

    hashes = {h: d for d in {d for _l, d, *_rest in parsed} for h in cpr_lib.keyed_hashes(d)}
    citizens = dict(
        Citizen.objects.for_user(user, write=True)
        .filter(cpr_hash__in=list(hashes))
        .values_list("cpr_hash", "pk")
    )
    by_digits = {hashes[h]: pk for h, pk in citizens.items()}
    seen: dict[tuple[int, date, str], int] = {}
    for line, digits, week, kind, hours in parsed:
        citizen_id = by_digits.get(digits)
        if citizen_id is None:
            result.problems.append(
                Problem(line, "cpr", cpr_lib.mask(digits), _("Ukendt deltager."))
            )
            continue
        key = (citizen_id, week, kind)
        if key in seen:
            result.problems.append(
                Problem(
                    line,
                    "art",
                    kind,
                    _("Samme deltager, uge og timetype står også i linje %(line)s.")
                    % {"line": seen[key]},
                )
            )
            continue
        seen[key] = line
        result.rows.append(UploadRow(line, citizen_id, week, kind, hours))
    if not result.problems:
        # The hours service's own rules (phase start, exit, weekly total), without saving.
        result.problems.extend(_service_problems(user, result.rows, save=False, seen=result))
    result.problems.sort(key=lambda p: (p.line, p.column))
    if result.problems:
        result.rows = []
    return result


def _service_problems(
    user: Any, rows: list[UploadRow], *, save: bool, seen: Preview | None = None
) -> list[Problem]:
    """The hours service's problems with the rows, mapped back to the file's lines: checked
    in memory (the preview; what the check saw kept on `seen`), or checked and saved, all
    or nothing, in a few statements."""
    cells = [HoursRow(r.citizen_id, r.kind, r.hours, week=r.week) for r in rows]
    try:
        if save:
            hours_save(actor=user, rows=cells)
        else:
            checked = hours_check(actor=user, rows=cells)
            if seen is not None:
                seen.checked = checked
    except HoursWeekInvalid as exc:
        return [
            Problem(rows[index].line, "timer", str(rows[index].hours), message)
            for index, messages in sorted(exc.row_errors.items())
            for message in messages
        ]
    return []


def commit(*, user: Any, rows: list[UploadRow]) -> list[Problem]:
    """Save exactly these rows, all or nothing, checking them again. Problems (empty when
    saved)."""
    return _service_problems(user, rows, save=True)


def confirm(*, user: Any, checked: HoursChecked) -> int:
    """Save the rows a preview checked (its `checked`) as it saw them, without checking them
    again: services.HoursChanged (nothing saved) if a citizen's track or hours in the rows'
    weeks have changed since, the citizen is no longer the uploader's, or the day has
    changed. The number of entries written or removed."""
    return hours_save_checked(actor=user, checked=checked)
