import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.quality.servers import database_url

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_passes_with_production_settings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "siv.settings",
        "DEBUG": "0",
        "SECRET_KEY": "t3Zq-8vWm!pL2xR7cNa5Ke9hYu4JdB6sGf1oQw0iVzXyE3rTn-Lm4Pq",
        "ALLOWED_HOSTS": "siv.example.dk",
        "SIV_FIELD_KEY": "k" * 48,
        "SIV_LEDGER_KEY": "l" * 48,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _manage_check(var_dir, **env) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "SIV_FIELD_KEY", "SIV_LEDGER_KEY", "DEBUG", "SIV_DEMO"}
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "siv.settings",
        "SIV_VAR_DIR": str(var_dir),
        # The test database's server, not a cluster of the temporary var folder's own.
        "DATABASE_URL": database_url(),
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_its_secrets(tmp_path):
    result = _manage_check(tmp_path, DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "SIV_FIELD_KEY, SIV_LEDGER_KEY must be set" in result.stderr
    assert not (tmp_path / "keys").exists()


def test_the_demo_keeps_generated_secrets_of_its_own_with_debug_off(tmp_path):
    assert _manage_check(tmp_path, DEBUG="0", SIV_DEMO="1").returncode == 0
    keys = {path.name: path.read_text() for path in (tmp_path / "keys").iterdir()}
    assert set(keys) == {"secret_key", "siv_field_key", "siv_ledger_key"}
    assert len(set(keys.values())) == 3 and all(len(key) >= 64 for key in keys.values())
    assert all((tmp_path / "keys" / name).stat().st_mode & 0o077 == 0 for name in keys)
    assert _manage_check(tmp_path, DEBUG="1").returncode == 0  # a developer's, the same keys
    assert {path.name: path.read_text() for path in (tmp_path / "keys").iterdir()} == keys


def test_docker_compose_runs_the_production_shape():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        # The runtime role, which may only append to the audit log and the ledger.
        assert environment["DATABASE_URL"].startswith("postgres://siv_app:")
        # Redis asks for a password (ASVS 9.2.2), which the app's URL carries.
        assert environment["REDIS_URL"].startswith("redis://:${REDIS_PASSWORD")
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    redis = services["redis"]["command"]
    assert redis[redis.index("--requirepass") + 1].startswith("${REDIS_PASSWORD:?")
    # The owner migrates, then grants the runtime role its rights.
    migrate = services["migrate"]
    assert migrate["environment"]["DATABASE_URL"].startswith("postgres://siv:")
    assert "migrate" in migrate["command"][-1]
    assert "grant_runtime_role siv_app" in migrate["command"][-1]
    # The PostgreSQL of the embedded default and of the backups' pg_dump: one version.
    assert services["db"]["image"] == "postgres:18"
    init = ROOT / "scripts" / "db-init" / "10-runtime-role.sh"
    assert "./scripts/db-init:/docker-entrypoint-initdb.d:ro" in services["db"]["volumes"]
    assert "CREATE ROLE siv_app LOGIN" in init.read_text()


def test_docker_compose_publishes_the_app_only_to_the_proxy_on_the_host():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    published = {name: service.get("ports", []) for name, service in services.items()}
    # gunicorn is reachable from the host's loopback only, where the TLS proxy runs.
    assert published.pop("web") == ["127.0.0.1:8000:8000"]
    assert not any(published.values()), published
    # The proxy connects from the network's gateway: its forwarding headers, and only its,
    # are believed.
    gateway = compose["networks"]["default"]["ipam"]["config"][0]["gateway"]
    for name in ("web", "worker", "beat"):
        trusted = services[name]["environment"]["SIV_TRUSTED_PROXIES"]
        assert trusted == f"${{SIV_TRUSTED_PROXIES:-{gateway}}}"


def test_a_web_process_builds_the_template_engine_as_it_loads_the_app():
    import importlib

    from django.template import engines

    import siv.wsgi

    engines._engines.pop("django", None)
    importlib.reload(siv.wsgi)
    assert "django" in engines._engines
