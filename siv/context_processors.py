from django.conf import settings

from .registry import nav_groups_for


def siv(request):
    user = getattr(request, "user", None)
    return {
        "siv_nav": nav_groups_for(user) if user is not None and user.is_authenticated else [],
        "siv_demo": settings.SIV_DEMO,
        "siv_2fa_relaxed": not settings.SIV_REQUIRE_2FA,
    }
