"""CPR numbers: parsing, encryption at rest and the keyed hash that keeps one citizen per CPR.

A CPR number is `DDMMYY-SSSS` or ten digits. Only the date part is checked (no modulus-11:
valid numbers exist that fail it). Messages never repeat the number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from siv import keyring

_CPR_RE = re.compile(r"^(\d{2})(\d{2})(\d{2})-?(\d{4})$")


@dataclass(frozen=True)
class Cpr:
    digits: str  # ten digits, no dash
    birth_date: date

    @property
    def masked(self) -> str:
        return mask(self.digits)


def century_for(year2: int, seventh: int) -> int:
    """The birth century by the standard rule on the 7th digit (first of the serial)."""
    if seventh <= 3:
        return 1900
    if seventh in (4, 9):
        return 2000 if year2 <= 36 else 1900
    # 5, 6, 7, 8
    return 2000 if year2 <= 57 else 1800


def parse(value: object) -> Cpr:
    """The normalised CPR number and birth date, or a ValidationError (never echoing it)."""
    if not isinstance(value, str):
        raise ValidationError(_("CPR-nummeret skal angives som tekst."), code="cpr_type")
    text = value.strip()
    if not text:
        raise ValidationError(_("CPR-nummer mangler."), code="cpr_required")
    match = _CPR_RE.match(text) if text.isascii() else None
    if match is None:
        raise ValidationError(
            _("CPR-nummeret skal skrives som DDMMÅÅ-XXXX eller som ti cifre."),
            code="cpr_format",
        )
    day, month, year2, serial = match.groups()
    year = century_for(int(year2), int(serial[0])) + int(year2)
    try:
        birth = date(year, int(month), int(day))
    except ValueError:
        raise ValidationError(
            _("CPR-nummerets første seks cifre er ikke en gyldig dato."), code="cpr_date"
        ) from None
    return Cpr(digits=f"{day}{month}{year2}{serial}", birth_date=birth)


def mask(value: str) -> str:
    """`DDMMYY-XXXX` for a normalised number; anything else is masked completely."""
    digits = (value or "").replace("-", "").strip()
    if len(digits) >= 6 and digits[:6].isdigit():
        return f"{digits[:6]}-XXXX"
    return "XXXXXX-XXXX"


def encrypt(digits: str) -> str:
    return keyring.encrypt(digits)


def decrypt(token: str) -> str:
    return keyring.decrypt(token)


# The purpose that keys the CPR search hash (siv/keyring.py).
HASH_PURPOSE = "cpr"


def keyed_hash(digits: str) -> str:
    """HMAC-SHA256 of the normalised number under the newest key: what a citizen's row keeps,
    and finds a citizen without decrypting anyone."""
    return keyring.keyed_hash(HASH_PURPOSE, digits)


def keyed_hashes(digits: str) -> list[str]:
    """The number's hash under every key, newest first, for lookups: a citizen whose row
    `rekey_fields` has not reached yet after a new key still has the older key's hash."""
    return keyring.keyed_hashes(HASH_PURPOSE, digits)
