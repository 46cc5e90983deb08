"""WebAuthn (security keys, platform authenticators) as a second choice of second factor,
beside the TOTP app (py_webauthn). Two ceremonies, each a challenge the server keeps in the
session and the browser's authenticator signs:

- registration, from a session that has passed the second factor: the new key's credential
  is stored (siv.models.WebAuthnDevice);
- authentication, at the second-factor step: a signature by one of the user's keys passes it
  as a TOTP code would.

The relying party is the host the user reached the app on (ALLOWED_HOSTS admits only ours)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import PublicKeyCredentialDescriptor

from . import audit
from .models import AuditAction, WebAuthnDevice

# The session's pending challenges, one per ceremony.
REGISTRATION = "siv_webauthn_registration"
AUTHENTICATION = "siv_webauthn_authentication"


def _party(request) -> tuple[str, str]:
    """(relying party id, origin) of this request: its host name, and scheme, host and port."""
    host = request.get_host()
    return urlsplit(f"//{host}").hostname or host, f"{request.scheme}://{host}"


def _descriptors(user: Any) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(id=base64url_to_bytes(credential_id))
        for credential_id in WebAuthnDevice.objects.filter(user=user).values_list(
            "credential_id", flat=True
        )
    ]


def registration_options(request) -> str:
    """The options for navigator.credentials.create(), as JSON; the challenge stays in the
    session. The user's keys are excluded, so one key is not registered twice."""
    rp_id, _origin = _party(request)
    user = request.user
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=settings.OTP_TOTP_ISSUER,
        user_name=user.get_username(),
        user_id=str(user.pk).encode(),
        user_display_name=user.get_full_name() or user.get_username(),
        exclude_credentials=_descriptors(user),
    )
    request.session[REGISTRATION] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def _refused() -> ValidationError:
    return ValidationError(_("Nøglen kunne ikke bekræftes. Prøv igen."))


def register(request, *, credential: str, name: str) -> WebAuthnDevice:
    """Verify the browser's answer to the registration challenge and store the key."""
    challenge = request.session.pop(REGISTRATION, None)
    if not challenge:
        raise _refused()
    rp_id, origin = _party(request)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise _refused() from error
    with transaction.atomic():
        # The public key is set on the record, not among the changes the log shows.
        key = WebAuthnDevice(
            user=request.user, confirmed=True, public_key=verified.credential_public_key
        )
        return audit.save_and_record(
            obj=key,
            by=request.user,
            changes={
                "name": (name or _("Sikkerhedsnøgle"))[:64],
                "credential_id": bytes_to_base64url(verified.credential_id),
                "sign_count": verified.sign_count,
            },
        )


def authentication_options(request) -> str | None:
    """The options for navigator.credentials.get() with the user's keys, as JSON (the
    challenge stays in the session); None when the user has no key."""
    allowed = _descriptors(request.user)
    if not allowed:
        return None
    rp_id, _origin = _party(request)
    options = generate_authentication_options(rp_id=rp_id, allow_credentials=allowed)
    request.session[AUTHENTICATION] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def authenticate(request, *, credential: str) -> WebAuthnDevice:
    """Verify the browser's answer to the authentication challenge with one of the user's
    keys; the key's counter moves on. A refusal is logged as a failed second factor."""
    challenge = request.session.pop(AUTHENTICATION, None)
    try:
        credential_id = json.loads(credential)["id"]
        device = WebAuthnDevice.objects.get(user=request.user, credential_id=credential_id)
        if not challenge:
            raise ValueError("no challenge")
        rp_id, origin = _party(request)
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=bytes(device.public_key),
            credential_current_sign_count=device.sign_count,
        )
    except (
        WebAuthnException,
        WebAuthnDevice.DoesNotExist,
        ValueError,
        KeyError,
        TypeError,
    ) as error:
        audit.record(AuditAction.LOGIN_FAILED, actor=request.user, details={"reason": "webauthn"})
        raise _refused() from error
    WebAuthnDevice.objects.filter(pk=device.pk).update(
        sign_count=verified.new_sign_count, last_used=timezone.now()
    )
    return device


@transaction.atomic
def remove(*, device: WebAuthnDevice, by: Any) -> None:
    audit.delete_and_record(obj=device, by=by)
