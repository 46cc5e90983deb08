"""An employment actor uploads hours as CSV or XLSX: every problem shown by line and column
with the CPR masked, a foreign citizen reported as unknown, and then all or nothing."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from participants.hours import upload as hours_upload
from participants.models import HoursEntry
from tests.api.conftest import citizen_in

UPLOAD = reverse("participants:hours_upload")
CONFIRM = reverse("participants:hours_upload_confirm")
OWN_CPR = "150385-1234"
FOREIGN_CPR = "020291-2345"


@pytest.fixture
def citizens(personas):
    own = citizen_in(personas.own, personas.cluster, cpr=OWN_CPR, phase1_start=date(2024, 1, 8))
    foreign = citizen_in(
        personas.foreign, personas.cluster, cpr=FOREIGN_CPR, phase1_start=date(2024, 1, 8)
    )
    return own, foreign


def _csv(*lines: str, encoding="utf-8") -> SimpleUploadedFile:
    text = "\n".join(["cpr,week,kind,hours", *lines]) + "\n"
    return SimpleUploadedFile("timer.csv", text.encode(encoding), content_type="text/csv")


def _xlsx(*rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["cpr", "week", "kind", "hours"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("timer.xlsx", buffer.getvalue())


def _upload(client, upload):
    return client.post(UPLOAD, {"file": upload})


def test_a_clean_file_is_previewed_and_saved_only_on_confirm(personas, citizens, signed_in):
    own, _foreign = citizens
    client = signed_in(personas.actor)
    response = _upload(
        client, _csv(f'{OWN_CPR},2024-W03,training,"7,5"', f"{OWN_CPR},2024-W03,paid,4")
    )
    assert response.status_code == 200
    assert response.context["preview"].ok
    assert own.full_name in response.content.decode()
    assert not HoursEntry.objects.exists()
    token = response.context["confirm_token"]
    saved = client.post(CONFIRM, {"token": token}, follow=True)
    assert "2 rækker med timer er gemt." in saved.content.decode()
    assert dict(HoursEntry.objects.values_list("kind", "hours")) == {
        "training": Decimal("7.50"),
        "paid": Decimal("4.00"),
    }


def _csv_danish(*lines: str) -> SimpleUploadedFile:
    text = "\n".join(["cpr;uge;art;timer", *lines]) + "\n"
    return SimpleUploadedFile("timer.csv", text.encode(), content_type="text/csv")


def test_danish_columns_and_kinds_are_read(personas, citizens, signed_in):
    client = signed_in(personas.actor)
    response = _upload(
        client,
        _csv_danish(
            f"{OWN_CPR};2024-W03;Træning;7,5",
            f"{OWN_CPR};2024-W03;hjemmetræning;2",
            f"{OWN_CPR};2024-W03;løn;4",
            f"{OWN_CPR};2024-W03;uddannelse;3",
        ),
    )
    assert response.context["preview"].ok, response.context["preview"].problems
    client.post(CONFIRM, {"token": response.context["confirm_token"]})
    assert dict(HoursEntry.objects.values_list("kind", "hours")) == {
        "training": Decimal("7.50"),
        "home_training": Decimal("2.00"),
        "paid": Decimal("4.00"),
        "education": Decimal("3.00"),
    }


def test_an_unknown_kind_names_the_danish_kinds(personas, citizens, signed_in):
    response = _upload(signed_in(personas.actor), _csv_danish(f"{OWN_CPR};2024-W03;madlavning;5"))
    [problem] = response.context["preview"].problems
    assert (problem.line, problem.column, problem.value) == (2, "art", "madlavning")
    assert "træning, hjemmetræning, praktik, løn, uddannelse" in problem.reason


def test_the_page_shows_the_format_and_the_sample_file_reads_clean(personas, citizens, signed_in):
    client = signed_in(personas.actor)
    page = client.get(UPLOAD).content.decode()
    assert "cpr, uge, art og timer" in page and "<code>hjemmetræning</code>" in page
    sample = client.get(reverse("participants:hours_upload_sample"))
    assert sample["Content-Disposition"] == 'attachment; filename="timer-eksempel.csv"'
    rows = hours_upload.read_upload("timer-eksempel.csv", sample.content)
    assert [values["art"] for _line, values in rows] == ["træning", "praktik"]
    assert [values["timer"] for _line, values in rows] == ["7,5", "12"]


def test_confirm_without_the_preview_saves_nothing(personas, citizens, signed_in):
    client = signed_in(personas.actor)
    response = client.post(CONFIRM, {"token": "forged"}, follow=True)
    assert "Forhåndsvisningen er udløbet" in response.content.decode()
    assert not HoursEntry.objects.exists()


def test_every_problem_is_shown_by_line_and_column_and_nothing_is_saved(
    personas, citizens, signed_in
):
    client = signed_in(personas.actor)
    response = _upload(
        client,
        _csv(
            f"{OWN_CPR},2024-W03,training,5",
            "320185-1111,2024-W03,training,5",
            f"{OWN_CPR},2024-W99,training,5",
            f"{OWN_CPR},2024-W04,cooking,5",
            f"{OWN_CPR},2024-W05,training,tre",
        ),
    )
    problems = [(p.line, p.column) for p in response.context["preview"].problems]
    assert problems == [(3, "cpr"), (4, "uge"), (5, "art"), (6, "timer")]
    page = response.content.decode()
    assert "320185-XXXX" in page and "320185-1111" not in page
    assert "Gem timerne" not in page
    assert not HoursEntry.objects.exists()


def test_a_foreign_citizen_is_an_unknown_participant(personas, citizens, signed_in):
    response = _upload(signed_in(personas.actor), _csv(f"{FOREIGN_CPR},2024-W03,training,5"))
    [problem] = response.context["preview"].problems
    assert (problem.line, problem.column, problem.reason) == (2, "cpr", "Ukendt deltager.")
    assert problem.value == "020291-XXXX"


def test_the_hours_service_rules_apply(personas, citizens, signed_in):
    response = _upload(signed_in(personas.actor), _csv(f"{OWN_CPR},2023-W40,training,5"))
    [problem] = response.context["preview"].problems
    assert "før forløbets start" in problem.reason


def test_an_xlsx_file_works_like_a_csv_file(personas, citizens, signed_in):
    client = signed_in(personas.actor)
    response = _upload(client, _xlsx((OWN_CPR, "2024-W03", "training", 6.5)))
    assert response.context["preview"].ok
    client.post(CONFIRM, {"token": response.context["confirm_token"]})
    assert HoursEntry.objects.get().hours == Decimal("6.50")


def _xlsx_with_sheet(sheet_xml: str) -> SimpleUploadedFile:
    """A real workbook whose first sheet's XML is replaced (a damaged or hostile file)."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx((OWN_CPR, "2024-W03", "training", 6)).read()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = sheet_xml.encode()
            target.writestr(item, content)
    return SimpleUploadedFile("timer.xlsx", buffer.getvalue())


