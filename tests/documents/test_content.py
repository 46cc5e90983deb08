"""A file's kind is told by its bytes, not its name."""

import io
import zipfile

import pytest

from documents.content import detect

DOCX_TYPES = (
    '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
XLSX_TYPES = DOCX_TYPES.replace(
    "wordprocessingml.document.main", "spreadsheetml.sheet.main"
).replace("word/document", "xl/workbook")
DOCM_TYPES = DOCX_TYPES.replace(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
)


def zipped(**members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name.replace("__", "."), text)
    return buffer.getvalue()


def content_types(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", text)
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "content_type", "extension"),
    [
        (b"%PDF-1.4\n...", "x.bin", "application/pdf", ".pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "billede.pdf", "image/png", ".png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "foto", "image/jpeg", ".jpg"),
        (
            content_types(DOCX_TYPES),
            "brev.pdf",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx",
        ),
        (
            content_types(XLSX_TYPES),
            "ark.docx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ".xlsx",
        ),
        (
            zipped(mimetype="application/vnd.oasis.opendocument.text", content__xml="<x/>"),
            "notat.odt",
            "application/vnd.oasis.opendocument.text",
            ".odt",
        ),
        ("cpr;navn\r\n1;Søren\r\n".encode(), "liste.csv", "text/csv", ".csv"),
        ("Tekst på dansk: æøå".encode("cp1252"), "noter.txt", "text/plain", ".txt"),
    ],
)
def test_an_accepted_kind_is_told_by_its_bytes(data, name, content_type, extension):
    detected = detect(io.BytesIO(data), name=name)
    assert detected is not None
    assert (detected.content_type, detected.extension) == (content_type, extension)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00" + bytes(64), "erklaering.pdf"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(64), "samtykke.docx"),
        (content_types(DOCM_TYPES), "makro.docx"),
        (zipped(readme__txt="hello"), "arkiv.xlsx"),
        (b"PK\x03\x04 not really a zip", "brev.docx"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00", "billede.png"),
        (b"", "tom.txt"),
    ],
)
def test_anything_else_is_refused_whatever_its_name(data, name):
    assert detect(io.BytesIO(data), name=name) is None


def test_the_file_is_read_from_its_start_afterwards():
    file = io.BytesIO(b"%PDF-1.4 rest")
    detect(file)
    assert file.read() == b"%PDF-1.4 rest"
