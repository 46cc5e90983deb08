"""Building the export files. Each builder takes ReportParams and returns (filename, bytes).

Called by services.run_job() (in a Celery worker or in-process by `manage.py report`);
`progress(percent)` lets the job show how far it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from siv import registry

from . import charts, esf, selectors
from .models import HEADINGS, ReportFormat, ReportKind
from .selectors import ReportParams

Progress = Callable[[int], None]
CONTENT_TYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.CSV: "text/csv; charset=utf-8",
}
INT_FORMAT = "#,##0"
HOURS_FORMAT = "#,##0.00"
MONEY_FORMAT = '#,##0.00 "kr."'
DATE_FORMAT = "dd.mm.yyyy"


@dataclass(frozen=True)
class Built:
    filename: str
    content: bytes
    content_type: str


def render_pdf(template: str, context: dict, *, title: str) -> bytes:
    # WeasyPrint parses its stylesheets on import: load it with the first PDF, not at startup.
    from siv.pdf import render_pdf as render

    return render(template, context, title=title)


def _stem(kind: str, params: ReportParams) -> str:
    return f"{kind}-{params.period_end:%Y%m%d}"


# A text beginning with one of these is taken for a formula by spreadsheet programs: an
# export carrying what a user typed must never run it (formula injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


class _Sheet:
    """A one-sheet workbook written as it goes (openpyxl's write-only mode): each row is
    streamed out when it is added, so a statement of 100,000 rows costs the same per row as
    one of ten, in time and in memory. Columns have their widths and number formats (by
    column number, from 1) from the start; a title, the scope and period and the header
    come first, and the header stays in view."""

    def __init__(
        self,
        title: str,
        params: ReportParams,
        header: list[str],
        widths: list[int],
        formats: dict[int, str],
    ):
        self.book = Workbook(write_only=True)
        self.subtitle = f"{params.describe()} · {params.period()}"
        self.next_sheet(title, header, widths, formats)

    def next_sheet(
        self,
        title: str,
        header: list[str],
        widths: list[int],
        formats: dict[int, str],
        *,
        name: str = "",
    ) -> None:
        """Start a sheet (named `name`, else by its title) with its title, scope, period and
        header; the rows added from now on go into it."""
        self.sheet = self.book.create_sheet((name or title)[:31])
        for i, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(i)].width = width
        self.sheet.freeze_panes = "A5"
        self.formats = formats
        # One cell per formatted column, given each row's value in turn: the sheet writes a
        # row as it is added, and a cell styled once costs no style lookup per row.
        self.formatted = {}
        for column, number_format in formats.items():
            cell = WriteOnlyCell(self.sheet)
            cell.number_format = number_format
            self.formatted[column] = cell
        self._row([title], font=Font(bold=True, size=14))
        self._row([self.subtitle])
        self.sheet.append([])
        self._row(header, font=Font(bold=True), alignment=Alignment(wrap_text=True, vertical="top"))

    def add(self, values: list, *, bold: bool = False) -> None:
        """A row of values, each number and date in its column's number format."""
        if bold or any(map(_formula_like, values)):
            self._row(values, font=Font(bold=True) if bold else None, formats=self.formats)
            return
        cells = []
        for column, value in enumerate(values, start=1):
            cell = self.formatted.get(column)
            if cell is None or isinstance(value, str | None):
                cells.append(value)
            else:
                cell.value = value
                cells.append(cell)
        self.sheet.append(cells)

    def _row(self, values: list, *, font=None, alignment=None, formats=None) -> None:
        cells = []
        for column, value in enumerate(values, start=1):
            number_format = None if isinstance(value, str | None) else (formats or {}).get(column)
            text = _formula_like(value)
            if font is None and alignment is None and number_format is None and not text:
                cells.append(value)  # a plain value is written as it is, with no cell object
                continue
            cell = WriteOnlyCell(self.sheet, value=value)
            if text:
                cell.data_type = "s"  # stored as the text it is, never as a formula
            if number_format is not None:
                cell.number_format = number_format
            if font is not None:
                cell.font = font
            if alignment is not None:
                cell.alignment = alignment
            cells.append(cell)
        self.sheet.append(cells)

    def content(self) -> bytes:
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()


def _csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    # CSV has no cell types: a leading apostrophe keeps a formula-like text a text.
    writer.writerows(
        [f"'{value}" if _formula_like(value) else value for value in row] for row in rows
    )
    # A byte-order mark so spreadsheet programs read the Danish letters right.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _common(params: ReportParams, title: str) -> dict:
    return {
        "params": params,
        "period": params.period(),
        "scope": params.describe(),
        "generated": timezone.localtime(),
        "project": selectors.project_settings(),
        "report_title": title,
    }


# --- Indicator schema ---------------------------------------------------------------------------


LEVEL_SHEET = {"region": "Regioner", "cluster": "Klynger", "municipality": "Kommuner"}
LEVEL_UNIT = {"region": "Region", "cluster": "Klynge", "municipality": "Kommune"}
LEVEL_HEADING = {"region": "Pr. region", "cluster": "Pr. klynge", "municipality": "Pr. kommune"}


def _level_rows(levels) -> dict[str, list[tuple[str, object]]]:
    """Each level's (unit, indicator row) pairs, unit by unit and code by code."""
    return {
        level: [
            (selectors.unit_label(level, unit), row) for unit, rows in units.items() for row in rows
        ]
        for level, units in levels.by_level.items()
    }


def indicators_by_level(params: ReportParams, fmt: str, progress: Progress) -> Built:
    """The indicators of every unit of one level (params.by) as CSV: unit,code,value,target."""
    levels = selectors.indicator_levels(params)
    progress(60)
    content = _csv(
        ["unit", "code", "value", "target"],
        [
            [unit, row.code, row.value, "" if row.target is None else row.target]
            for unit, row in _level_rows(levels)[params.by]
        ],
    )
    stem = _stem(f"indikatorskema-{params.by}", params)
    return Built(f"{stem}.csv", content, CONTENT_TYPES[ReportFormat.CSV])


def indicators(params: ReportParams, fmt: str, progress: Progress) -> Built:
    if fmt == ReportFormat.CSV and params.by:
        return indicators_by_level(params, fmt, progress)
    rows, funnel = selectors.indicators_with_funnel(params)
    progress(40)
    by_level = _level_rows(selectors.indicator_levels(params)) if fmt != ReportFormat.CSV else {}
    progress(60)
    stem = _stem("indikatorskema", params)
    if fmt == ReportFormat.CSV:
        content = _csv(
            ["code", "label", "value", "target"],
            [[r.code, r.label, r.value, "" if r.target is None else r.target] for r in rows],
        )
        return Built(f"{stem}.csv", content, CONTENT_TYPES[ReportFormat.CSV])
    if fmt == ReportFormat.XLSX:
        sheet = _Sheet(
            "Indikatorskema",
            params,
            ["Kode", "Indikator", "Værdi", "Mål"],
            [8, 42, 12, 12],
            {3: INT_FORMAT, 4: INT_FORMAT},
        )
        for r in rows:
            sheet.add([r.code, r.label, r.value, r.target])
        for level, unit_rows in by_level.items():
            sheet.next_sheet(
                f"Indikatorskema {LEVEL_HEADING[level].lower()}",
                [LEVEL_UNIT[level], "Kode", "Indikator", "Værdi", "Mål"],
                [24, 8, 42, 12, 12],
                {4: INT_FORMAT, 5: INT_FORMAT},
                name=LEVEL_SHEET[level],
            )
            for unit, r in unit_rows:
                sheet.add([unit, r.code, r.label, r.value, r.target])
        return Built(f"{stem}.xlsx", sheet.content(), CONTENT_TYPES[fmt])
    context = {
        **_common(params, "Indikatorskema"),
        "rows": rows,
        "funnel_chart": charts.funnel_chart(funnel),
        "levels": [
            {"heading": LEVEL_HEADING[level], "unit": LEVEL_UNIT[level], "rows": unit_rows}
            for level, unit_rows in by_level.items()
        ],
    }
    pdf = render_pdf("reporting/pdf/indicators.html", context, title="Indikatorskema")
    return Built(f"{stem}.pdf", pdf, CONTENT_TYPES[ReportFormat.PDF])


# --- Hours statement ----------------------------------------------------------------------------


HOURS_HEADER = [
    "Måned",
    "Kommune",
    "Ydelse",
    "Timetype",
    "Deltagere",
    "Timer",
    "Timer inden for loft",
    "Beløb (kr.)",
]


# WeasyPrint lays out some 160 table rows a second and holds every page in memory until the
# file is written (1,000 rows: 6 s and 330 MB; a national half-year's 8,700: 76 s and 2 GB).
# A statement with more groups than this is made as a spreadsheet, which streams its rows.
HOURS_PDF_MAX_GROUPS = 1000


def hours_pdf_fits(groups: int) -> bool:
    return groups <= HOURS_PDF_MAX_GROUPS


def check_hours_pdf(groups: int) -> None:
    """A hours statement of this many groups can be made as a PDF, or a clear error."""
    if not hours_pdf_fits(groups):
        raise ValidationError(
            _(
                "Timeopgørelsen har %(groups)s rækker, og en PDF kan højst rumme %(most)s. "
                "Vælg en kortere periode eller et mindre område, eller dan den som XLSX, "
                "der rummer alle rækker."
            )
            % {
                "groups": formats.number_format(groups, force_grouping=True),
                "most": formats.number_format(HOURS_PDF_MAX_GROUPS, force_grouping=True),
            },
            code="too_many_rows",
        )


def hours_row(group: dict) -> list:
    """A group of the statement as a spreadsheet row (HOURS_HEADER's columns)."""
    return [
        group["month"],
        group["municipality"],
        str(group["benefit"]),
        str(group["kind"]),
        group["citizens"],
        group["hours"],
        group["eligible"],
        group["amount"],
    ]


def hours(params: ReportParams, fmt: str, progress: Progress) -> Built:
    statement = selectors.hours_statement(params)
    if fmt == ReportFormat.PDF:
        check_hours_pdf(len(statement.rows))
    progress(60)
    stem = _stem("timeopgoerelse", params)
    if fmt == ReportFormat.XLSX:
        sheet = _Sheet(
            "Timeopgørelse",
            params,
            HOURS_HEADER,
            [11, 18, 26, 26, 11, 12, 16, 16],
            {
                1: "mm.yyyy",
                5: INT_FORMAT,
                6: HOURS_FORMAT,
                7: HOURS_FORMAT,
                8: MONEY_FORMAT,
            },
        )
        for group in statement.rows:
            sheet.add(hours_row(group))
        sheet.add(
            [
                "I alt",
                "",
                "",
                "",
                None,
                statement.total_hours,
                statement.eligible_hours,
                statement.amount,
            ],
            bold=True,
        )
        content = sheet.content()
        return Built(f"{stem}.xlsx", content, CONTENT_TYPES[fmt])
    context = {
        **_common(params, "Timeopgørelse til medfinansiering"),
        "statement": statement,
        "chart": charts.bar_chart(
            "Timer pr. måned",
            [(formats.date_format(m["month"], "m.Y"), m["hours"]) for m in statement.by_month],
        ),
    }
    pdf = render_pdf("reporting/pdf/hours.html", context, title="Timeopgørelse")
    return Built(f"{stem}.pdf", pdf, CONTENT_TYPES[ReportFormat.PDF])


# --- ESF common indicators ----------------------------------------------------------------------


def esf_indicators(params: ReportParams, fmt: str, progress: Progress) -> Built:
    rows = esf.compute(scope=params.scope, start=params.start, end=params.end)
    progress(60)
    stem = _stem("esf-indikatorer", params)
    header = ["Kode", "Indikator", "Kvinder", "Mænd", "Andet", "I alt"]
    data = [
        [r.code, r.label, r.by_gender["F"], r.by_gender["M"], r.by_gender["X"], r.total]
        for r in rows
    ]
    if fmt == ReportFormat.CSV:
        return Built(f"{stem}.csv", _csv(header, data), CONTENT_TYPES[ReportFormat.CSV])
    sheet = _Sheet(
        "ESF-fællesindikatorer",
        params,
        header,
        [8, 60, 10, 10, 10, 10],
        dict.fromkeys(range(3, 7), INT_FORMAT),
    )
    for values in data:
        sheet.add(values)
    return Built(f"{stem}.xlsx", sheet.content(), CONTENT_TYPES[fmt])


# --- Progress statement and final report --------------------------------------------------------


def report_context(kind: str, params: ReportParams, progress: Progress) -> dict:
    start = params.start or date(params.period_end.year, 1, 1)
    sections = selectors.narrative_texts(
        kind=kind, start=start, end=params.period_end, sub_project=params.sub_project
    )
    indicator_rows, clusters, funnel, partner_employed = selectors.indicators_and_clusters(params)
    progress(50)
    statement = selectors.hours_statement(params, by_month_only=True)
    camps = list(selectors.camps_held(params))
    companies = selectors.company_status(params)
    progress(70)
    return {
        "sections": sections,
        "indicators": indicator_rows,
        "partner_employed": partner_employed,
        "funnel": funnel,
        "clusters": clusters,
        "hours": statement,
        "camps": camps,
        "companies": companies,
        "funnel_chart": charts.funnel_chart(funnel),
        "cluster_chart": charts.bar_chart(
            "Stadig aktive pr. klynge",
            [(f"Klynge {c['cluster']}", c["P07"]) for c in clusters],
        ),
        "hours_chart": charts.bar_chart(
            "Timer pr. måned",
            [(formats.date_format(m["month"], "m.Y"), m["hours"]) for m in statement.by_month],
        ),
        # What other apps fill in (the economy under the progress statement's headings).
        **registry.report_context(kind, params),
    }


def narrative_report(kind: str):
    title = {ReportKind.PROGRESS: "Projektredegørelse", ReportKind.FINAL: "Slutrapport"}[kind]

    def build(params: ReportParams, fmt: str, progress: Progress) -> Built:
        context = {**_common(params, title), **report_context(kind, params, progress)}
        # A sub-project's statement carries its own name, journal number and project period.
        context["project"] = selectors.report_identity(params.sub_project)
        context["headings_count"] = len(HEADINGS[kind])
        pdf = render_pdf("reporting/pdf/report.html", context, title=title)
        stem = _stem(
            "projektredegoerelse" if kind == ReportKind.PROGRESS else "slutrapport", params
        )
        return Built(f"{stem}.pdf", pdf, CONTENT_TYPES[ReportFormat.PDF])

    return build


BUILDERS = {
    ReportKind.INDICATORS: indicators,
    ReportKind.HOURS: hours,
    ReportKind.ESF: esf_indicators,
    ReportKind.PROGRESS: narrative_report(ReportKind.PROGRESS),
    ReportKind.FINAL: narrative_report(ReportKind.FINAL),
}
