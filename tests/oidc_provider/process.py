"""The test provider as its own process: a fresh SQLite database and RSA key per test run,
the client SIV signs in with, the provider's people, and gunicorn on a free port."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from tests.quality.servers import gunicorn_server

from .groups import EXPIRED_ID_TOKEN, NO_MFA, TAMPERED_ID_TOKEN

SETTINGS = "tests.oidc_provider.settings"
CLIENT_ID = "siv-test-client"
CLIENT_SECRET = "siv-test-client-secret-0123456789abcdef"
CALLBACK = "/login/organisation/retur/"
PASSWORD = "kommune-2026"
# The municipality's staff at its provider; a test disabling one uses its own person.
PEOPLE = [
    {"username": "anne", "first_name": "Anne", "groups": ["siv-koege-sagsbehandlere"]},
    {"username": "bo", "first_name": "Bo", "groups": []},
    {"username": "carl", "first_name": "Carl", "groups": [NO_MFA]},
    {"username": "dorte", "first_name": "Dorte", "groups": [EXPIRED_ID_TOKEN]},
    {"username": "erik", "first_name": "Erik", "groups": [TAMPERED_ID_TOKEN]},
    {"username": "frida", "first_name": "Frida", "groups": []},
    {"username": "gitte", "first_name": "Gitte", "groups": ["siv-koege-sagsbehandlere"]},
    {"username": "ida", "first_name": "Ida", "groups": []},
]


@dataclass(frozen=True)
class Provider:
    url: str
    database: Path

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def authorize(self, authorize_url: str, username: str) -> str:
        """Sign in at the provider as a person would (its login form) and return the URL
        it sends the browser back to SIV with (code and state)."""
        with requests.Session() as browser:
            login = browser.get(authorize_url, timeout=10)
            login.raise_for_status()
            answer = browser.post(
                login.url,
                data={
                    "username": username,
                    "password": PASSWORD,
                    "next": parse_qs(urlsplit(login.url).query)["next"][0],
                    "csrfmiddlewaretoken": browser.cookies["provider_csrftoken"],
                },
                allow_redirects=False,
                timeout=10,
            )
            assert answer.status_code == 302, "the provider refused the password"
            back = browser.get(
                urljoin(self.url, answer.headers["Location"]), allow_redirects=False, timeout=10
            )
            assert back.status_code == 302, back.text[:500]
            return back.headers["Location"]

    def disable(self, username: str) -> None:
        """The municipality disables a leaver's account."""
        with sqlite3.connect(self.database) as db:
            db.execute("UPDATE auth_user SET is_active = 0 WHERE username = ?", (username,))


def _manage(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": SETTINGS},
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"the test provider's {args[0]} failed:\n{done.stderr[-3000:]}")


@contextmanager
def running_provider() -> Iterator[Provider]:
    with tempfile.TemporaryDirectory(prefix="siv-oidc-provider-") as folder:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key_file = Path(folder) / "provider-key.pem"
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        database = Path(folder) / "provider.sqlite3"
        env = {"PROVIDER_DB": str(database), "PROVIDER_KEY": str(key_file)}
        _manage(env, "migrate", "--noinput")
        _manage(
            env,
            "provider_setup",
            "--client-id",
            CLIENT_ID,
            "--client-secret",
            CLIENT_SECRET,
            "--redirect-uris",
            " ".join(f"http://{host}{CALLBACK}" for host in ("testserver", "localhost")),
            "--people",
            json.dumps([{**person, "password": PASSWORD} for person in PEOPLE]),
        )
        with gunicorn_server(
            env, settings_module=SETTINGS, app="tests.oidc_provider.wsgi:application", threads=8
        ) as server:
            yield Provider(url=server.url, database=database)
