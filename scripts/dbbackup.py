"""Back up and restore SIV's database.

    python scripts/dbbackup.py backup [--dir var/backups]   -> prints the file written
    python scripts/dbbackup.py restore FILE

PostgreSQL (DATABASE_URL postgres://…): pg_dump's custom format, siv-YYYYmmdd-HHMM.dump;
restore with pg_restore into the database DATABASE_URL names (empty, or replaced object by
object with --clean). The embedded SQLite default: a consistent copy through SQLite's own
backup API, siv-YYYYmmdd-HHMM.sqlite3.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql", "pgsql"}


def libpq_url(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"postgresql://{rest}" if scheme in {"postgres", "pgsql"} else url


def sqlite_path(url: str) -> Path:
    """sqlite:////abs/path or sqlite:///relative/to/the/project."""
    path = Path(url.removeprefix("sqlite:///"))
    return path if path.is_absolute() else BASE_DIR / path


def _sqlite_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def backup(url: str, directory: Path, *, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M")
    directory.mkdir(parents=True, exist_ok=True)
    if is_postgres(url):
        target = directory / f"siv-{stamp}.dump"
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), libpq_url(url)],
            check=True,
        )
    else:
        source = sqlite_path(url)
        if not source.exists():
            raise SystemExit(f"No database at {source}")
        target = directory / f"siv-{stamp}.sqlite3"
        _sqlite_copy(source, target)
    return target


def restore(url: str, source: Path, *, clean: bool = False) -> None:
    if not source.exists():
        raise SystemExit(f"No such backup: {source}")
    if is_postgres(url):
        command = ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", libpq_url(url)]
        if clean:
            command += ["--clean", "--if-exists", "--single-transaction"]
        subprocess.run([*command, str(source)], check=True)
    else:
        _sqlite_copy(source, sqlite_path(url))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    do_backup = sub.add_parser("backup")
    do_backup.add_argument("--dir", type=Path, default=BASE_DIR / "var" / "backups")
    do_restore = sub.add_parser("restore")
    do_restore.add_argument("file", type=Path)
    do_restore.add_argument(
        "--clean", action="store_true", help="Drop and recreate what the dump holds."
    )
    args = parser.parse_args(argv)
    url = database_url()
    if args.command == "backup":
        print(backup(url, args.dir))
    else:
        restore(url, args.file, clean=args.clean)
        print(f"restored {args.file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
