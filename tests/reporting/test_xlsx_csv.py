import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from reporting import services
from reporting.indicators import compute
from reporting.selectors import ReportParams, hours_statement

pytestmark = pytest.mark.django_db
PARAMS = ReportParams(end=date(2024, 12, 31))


def _artifact(kind, fmt):
    job = services.job_create(by=None, kind=kind, fmt=fmt, params=PARAMS, queue=False)
    artifact = services.run_job(job.pk)
    with artifact.file.open("rb") as handle:
        return handle.read()


def test_indicator_xlsx_reads_back_with_values_targets_and_formatting(programme):
    sheet = load_workbook(io.BytesIO(_artifact("indicators", "xlsx"))).active
    assert sheet["A1"].value == "Indikatorskema"
    assert [c.value for c in sheet[4]] == ["Kode", "Indikator", "Værdi", "Mål"]
    assert all(c.font.bold for c in sheet[4])
    assert sheet.column_dimensions["B"].width == 42
    rows = {r[0]: r for r in sheet.iter_rows(min_row=5, values_only=True)}
    expected = {row.code: row for row in compute(end=PARAMS.end)}
    assert set(rows) == set(expected)
    assert rows["P01"][2:] == (4, 120)
    assert rows["P03"][2] == expected["P03"].value == 1
    assert sheet["C5"].number_format == "#,##0"


def test_indicator_csv_has_the_stable_header_and_codes(programme):
    content = _artifact("indicators", "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == ["code", "label", "value", "target"]
    assert rows[1] == ["P01", "Tilmeldte deltagere", "4", "120"]
    assert [r[0] for r in rows[1:]][-1] == "C04"


def test_hours_xlsx_has_money_and_hour_formats(programme):
    sheet = load_workbook(io.BytesIO(_artifact("hours", "xlsx"))).active
    header = [c.value for c in sheet[4]]
    assert header[0] == "Måned" and header[-1] == "Beløb (kr.)"
    last = list(sheet[sheet.max_row])
    assert last[0].value == "I alt"
    assert last[5].value == 35
    assert last[7].value == 8750
    assert last[7].number_format == '#,##0.00 "kr."'
    assert sheet.cell(5, 1).value.date() == date(2024, 1, 1)
    assert sheet.cell(5, 1).number_format == "mm.yyyy"
    assert sheet.cell(5, 6).number_format == "#,##0.00"
    assert sheet.freeze_panes == "A5"  # the header stays in view
    assert all(c.font.bold for c in last)
    # One row per group of the statement, between the header and the total.
    groups = hours_statement(PARAMS).rows
    assert sheet.max_row == 4 + len(groups) + 1
    assert [
        row[1] for row in sheet.iter_rows(min_row=5, max_row=4 + len(groups), values_only=True)
    ] == [g["municipality"] for g in groups]


def test_esf_csv_lists_every_indicator_by_gender(programme):
    content = _artifact("esf", "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == ["Kode", "Indikator", "Kvinder", "Mænd", "Andet", "I alt"]
    assert rows[1][0] == "D00" and rows[1][-1] == "4"


@pytest.mark.parametrize("typed", ['=HYPERLINK("http://x")', "+1+2", "-1+2", "@SUM(A1)"])
def test_a_text_that_looks_like_a_formula_stays_a_text_in_xlsx_and_csv(typed):
    from reporting import exports

    sheet = exports._Sheet("Titel", PARAMS, ["Navn", "Tal"], [20, 10], {2: "#,##0"})
    sheet.add([typed, -5])
    cells = list(load_workbook(io.BytesIO(sheet.content())).active.iter_rows(min_row=5))[0]
    assert (cells[0].value, cells[0].data_type) == (typed, "s")
    assert (cells[1].value, cells[1].data_type) == (-5, "n")  # a number stays a number

    rows = list(csv.reader(io.StringIO(exports._csv(["Navn", "Tal"], [[typed, -5]]).decode())))
    assert rows[1] == [f"'{typed}", "-5"]
