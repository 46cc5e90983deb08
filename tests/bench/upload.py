"""The hours upload of `make bench`, each mode in a process of its own.

    python -m tests.bench.upload prepare FILE.csv   5,000 valid rows (cpr, uge, art, timer)
                                                     of the busiest actor's citizens, and
                                                     beside them FILE.csv.copy, the same rows
                                                     as the hours table's columns
    python -m tests.bench.upload upload FILE.csv    the upload as its two pages do it: read
                                                     the file, preview (every row checked by
                                                     the hours service, rolled back), confirm
                                                     (saved); all in a transaction rolled back
                                                     at the end, so the database is as seeded
    python -m tests.bench.upload floor FILE.csv     COPY of the same rows into a temporary
                                                     table of the hours table's shape
                                                     (constraints and indexes included)

Prints one JSON object: seconds, rows, peak RSS.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from participants.common import iso_week_label, week_monday  # noqa: E402
from participants.hours import upload as hours_upload  # noqa: E402
from participants.hours.models import HoursEntry  # noqa: E402
from participants.hours.services import HoursChecked  # noqa: E402
from participants.models import Citizen  # noqa: E402
from participants.track.rules import Track, track_prefetch  # noqa: E402
from partnerships.models import User  # noqa: E402

from . import targets  # noqa: E402
from .memory import measured  # noqa: E402

ROWS = 5000
# The kinds an upload adds beside what is there, and their Danish words in the file.
KINDS = {"training": "træning", "home_training": "hjemmetræning", "education": "uddannelse"}
COPY_COLUMNS = "citizen_id, week_start, iso_year, iso_week, kind, hours, registered_by_id"
COPY_COLUMNS += ", updated_at"


class _RolledBack(Exception):
    pass


def uploader() -> User:
    return User.objects.get(username=targets._an_actor())


def _candidates(user: User):
    """(citizen, Monday, kind, hours) for every week each of the actor's citizens may have
    hours in, newest weeks first, up to ROWS × 2."""
    today = timezone.localdate()
    citizens = (
        Citizen.objects.for_user(user, write=True)
        .prefetch_related(*track_prefetch())
        .order_by("pk")
    )
    tracks = [(citizen, Track.of(citizen, today=today)) for citizen in citizens]
    monday = week_monday(today) - timedelta(weeks=1)
    found = 0
    for _week in range(260):
        for citizen, track in tracks:
            if track.hours_errors(monday):
                continue
            for index, kind in enumerate(KINDS):
                yield citizen, monday, kind, Decimal(2 + index) + Decimal("0.5")
                found += 1
        if found >= ROWS * 2:
            return
        monday -= timedelta(weeks=1)


def prepare(path: Path) -> dict:
    user = uploader()
    rows = list(_candidates(user))
    lines = [",".join(hours_upload.COLUMNS)]
    for citizen, monday, kind, hours in rows:
        hours_text = f"{hours}".replace(".", ",")
        lines.append(f'{citizen.cpr},{iso_week_label(monday)},{KINDS[kind]},"{hours_text}"')
    # Keep the rows the upload's own check accepts (a week whose total would pass 80 hours
    # is dropped), refilled from the next candidates until ROWS pass together.
    header, waiting, kept = lines[0], lines[1:], []
    for _attempt in range(10):
        kept, waiting = kept + waiting[: ROWS - len(kept)], waiting[ROWS - len(kept) :]
        table = hours_upload.read_upload("timer.csv", _csv([header, *kept]))
        bad = {p.line for p in hours_upload.preview(user=user, rows=table).problems}
        if not bad:
            break
        kept = [line for number, line in enumerate(kept, start=2) if number not in bad]
    if len(kept) < ROWS or bad:
        raise SystemExit(f"no {ROWS} valid upload rows for {user.username}")
    path.write_bytes(_csv(lines[:1] + kept))
    # The same rows as the table's columns, for the floor's COPY.
    by_cpr = {citizen.cpr: citizen.pk for citizen, *_rest in rows}
    now = timezone.now().isoformat()
    out = io.StringIO()
    for line in csv.reader(io.StringIO("\n".join(kept))):
        cpr, week, word, hours = line
        monday = week_monday(_parse_week(week))
        kind = next(k for k, w in KINDS.items() if w == word)
        year, number, _day = monday.isocalendar()
        out.write(
            f"{by_cpr[cpr]}\t{monday}\t{year}\t{number}\t{kind}\t{hours.replace(',', '.')}"
            f"\t{user.pk}\t{now}\n"
        )
    Path(f"{path}.copy").write_text(out.getvalue())
    return {"rows": len(kept), "user": user.username}


def _parse_week(label: str):
    from participants.common import parse_iso_week

    return parse_iso_week(label)


def _csv(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def upload(path: Path) -> dict:
    user = uploader()
    content = path.read_bytes()
    saved = {}

    def work():
        try:
            with transaction.atomic():
                rows = hours_upload.read_upload(path.name, content)
                preview = hours_upload.preview(user=user, rows=rows)
                if not preview.ok:
                    raise RuntimeError(f"{len(preview.problems)} problems in the upload")
                # What the confirm page gets back from the session, as it gets it.
                kept = json.loads(json.dumps(preview.checked.as_data()))
                hours_upload.confirm(user=user, checked=HoursChecked.from_data(kept))
                saved["rows"] = len(preview.rows)
                raise _RolledBack
        except _RolledBack:
            pass

    _result, figures = measured(work)
    return {"rows": saved["rows"], **figures}


def floor(path: Path) -> dict:
    data = Path(f"{path}.copy").read_bytes()
    table = HoursEntry._meta.db_table

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'CREATE TEMP TABLE bench_hours (LIKE "{table}" INCLUDING ALL)')

        def work():
            with cursor.copy(f"COPY bench_hours ({COPY_COLUMNS}) FROM STDIN") as copy:
                copy.write(data)

        _result, figures = measured(work)
        cursor.execute("SELECT count(*) FROM bench_hours")
        rows = cursor.fetchone()[0]
        transaction.set_rollback(True)
    return {"rows": rows, **figures}


def main(mode: str, path: str) -> None:
    action = {"prepare": prepare, "upload": upload, "floor": floor}[mode]
    print(json.dumps(action(Path(path))))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
