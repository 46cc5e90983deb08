"""Every named URL of the project appears in some app's permission matrix."""

import importlib
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

# URLs that need no signed-in user, or are not pages (the matrix covers pages).
PUBLIC = {
    "login",
    "logout",
    "set_language",
    "health",
    "api_schema",
    # The organisation's sign-in and the provider's answer (tests/oidc/test_sign_in.py).
    "oidc:start",
    "oidc:callback",
    # The administrator's one-time link to choose a password, for a user not signed in.
    "password_link",
    "password_set",
    # The calendar feed, read by Outlook at its secret address (tests/calendars/test_feed.py).
    "calendars:feed",
}


def _names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def _covered():
    covered = set()
    for module_path in Path(__file__).resolve().parent.parent.glob("*/test_permissions.py"):
        module = importlib.import_module(f"tests.{module_path.parent.name}.test_permissions")
        covered |= {case.url_name for case in module.CASES}
    return covered


def test_every_named_url_is_in_a_permission_matrix():
    names = set(_names(get_resolver().url_patterns))
    missing = sorted(names - _covered() - PUBLIC)
    assert not missing, f"URLs without a permission-matrix case: {missing}"
