"""Settings for the test suite: production settings, with a fast hasher and plain HTTP."""

import os
from urllib.parse import urlsplit

# The secrets production must set (siv/settings.py), fixed for the tests and the servers and
# workers they start.
os.environ.setdefault("SECRET_KEY", "test-secret-key-0123456789abcdef0123456789abcdef")
os.environ.setdefault("SIV_FIELD_KEY", "test-field-key-0123456789abcdef0123456789abcdef")
os.environ.setdefault("SIV_LEDGER_KEY", "test-ledger-key-0123456789abcdef0123456789abcdef")

from .settings import *  # noqa: E402, F403
from .settings import (  # noqa: E402
    CACHES,
    INSTALLED_APPS,
    REDIS_URL,
    SIV_SCREEN_LIMITS,
    VAR_DIR,
)

# The demo app (seed_demo, seed_scale) for the tests that seed with it, and for the bench.
if "demo" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "demo"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Browsers refuse a __Host- cookie over plain HTTP (the live server of the browser tests).
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
# The second factor is enforced in the tests that are about it (override_settings).
SIV_REQUIRE_2FA = False
# Every request renews the session, so a page's first request and its next make the same
# queries (the query-count tests compare them); the renewal's minute has its own tests.
SIV_SESSION_RENEW_SECONDS = 0
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "test-media")},
    },
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "test-media" / "documents")},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The screens' limits per user are far away (the counters outlive a test in Redis); the tests of
# the limits set small ones.
SIV_SCREEN_LIMITS = {
    action: (1_000_000, window) for action, (_n, window) in SIV_SCREEN_LIMITS.items()
}

# Each test gets a head log of its own (tests/conftest.py); servers started by a test, this.
SIV_LEDGER_HEAD_LOG = str(VAR_DIR / "test-media" / "ledger" / "heads.log")

# Each pytest-xdist process keeps its cache in a Redis database of its own: clearing the
# cache (the API tests reset their throttle counts) must not clear another process's. The
# databases follow the one REDIS_URL names (/2 gives the workers /3, /4, …), so two suites
# run side by side with REDIS_URL a few databases apart do not share one.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _xdist_worker.startswith("gw"):
    _parts = urlsplit(REDIS_URL)
    _base = int(_parts.path.strip("/") or 0)
    _database = (_base + 1 + int(_xdist_worker[2:])) % 16
    CACHES["default"]["LOCATION"] = _parts._replace(path=f"/{_database}").geturl()
