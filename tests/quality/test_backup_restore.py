"""A backup is only as good as its restore: dump, restore into an empty database, compare."""

import io
import os
import subprocess
import sys
from datetime import datetime

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from scripts import dbbackup
from tests.quality.servers import database_url
from tests.reference_data import ensure_reference_data

pytestmark = pytest.mark.django_db(transaction=True)


def row_counts(cursor) -> dict[str, int]:
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


def indicator_csv(url: str) -> str:
    env = {**os.environ, "DATABASE_URL": url, "SIV_FIELD_KEY": settings.SIV_FIELD_KEY}
    env["DJANGO_SETTINGS_MODULE"] = "siv.settings_test"
    result = subprocess.run(
        [sys.executable, "manage.py", "indicators", "--format", "csv", "--to", "2026-06-30"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_a_postgres_dump_restores_into_an_empty_database_with_the_same_data(tmp_path):
    import psycopg

    ensure_reference_data()
    call_command("seed_scale", "--participants", "60", "--weeks", "8", stdout=io.StringIO())
    source = database_url(name=connection.settings_dict["NAME"])
    target_name = f"{connection.settings_dict['NAME']}_restored"
    admin = dbbackup.libpq_url(database_url(name="postgres"))
    with psycopg.connect(admin, autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{target_name}"')
        pg.execute(f'CREATE DATABASE "{target_name}"')
    # The media folder: a report file and the ledger's head log.
    media = tmp_path / "media"
    (media / "reports" / "7").mkdir(parents=True)
    (media / "reports" / "7" / "indikatorer.csv").write_bytes(b"code,value\nP01,4\n")
    (media / "ledger").mkdir()
    (media / "ledger" / "heads.log").write_text("1 aa ss\n")
    restored_media = tmp_path / "elsewhere"
    (restored_media / "ledger").mkdir(parents=True)
    (restored_media / "ledger" / "heads.log").write_text("1 aa ss\n2 bb tt\n")
    try:
        dump = dbbackup.backup(source, tmp_path, media=media, now=datetime(2026, 11, 23, 12, 30))
        assert dump.name == "siv-20261123-1230.dump"
        assert (tmp_path / "siv-20261123-1230.media.tar.gz").exists()

        dbbackup.restore(database_url(name=target_name), dump, media=restored_media)
        assert (restored_media / "reports" / "7" / "indikatorer.csv").read_bytes() == (
            media / "reports" / "7" / "indikatorer.csv"
        ).read_bytes()
        # The live head log, newer than the backup's, stays: verify_ledger compares with it.
        assert (restored_media / "ledger" / "heads.log").read_text() == "1 aa ss\n2 bb tt\n"

        with connection.cursor() as cursor:
            expected = row_counts(cursor)
        with psycopg.connect(dbbackup.libpq_url(database_url(name=target_name))) as restored:
            with restored.cursor() as cursor:
                assert row_counts(cursor) == expected
        assert expected["participants_hoursentry"] > 0
        assert indicator_csv(database_url(name=target_name)) == indicator_csv(source)
    finally:
        with psycopg.connect(admin, autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')