# A billion laughs: ten levels of ten entities each, a gigabyte once expanded.
ENTITY_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    "</sheetData></worksheet>"
)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (_csv("150385-1234,2024-W03,træning,5", encoding="latin-1"), "ikke UTF-8-kodet"),
        (SimpleUploadedFile("timer.xlsx", b"PK\x03\x04 not really"), "XLSX-regneark"),
        (_xlsx_with_sheet("<worksheet><sheetData><row>"), "XLSX-regneark"),
        (_xlsx_with_sheet(ENTITY_BOMB), "XLSX-regneark"),
        # Any entity declaration, even a small one (openpyxl reads through defusedxml).
        (_xlsx_with_sheet(ENTITY_BOMB.replace("lol9;", "lol0;")), "XLSX-regneark"),
        (SimpleUploadedFile("timer.pdf", b"%PDF-1.4"), "CSV- eller XLSX-fil"),
        (SimpleUploadedFile("timer.csv", b"a,b\n1,2\n"), "mangler kolonnen"),
        (SimpleUploadedFile("timer.csv", b""), "tom"),
    ],
)
def test_an_unreadable_file_gets_a_danish_message_not_a_500(
    personas, citizens, signed_in, upload, message
):
    response = _upload(signed_in(personas.actor), upload)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_too_large_file_is_refused(personas, citizens, signed_in, monkeypatch):
    monkeypatch.setattr(hours_upload, "MAX_UPLOAD_BYTES", 10)
    response = _upload(signed_in(personas.actor), _csv(f"{OWN_CPR},2024-W03,training,5"))
    assert "Filen er for stor" in response.content.decode()


def test_a_nine_digit_cpr_from_a_spreadsheet_gets_its_leading_zero_back(personas, signed_in):
    citizen_in(personas.own, personas.cluster, cpr="050390-1234", phase1_start=date(2024, 1, 8))
    response = _upload(signed_in(personas.actor), _xlsx((503901234, "2024-W03", "paid", 3)))
    assert response.context["preview"].ok


def test_uploaded_workbooks_are_read_through_defusedxml():
    import openpyxl

    assert openpyxl.DEFUSEDXML


def _xlsx_with(member: str, xml: str) -> bytes:
    """A real workbook with one member's XML replaced."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx((OWN_CPR, "2024-W03", "training", 6)).read()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = xml.encode() if item.filename == member else source.read(item.filename)
            target.writestr(item.filename, content)
    return buffer.getvalue()


def test_a_workbook_that_unpacks_past_the_limit_is_refused_unread(personas, signed_in):
    # A sheet of 30 MB, under 100 KB packed.
    bomb = _xlsx_with(
        "xl/worksheets/sheet1.xml",
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{' ' * 30_000_000}</sheetData></worksheet>",
    )
    assert len(bomb) < 100_000
    with pytest.raises(hours_upload.UploadUnreadable, match="fylder for meget"):
        hours_upload.read_upload("timer.xlsx", bomb)
    response = _upload(signed_in(personas.actor), SimpleUploadedFile("timer.xlsx", bomb))
    assert "Regnearket fylder for meget, når det pakkes ud (højst 25 MB)." in (
        response.content.decode()
    )


def test_a_sheet_declared_16384_columns_wide_is_read_in_its_first_columns(personas, citizens):
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1:XFD5002"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>cpr</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>week</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>kind</t></is></c>'
        '<c r="D1" t="inlineStr"><is><t>hours</t></is></c></row>'
        f'<row r="2"><c r="A2" t="inlineStr"><is><t>{OWN_CPR}</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>2024-W03</t></is></c>'
        '<c r="C2" t="inlineStr"><is><t>training</t></is></c><c r="D2"><v>6</v></c></row>'
        "</sheetData></worksheet>"
    )
    content = _xlsx_with("xl/worksheets/sheet1.xml", sheet)
    assert hours_upload._read_xlsx(content)[1][:4] == [OWN_CPR, "2024-W03", "training", "6"]
    assert max(len(row) for row in hours_upload._read_xlsx(content)) <= hours_upload.MAX_COLUMNS
    [(line, row)] = hours_upload.read_upload("timer.xlsx", content)
    assert (line, row["timer"]) == (2, "6")
