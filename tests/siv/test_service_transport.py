"""TLS and credentials to the services (ASVS 1.2.2, 9.2.2): PostgreSQL's sslmode comes from
the environment or DATABASE_URL; Redis's password and rediss:// from REDIS_URL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'db': s.DATABASES['default']['OPTIONS'], "
    "'cache': s.CACHES['default'].get('LOCATION'), 'broker': s.CELERY_BROKER_URL}))"
)


def settings_with(**env) -> dict:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "siv.settings", "DEBUG": "1", **env}
    result = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_postgresql_tls_is_set_from_the_environment_or_the_url():
    url = "postgres://siv_app:pw@db.example.dk:5432/siv"
    assert "sslmode" not in settings_with(DATABASE_URL=url)["db"]
    assert settings_with(DATABASE_URL=f"{url}?sslmode=require")["db"]["sslmode"] == "require"
    given = settings_with(
        DATABASE_URL=url, SIV_DB_SSLMODE="verify-full", SIV_DB_SSLROOTCERT="/run/ca.pem"
    )["db"]
    assert (given["sslmode"], given["sslrootcert"]) == ("verify-full", "/run/ca.pem")


def test_redis_credentials_and_tls_reach_the_cache_and_the_broker():
    url = "rediss://:s3cret@redis.example.dk:6380/0?ssl_cert_reqs=required"
    shown = settings_with(REDIS_URL=url, DATABASE_URL="postgres://x:y@db/siv")
    assert shown["cache"] == shown["broker"] == url


def test_docker_compose_hands_the_postgresql_tls_settings_to_every_app_service():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for name in ("migrate", "web", "worker", "beat"):
        environment = compose["services"][name]["environment"]
        assert environment["SIV_DB_SSLMODE"] == "${SIV_DB_SSLMODE:-}", name
        assert environment["SIV_DB_SSLROOTCERT"] == "${SIV_DB_SSLROOTCERT:-}", name
