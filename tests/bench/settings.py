"""`make bench`'s server: the test settings (the demo app and its seed_scale included) with
the bench's floor page added to the URLs."""

from siv.settings_test import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
# Sessions renewed as in production (the tests renew them on every request).
SIV_SESSION_RENEW_SECONDS = 60
