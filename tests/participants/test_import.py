import csv
import io
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accelerator.models import Company, CompanyFinancial, CompanyStatus
from participants.importer.services import read_directory, run_import
from participants.models import (
    Citizen,
    ExitForm,
    FollowUp,
    HoursEntry,
    Placement,
    Visitation,
)
from partnerships.models import Cluster, Organisation
from siv.models import AuditEntry

pytestmark = pytest.mark.django_db
# A copy of the worked sample that comes with the domain description.
SAMPLE = Path(__file__).resolve().parent / "legacy_sample"

TABLES = (Citizen, Visitation, ExitForm, FollowUp, HoursEntry, Placement, Company, CompanyFinancial)


def snapshot():
    return {
        model.__name__: sorted(
            tuple(str(v) for v in row)
            for row in model.objects.values_list(*[f.attname for f in model._meta.concrete_fields])
        )
        for model in (*TABLES, Cluster, Organisation)
    }


@pytest.fixture
def sample(tmp_path):
    target = tmp_path / "legacy"
    shutil.copytree(SAMPLE, target)
    return target


def edit_line(path: Path, line: int, column: str, value: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[line - 1].split(",")
    cells[header.index(column)] = value
    lines[line - 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_sample_is_imported_completely(sample, capsys):
    call_command("import_legacy", str(sample))
    assert Citizen.objects.count() == 10
    assert Company.objects.count() == 4
    assert HoursEntry.objects.count() == 395
    assert Placement.objects.count() == 3
    assert Visitation.objects.filter(status="accepted").count() == 10
    assert ExitForm.objects.count() == 8
    deceased = ExitForm.objects.get(not_available_reason="deceased")
    assert deceased.status == "not_available"
    assert FollowUp.objects.filter(kind="2y").count() == 2
    cafe = Company.objects.get(cvr="35740023")
    assert cafe.status == CompanyStatus.DROPPED_OUT and cafe.dropped_out_on
    assert CompanyFinancial.objects.get(company__cvr="35740015", year=2022).ebitda == Decimal(
        "240000.00"
    )
    assert Company.objects.get(cvr="35740058").enrolled_cluster is None
    assert Organisation.objects.filter(name="Jobværkstedet Holstebro").exists()
    # Names are encrypted at rest: the citizen is found after reading, not by a lookup.
    (first,) = [c for c in Citizen.objects.all() if c.first_name == "Deltager1"]
    entry = HoursEntry.objects.get(citizen=first, kind="paid", iso_week=37)
    assert (entry.week_start, entry.iso_year, entry.hours) == (date(2020, 9, 7), 2020, 6)
    assert "Imported" in capsys.readouterr().out


def test_importing_the_same_files_twice_changes_nothing(sample):
    call_command("import_legacy", str(sample))
    before, audit_rows = snapshot(), AuditEntry.objects.count()
    result = run_import(read_directory(sample))
    assert result.ok and result.changes == 0
    assert snapshot() == before
    assert AuditEntry.objects.count() == audit_rows


def test_one_bad_row_imports_nothing_and_reports_file_line_and_column(sample):
    edit_line(sample / "participants.csv", 4, "gender", "Q")
    with pytest.raises(CommandError):
        call_command("import_legacy", str(sample))
    assert all(not model.objects.exists() for model in TABLES)
    result = run_import(read_directory(sample))
    first, *follow_on = result.errors
    assert (first.file, first.line, first.column, first.value) == (
        "participants.csv",
        4,
        "gender",
        "Q",
    )
    assert "Ukendt kode" in first.reason
    # The rejected participant's hours are rejected with it, and say why.
    assert follow_on and {e.reason for e in follow_on} == {
        "Deltageren er afvist i participants.csv."
    }


def test_rejected_rows_are_printed_and_the_cpr_number_is_masked(sample, capsys):
    edit_line(sample / "participants.csv", 2, "cpr", "310299-9876")
    edit_line(sample / "hours.csv", 3, "hours", "61")
    edit_line(sample / "placements.csv", 2, "company_cvr", "12345678")
    with pytest.raises(CommandError):
        call_command("import_legacy", str(sample))
    err = capsys.readouterr().err
    assert "participants.csv, linje 2, kolonne cpr, værdi '310299-XXXX'" in err
    assert "9876" not in err
    assert "hours.csv, linje 3, kolonne hours" in err
    assert "placements.csv, linje 2, kolonne company_cvr" in err


def test_hours_after_the_exit_or_over_80_a_week_are_rejected(sample):
    with (sample / "hours.csv").open("a", encoding="utf-8") as f:
        f.write("240472-2004,2020-W40,training,5\n")  # exit 2020-08-30
        f.write("150375-2009,2020-W20,paid,60\n")
        f.write("150375-2009,2020-W20,practice,30\n")
    result = run_import(read_directory(sample))
    reasons = {(e.column, e.reason) for e in result.errors}
    assert ("week", "Der kan ikke registreres timer efter ophør.") in reasons
    assert any(column == "hours" and "80" in reason for column, reason in reasons)
    assert not HoursEntry.objects.exists()


def test_a_missing_column_is_reported_on_line_1(sample):
    text = (sample / "companies.csv").read_text().replace("entry_year,", "entryyear,", 1)
    (sample / "companies.csv").write_text(text)
    result = run_import(read_directory(sample))
    assert ("companies.csv", 1, "entry_year") in {(e.file, e.line, e.column) for e in result.errors}


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("visitation_date", "2020-02-30"),
        ("municipality", "Atlantis"),
        ("exit_status", "retired"),
        ("cluster", "x"),
        ("benefit", ""),
    ],
)
def test_bad_participant_values_are_rejected(sample, column, value):
    edit_line(sample / "participants.csv", 3, column, value)
    result = run_import(read_directory(sample))
    assert (3, column) in {(e.line, e.column) for e in result.errors}
    assert not Citizen.objects.exists()


