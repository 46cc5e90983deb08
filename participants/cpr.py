"""CPR numbers: parsing, encryption at rest and the keyed hash that keeps one citizen per CPR.

A CPR number is `DDMMYY-SSSS` or ten digits. Only the date part is checked (no modulus-11:
valid numbers exist that fail it). Messages never repeat the number.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext_lazy as _

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


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[bytes, bytes]:
    """Separate encryption and hashing keys derived from one secret."""
    enc = hashlib.sha256(b"siv-cpr-encryption:" + secret.encode()).digest()
    mac = hashlib.sha256(b"siv-cpr-hmac:" + secret.encode()).digest()
    return base64.urlsafe_b64encode(enc), mac


def _secret() -> str:
    if not settings.SIV_FIELD_KEY:  # the settings refuse to start without it; a test may not
        raise ImproperlyConfigured("SIV_FIELD_KEY is empty.")
    return settings.SIV_FIELD_KEY


def encrypt(digits: str) -> str:
    return Fernet(_keys(_secret())[0]).encrypt(digits.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return Fernet(_keys(_secret())[0]).decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "A CPR number could not be decrypted with SIV_FIELD_KEY."
        ) from None


def keyed_hash(digits: str) -> str:
    """HMAC-SHA256 of the normalised number: finds a citizen without decrypting anyone."""
    return hmac.new(_keys(_secret())[1], digits.encode(), hashlib.sha256).hexdigest()
