"""Start-page panels: context functions that call the selectors for the signed-in user."""

from . import selectors


def municipality(request) -> dict:
    return selectors.municipality_panel(user=request.user)


def steering(request) -> dict:
    return selectors.steering_panel(user=request.user)


def administration(request) -> dict:
    return selectors.admin_panel(user=request.user)


def partner(request) -> dict:
    return selectors.partner_panel(user=request.user)