def test_hours_for_an_unknown_citizen_are_rejected(sample):
    with (sample / "hours.csv").open("a", encoding="utf-8") as f:
        f.write("010190-1111,2020-W20,paid,6\n")
    result = run_import(read_directory(sample))
    assert [(e.file, e.column, e.value) for e in result.errors] == [
        ("hours.csv", "cpr", "010190-XXXX")
    ]


def test_an_empty_directory_is_an_error(tmp_path):
    result = run_import(read_directory(tmp_path))
    assert not result.ok


def test_a_file_that_is_not_utf8_is_an_error_not_a_crash(sample):
    (sample / "companies.csv").write_bytes(
        (sample / "companies.csv").read_text().replace("Café", "Caf\xe9").encode("latin-1")
    )
    result = run_import(read_directory(sample))
    first = result.errors[0]
    assert (first.file, first.line, first.reason) == (
        "companies.csv",
        2,  # 'Grøn Vask' is the first non-UTF-8 byte
        "Filen skal være gemt som UTF-8.",
    )
    assert not Company.objects.exists()


def test_an_overlong_name_is_an_error_not_a_crash(sample):
    edit_line(sample / "participants.csv", 2, "first_name", "x" * 101)
    result = run_import(read_directory(sample))
    assert ("first_name", "Højst 100 tegn.") in {(e.column, e.reason) for e in result.errors}


def test_a_nul_byte_is_an_error_not_a_crash(sample):
    with (sample / "hours.csv").open("a", encoding="utf-8") as f:
        f.write("310770-2001,2020-W10\x00,paid,6\n")
    result = run_import(read_directory(sample))
    assert not result.ok
    assert not Citizen.objects.exists()


PARTICIPANT_COLUMNS = (
    "cpr,first_name,last_name,gender,municipality,cluster,employment_actor,target_group,"
    "benefit,visitation_date,phase1_start,phase2_start,exit_date,exit_status,followup_2y_status"
)
GOOD = [
    "150385-1234", "Ida", "Hansen", "F", "Køge", "1", "Stevns Beskæftigelse", "youth",
    "uddannelseshjaelp", "2020-02-21", "2020-03-02", "2020-09-01", "2021-03-01",
    "employed_flex", "employed_flex",
]  # fmt: skip
CELL = st.one_of(
    st.sampled_from(["", "x", "0", "-1", "2020-02-30", "2019-12-31", "deceased", "F", "Køge"]),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12),
)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(changes=st.dictionaries(st.integers(min_value=0, max_value=14), CELL, max_size=4))
def test_no_participant_row_crashes_the_import(changes):
    cells = list(GOOD)
    for index, value in changes.items():
        cells[index] = value
    buffer = io.StringIO()
    csv.writer(buffer).writerows([PARTICIPANT_COLUMNS.split(","), cells])
    result = run_import({"participants.csv": buffer.getvalue().encode()})
    assert result.ok or all(e.file == "participants.csv" for e in result.errors)


def test_a_practice_placement_past_the_exit_or_before_phase_1_rejects_the_whole_import(sample):
    # 310770-2001: phase 1 from 2020-03-02, exit 2021-01-26.
    edit_line(sample / "placements.csv", 2, "end", "2021-02-15")
    with (sample / "placements.csv").open("a", encoding="utf-8") as f:
        f.write("310770-2001,35740015,snuse_praktik,2020-02-10,2020-02-20,4\n")
        f.write("310770-2001,35740015,loentilskud,2021-01-04,2021-06-30,20\n")  # paid: runs on
    result = run_import(read_directory(sample))
    found = {(e.file, e.line, e.column, e.reason) for e in result.errors}
    assert found == {
        ("placements.csv", 2, "end", "Praktikken skal slutte senest på ophørsdagen."),
        (
            "placements.csv",
            len((sample / "placements.csv").read_text().splitlines()) - 1,
            "start",
            "Placeringen starter før forløbets start (fase 1).",
        ),
    }
    assert all(not model.objects.exists() for model in TABLES)


def test_dates_after_today_are_rejected(sample, settings):
    edit_line(sample / "participants.csv", 4, "exit_date", "2999-01-01")
    result = run_import(read_directory(sample))
    assert ("participants.csv", 4, "exit_date", "Datoen ligger efter i dag.") in {
        (e.file, e.line, e.column, e.reason) for e in result.errors
    }
    assert not Citizen.objects.exists()
