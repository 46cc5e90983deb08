import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from reporting.models import ReportArtifact

pytestmark = pytest.mark.django_db


def test_report_command_writes_the_hours_statement_as_xlsx(programme, tmp_path):
    out = tmp_path / "timer.xlsx"
    call_command("report", "hours", "--out", str(out), "--format", "xlsx", "--to", "2024-12-31")
    sheet = load_workbook(out).active
    assert sheet["A1"].value == "Timeopgørelse"
    assert ReportArtifact.objects.count() == 1


def test_report_command_scopes_the_indicator_pdf(programme, tmp_path):
    out = tmp_path / "i.pdf"
    call_command("report", "indicators", "--out", str(out), "--municipality", "Næstved")
    text = " ".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Næstved" in text
    assert "P01 Tilmeldte deltagere 1" in " ".join(text.split())


def test_report_command_refuses_a_format_the_report_lacks(tmp_path):
    with pytest.raises(CommandError):
        call_command("report", "progress", "--out", str(tmp_path / "x"), "--format", "csv")
