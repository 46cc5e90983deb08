"""One spreadsheet measurement of `make bench` in a process of its own, so its peak memory is
its own.

    python -m tests.bench.xlsx export OUT   the hours statement of the whole programme as the
                                            worker builds it (query, groups, workbook); the
                                            rows it wrote are saved to OUT
    python -m tests.bench.xlsx floor IN     openpyxl's write-only workbook writing those
                                            rows' values alone, with no query and no formats

Prints one JSON object: seconds, rows, bytes, peak RSS and its rise over the process's start.
"""

from __future__ import annotations

import json
import pickle
import sys
from io import BytesIO
from pathlib import Path

import django

django.setup()

from openpyxl import Workbook  # noqa: E402

from reporting import exports, selectors  # noqa: E402
from reporting.models import ReportFormat, ReportKind  # noqa: E402
from reporting.selectors import ReportParams  # noqa: E402

from .memory import measured  # noqa: E402


def build_export(rows_out: Path) -> tuple[bytes, int]:
    """The hours statement XLSX through the worker's builder; its rows saved on the way."""
    statement_of = selectors.hours_statement
    written = []

    def keep(*args, **kwargs):
        statement = statement_of(*args, **kwargs)
        written.extend(exports.hours_row(group) for group in statement.rows)
        return statement

    selectors.hours_statement = keep
    try:
        build = exports.BUILDERS[ReportKind.HOURS]
        content = build(ReportParams(), ReportFormat.XLSX, lambda percent: None).content
    finally:
        selectors.hours_statement = statement_of
    rows_out.write_bytes(pickle.dumps(written))
    return content, len(written)


def write_floor(rows_in: Path) -> tuple[bytes, int]:
    rows = pickle.loads(rows_in.read_bytes())
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Timeopgørelse")
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue(), len(rows)


def main(mode: str, path: str) -> None:
    (content, rows), figures = measured(
        lambda: (build_export if mode == "export" else write_floor)(Path(path))
    )
    result = {"rows": rows, "bytes": len(content), **figures}
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
