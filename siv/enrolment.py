"""Enrolment codes for the second factor: where SIV_REQUIRE_2FA holds, a user without a TOTP
device sets one up only with a one-time code from an administrator, so a stolen password
alone cannot enrol the thief's phone."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .hashing import secret_digest
from .models import EnrolmentCode
from .one_time import issue_one_time

# No 0/O or 1/I/L: the code is read aloud or copied from a note.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 10


def _digest(code: str) -> str:
    return secret_digest(code.replace("-", "").replace(" ", "").upper())


def enrolment_code_issue(*, user: Any, by: Any) -> str:
    """A new code for the user, valid SIV_ENROLMENT_CODE_HOURS; earlier unused codes lapse.
    Returns the code, the only time it is known in clear."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    issue_one_time(
        EnrolmentCode,
        user=user,
        by=by,
        digest=_digest(code),
        hours=settings.SIV_ENROLMENT_CODE_HOURS,
        details={"code_for": user.pk},
    )
    return f"{code[:5]}-{code[5:]}"


def enrolment_code_redeem(*, user: Any, code: str) -> bool:
    """Use the user's valid code, once, and drop any unconfirmed device, so the set-up makes
    one with a fresh secret. False when the code is wrong, used or expired."""
    now = timezone.now()
    with transaction.atomic():
        candidates = EnrolmentCode.objects.select_for_update().filter(
            user=user, used__isnull=True, expires__gt=now
        )
        digest = _digest(code)
        for candidate in candidates:
            if hmac.compare_digest(candidate.digest, digest):
                audit.save_and_record(obj=candidate, by=user, changes={"used": now})
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                return True
    return False
