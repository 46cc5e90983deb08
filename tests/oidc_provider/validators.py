"""The provider's claims: `amr` and `groups` as a municipality's provider sends them, and
the misbehaviour the tests ask for through a user's `test-*` groups."""

import base64
import json
import time

from oauth2_provider.oauth2_validators import OAuth2Validator

from .groups import EXPIRED_ID_TOKEN, NO_MFA, TAMPERED_ID_TOKEN


def _groups(user) -> list[str]:
    return list(user.groups.order_by("name").values_list("name", flat=True))


class MunicipalValidator(OAuth2Validator):
    oidc_claim_scope = None  # every claim below, whatever the scopes

    def get_additional_claims(self, request):
        user = request.user
        groups = _groups(user)
        return {
            "preferred_username": user.username,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "email": user.email,
            "groups": groups,
            "amr": ["pwd"] if NO_MFA in groups else ["pwd", "mfa"],
        }

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        if EXPIRED_ID_TOKEN in _groups(request.user):
            claims["exp"] = int(time.time()) - 600
        return claims, expiration

    def finalize_id_token(self, id_token, token, token_handler, request):
        signed = super().finalize_id_token(id_token, token, token_handler, request)
        if TAMPERED_ID_TOKEN not in _groups(request.user):
            return signed
        # The payload changed after signing: the signature no longer matches.
        header, payload, signature = signed.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["groups"] = ["siv-administratorer"]
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        return f"{header}.{forged}.{signature}"

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        """A user disabled here gets no new tokens, as at Entra ID or AD FS."""
        valid = super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
        return valid and request.user.is_active
