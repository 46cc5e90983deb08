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
from .services import split_key, token_used


class HashedTokenAuthentication(TokenAuthentication):
    model = ApiToken

    def authenticate_credentials(self, key):
        refused = exceptions.AuthenticationFailed(_("Ugyldig eller udløbet API-nøgle."))
        parts = split_key(key)
        if parts is None:
            raise refused
        prefix, secret = parts
        token = ApiToken.objects.usable().select_related("user").filter(prefix=prefix).first()
        if token is None or not hmac.compare_digest(token.digest, secret_digest(secret)):
            raise refused
        if not token.user.is_active:
            raise refused
        token_used(token=token)
        return (token.user, token)
