"""With HTTPS the session and CSRF cookies carry the __Host- prefix (ASVS 3.4.4): the
production settings, served over HTTPS, set them Secure, for the whole site and no domain."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.quality.servers import database_url

ROOT = Path(__file__).resolve().parents[2]

# Under the production settings: the cookies a sign-in page over HTTPS sets.
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
from django.test.utils import setup_test_environment
setup_test_environment()
# The page's static files from the folders, not from collectstatic's manifest.
plain = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}}
with override_settings(STORAGES=plain):
    response = Client().get("/login/", secure=True)
cookies = {
    name: {"secure": bool(c["secure"]), "path": c["path"], "domain": c["domain"]}
    for name, c in response.cookies.items()
}
print(json.dumps({
    "session": settings.SESSION_COOKIE_NAME,
    "csrf": settings.CSRF_COOKIE_NAME,
    "status": response.status_code,
    "cookies": cookies,
}))
"""


def production(**env) -> dict:
    environment = {
        key: value for key, value in os.environ.items() if key not in {"DEBUG", "SIV_SECURE"}
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "siv.settings",
        "DEBUG": "0",
        "SECRET_KEY": "t3Zq-8vWm!pL2xR7cNa5Ke9hYu4JdB6sGf1oQw0iVzXyE3rTn-Lm4Pq",
        "SIV_FIELD_KEY": "k" * 48,
        "SIV_LEDGER_KEY": "l" * 48,
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": database_url(),
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_with_https_the_cookies_are_host_prefixed():
    found = production()
    assert (found["session"], found["csrf"]) == ("__Host-sessionid", "__Host-csrftoken")
    assert found["status"] == 200
    assert found["cookies"]["__Host-csrftoken"] == {"secure": True, "path": "/", "domain": ""}


@pytest.mark.django_db
def test_without_https_the_cookies_keep_their_plain_names():
    found = production(SIV_SECURE="0")
    assert (found["session"], found["csrf"]) == ("sessionid", "csrftoken")
