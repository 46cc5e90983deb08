"""`make bench`'s server: the test settings (the demo app and its seed_scale included) with
the bench's floor page added to the URLs."""

from siv.settings_test import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
# Sessions renewed as in production (the tests renew them on every request).
SIV_SESSION_RENEW_SECONDS = 60
# The bench seeds made-up data into the database it is given (BENCH_DATABASE_URL may name one
# whose name does not start with siv_bench): the seed commands' demo guard lets it.
SIV_DEMO = True
