"""`make bench`: one JSON document with every figure beside its floor, measured in one run.

For each size in BENCH_SIZES (default 1000,10000) a PostgreSQL database <BENCH_DATABASE_URL
name>_<size> (without BENCH_DATABASE_URL, siv_bench_<size> in the embedded cluster) is
created, migrated and seeded with seed_scale when it holds no citizens, then measured in a
child process (tests/bench/measure.py) that talks to a real gunicorn server on loopback.
BENCH_RESEED=1 seeds again (and so measures seed_scale against COPY each time).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from scripts.dbbackup import libpq_url as libpq
from siv import embedded_db

BASE_DIR = Path(__file__).resolve().parents[2]
SETTINGS = "tests.bench.settings"  # the test settings (plain HTTP) plus the floor page


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def ensure_database(url: str) -> bool:
    """Create the database when missing; True when it was created."""
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(libpq(with_database(url, "postgres")), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    return not exists


def manage(url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": SETTINGS}
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        # The command's own error, not just its exit status: the bench is run by hand.
        sys.stderr.write(result.stderr)
        result.check_returncode()
    return result.stdout


def citizens(url: str) -> int:
    with psycopg.connect(libpq(url)) as db:
        return db.execute("SELECT count(*) FROM participants_citizen").fetchone()[0]


def prepare(url: str, size: int, reseed: bool) -> dict:
    ensure_database(url)
    manage(url, "migrate", "--no-input")
    present = citizens(url)
    if present == size and not reseed:
        return {"seeded_this_run": False}
    started = time.perf_counter()
    output = manage(url, "seed_scale", "--participants", str(size), "--clear")
    return {
        "seeded_this_run": True,
        "seconds": round(time.perf_counter() - started, 2),
        "tables": _table_timings(output),
    }


def _table_timings(output: str) -> dict:
    tables = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1].isdigit():
            tables[parts[0]] = {"rows": int(parts[1]), "seconds": float(parts[2])}
    return tables


def main() -> int:
    base = os.environ.get("BENCH_DATABASE_URL") or embedded_db.url(
        embedded_db.socket_dir(Path(os.environ.get("SIV_VAR_DIR", "var")) / "pgdata"), "siv_bench"
    )
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,10000").split(",") if s]
    reseed = os.environ.get("BENCH_RESEED", "") in {"1", "true", "yes"}
    base_name = urlsplit(base).path.lstrip("/")
    floor_url = with_database(base, f"{base_name}_floor")
    ensure_database(floor_url)
    manage(floor_url, "migrate", "--no-input")

    report: dict = {
        "about": (
            "Each figure has its floor measured in the same run; the ratio is what counts. "
            "Pages: p50/p95 over a real gunicorn server on loopback against /health/ (one "
            "SELECT 1). seed_scale: wall time against COPY of the same rows into an empty "
            "migrated database."
        ),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "sizes": {},
    }
    for size in sizes:
        url = with_database(base, f"{base_name}_{size}")
        seeding = prepare(url, size, reseed)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "BENCH_FLOOR_DATABASE_URL": floor_url,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "BENCH_SEEDING": json.dumps(seeding),
            # The bounded load test runs once, at the first size.
            "BENCH_LOAD": os.environ.get("BENCH_LOAD", "1") if size == sizes[0] else "0",
        }
        result = subprocess.run(
            [sys.executable, "-m", "tests.bench.measure"],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            report["sizes"][str(size)] = {"error": result.stderr.strip().splitlines()[-5:]}
            continue
        report["sizes"][str(size)] = json.loads(result.stdout)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
