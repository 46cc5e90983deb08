"""`make run`'s pieces on the embedded defaults: SQLite, runserver, and a real Celery worker on
the filesystem transport (no Redis, no PostgreSQL). Each runs in a subprocess, as make does."""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, str(BASE_DIR / "manage.py")]


def _env(var_dir: Path, database: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="siv.settings",
        DATABASE_URL=f"sqlite:///{database}",
        SIV_VAR_DIR=str(var_dir),
        DEBUG="1",
        SIV_DEMO="1",
        SIV_REQUIRE_2FA="0",
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory) -> Path:
    """A migrated and seeded SQLite file, made once; each test works on a copy."""
    directory = tmp_path_factory.mktemp("embedded")
    database = directory / "template.sqlite3"
    env = _env(directory, database)
    subprocess.run(
        [*MANAGE, "migrate", "--no-input"], env=env, check=True, timeout=120, capture_output=True
    )
    seeded = subprocess.run(
        [*MANAGE, "seed_demo", "--if-empty"],
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    )
    assert "Demo data seeded." in seeded.stdout
    return database


@pytest.fixture
def embedded(tmp_path, migrated_db):
    database = tmp_path / "siv.sqlite3"
    shutil.copy(migrated_db, database)
    return tmp_path, database, _env(tmp_path, database)


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
    directory, _database, env = embedded
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
    finally:
        _stop(server)
        log.close()


def _purges(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT count(*) FROM siv_auditentry WHERE action = 'purge'"
        ).fetchone()[0]


@pytest.mark.worker
def test_a_real_worker_on_the_filesystem_transport_purges_the_audit_log(embedded):
    directory, database, env = embedded
    for folder in ("queue", "processed"):
        (directory / "celery" / folder).mkdir(parents=True, exist_ok=True)
    # A log row older than the retention period, for the purge to remove.
    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO siv_auditentry (at, actor_username, action, object_id, object_label,"
            " purpose, details) VALUES ('2019-01-01 10:00:00', 'gammel', 'view', '1',"
            " 'Deltager #1', '', '{}')"
        )
    assert _purges(database) == 0

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
            _purges(database) and "succeeded" in log_path.read_text()
        ):
            time.sleep(0.3)
        assert _purges(database) == 1, log_path.read_text()
        with sqlite3.connect(database) as connection:
            left = connection.execute(
                "SELECT count(*) FROM siv_auditentry WHERE actor_username = 'gammel'"
            ).fetchone()[0]
        assert left == 0
        assert "succeeded" in log_path.read_text()
        assert list(elsewhere.iterdir()) == []
        assert (directory / "celery" / "control" / "celery.pidbox.exchange").exists()
    finally:
        _stop(worker)
        log.close()


def test_the_monthly_hours_and_the_statement_hold_on_the_embedded_database(tmp_path):
    """The roll-up's triggers and the statement's SQL have a SQLite form: their tests pass
    on it too (the rest of the suite runs on PostgreSQL)."""
    env = _env(tmp_path, tmp_path / "unused.sqlite3")
    env.pop("PYTEST_XDIST_WORKER", None)
    env["DJANGO_SETTINGS_MODULE"] = "siv.settings_test"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/participants/test_hours_month.py",
            "tests/reporting/test_hours_statement.py",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout
