"""What an uploaded file is, told by its bytes, never by its name: a file is accepted only
when its content is one of the kinds below, and stored with that kind's extension."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import BinaryIO

PDF = b"%PDF-"
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"
ZIP = b"PK\x03\x04"

# The main part of a Word document and of an Excel workbook in [Content_Types].xml; the
# macro-enabled kinds (.docm, .xlsm) name another and are refused.
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
ODT = b"application/vnd.oasis.opendocument.text"
# Text may hold tabs, line breaks and form feeds; any other control character means binary.
TEXT_CONTROLS = bytes(sorted(set(range(32)) - {9, 10, 12, 13}))
# Zip members read to tell the kind, at most this much each (a zip bomb is not unpacked).
ZIP_MEMBER_LIMIT = 1024 * 1024


@dataclass(frozen=True)
class Detected:
    content_type: str
    extension: str


def detect(file: BinaryIO, *, name: str = "") -> Detected | None:
    """The kind of the file's content, or None when it is none SIV accepts. `name` only
    chooses between the two names of plain text (.csv or .txt)."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(PDF):
        return Detected("application/pdf", ".pdf")
    if head.startswith(PNG):
        return Detected("image/png", ".png")
    if head.startswith(JPEG):
        return Detected("image/jpeg", ".jpg")
    if head.startswith(ZIP):
        return _office(file)
    if _is_text(file.read()):
        file.seek(0)
        if name.lower().endswith(".csv"):
            return Detected("text/csv", ".csv")
        return Detected("text/plain", ".txt")
    file.seek(0)
    return None


def _read_member(archive: zipfile.ZipFile, member: str) -> bytes | None:
    try:
        info = archive.getinfo(member)
    except KeyError:
        return None
    if info.file_size > ZIP_MEMBER_LIMIT:
        return None
    with archive.open(info) as part:
        return part.read(ZIP_MEMBER_LIMIT)


def _office(file: BinaryIO) -> Detected | None:
    try:
        with zipfile.ZipFile(file) as archive:
            mimetype = _read_member(archive, "mimetype")
            if mimetype is not None and mimetype.strip() == ODT:
                return Detected("application/vnd.oasis.opendocument.text", ".odt")
            types = _read_member(archive, "[Content_Types].xml") or b""
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        return None
    finally:
        file.seek(0)
    if DOCX_MAIN in types:
        return Detected(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"
        )
    if XLSX_MAIN in types:
        return Detected(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"
        )
    return None


def _is_text(data: bytes) -> bool:
    """UTF-8 or Windows-1252 (the spreadsheets' CSV) without control characters: in both,
    a control character is a byte of its own."""
    if not data or len(data.translate(None, TEXT_CONTROLS)) != len(data):
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False
