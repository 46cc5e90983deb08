"""The configured OpenID Connect provider, through Authlib: discovery, the authorization
code flow with PKCE, state and nonce, the ID token's checks and the refresh grant."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from authlib.integrations.django_client import OAuth
from django.conf import settings

from siv.context_processors import provider_sign_in_configured as configured

__all__ = ["configured", "client", "issuer", "id_token_checks", "mfa_passed"]

# The ID token's lifetime is checked with this much allowance for the clocks' difference.
CLOCK_LEEWAY_SECONDS = 30


def issuer() -> str:
    """The issuer as configured: the ID token's `iss` must be exactly this."""
    return settings.SIV_OIDC_ISSUER


def client():
    """Authlib's client for the configured provider (its discovery document read once)."""
    return _client(
        issuer(),
        settings.SIV_OIDC_CLIENT_ID,
        settings.SIV_OIDC_CLIENT_SECRET,
        settings.SIV_OIDC_SCOPES,
    )


@lru_cache(maxsize=4)
def _client(issuer: str, client_id: str, client_secret: str, scopes: str):
    oauth = OAuth()
    return oauth.register(
        name="siv",
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=f"{issuer.rstrip('/')}/.well-known/openid-configuration",
        client_kwargs={"scope": scopes, "code_challenge_method": "S256", "timeout": 10},
    )


def id_token_checks() -> dict[str, Any]:
    """Issuer and audience must be ours (Authlib checks the signature, expiry and nonce)."""
    return {
        "iss": {"essential": True, "value": issuer()},
        "aud": {"essential": True, "value": settings.SIV_OIDC_CLIENT_ID},
    }


def mfa_passed(claims: dict[str, Any]) -> bool:
    """The ID token says the provider asked for a second factor: one of SIV_OIDC_MFA_VALUES
    among its `amr` values, or as its `acr` (SIV_OIDC_MFA_CLAIM); with the claim empty,
    the provider's word is not asked."""
    claim = settings.SIV_OIDC_MFA_CLAIM
    if not claim:
        return True
    accepted = set(settings.SIV_OIDC_MFA_VALUES)
    value = claims.get(claim)
    given = set(value) if isinstance(value, list) else {value}
    return bool(accepted & given)
