"""Token authentication against hashed keys (siv_api.models.ApiToken).

Clients send `Authorization: Token <prefix>.<secret>` as before; the prefix finds the row and
the secret's digest is compared in constant time. Unknown, malformed, expired and revoked
keys all answer the same 401."""

from __future__ import annotations

import hmac

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from siv.hashing import secret_digest

from .models import ApiToken
from .services import TokenRefusal, split_key, token_refused, token_used


class HashedTokenAuthentication(TokenAuthentication):
    model = ApiToken

    def authenticate_credentials(self, key):
        parts = split_key(key)
        if parts is None:
            raise self._refused(TokenRefusal.MALFORMED)
        prefix, secret = parts
        token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
        if token is None:
            raise self._refused(TokenRefusal.UNKNOWN)
        if not hmac.compare_digest(token.digest, secret_digest(secret)):
            raise self._refused(TokenRefusal.WRONG_SECRET, token)
        if token.revoked is not None:
            raise self._refused(TokenRefusal.REVOKED, token)
        if not token.is_usable:
            raise self._refused(TokenRefusal.EXPIRED, token)
        if not token.user.is_active:
            raise self._refused(TokenRefusal.INACTIVE_USER, token)
        token_used(token=token)
        return (token.user, token)

    @staticmethod
    def _refused(reason: TokenRefusal, token: ApiToken | None = None):
        token_refused(reason=reason, token=token)
        return exceptions.AuthenticationFailed(_("Ugyldig eller udløbet API-nøgle."))
