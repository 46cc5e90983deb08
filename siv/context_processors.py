from django.conf import settings

from .registry import menu_for


def provider_sign_in_configured() -> bool:
    """The organisation's sign-in (OpenID Connect) is on when all three SIV_OIDC_* are set."""
    return bool(
        settings.SIV_OIDC_ISSUER and settings.SIV_OIDC_CLIENT_ID and settings.SIV_OIDC_CLIENT_SECRET
    )


def siv(request):
    user = getattr(request, "user", None)
    return {
        "siv_nav": (
            menu_for(user, request.path) if user is not None and user.is_authenticated else []
        ),
        "siv_demo": settings.SIV_DEMO,
        "siv_2fa_relaxed": not settings.SIV_REQUIRE_2FA,
        "siv_provider_sign_in": provider_sign_in_configured(),
    }
