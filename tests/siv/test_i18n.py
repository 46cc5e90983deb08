import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories.partnerships import (
    PASSWORD,
    ClusterMembershipFactory,
    GrowthPartnershipFactory,
    PartnershipMeetingFactory,
    SteeringGroupMeetingFactory,
)

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r">[^<]*\b\d{4}-\d{2}-\d{2}\b[^<]*<")
DANISH_LONG_DATE = re.compile(r"\b\d{1,2}\. (januar|februar|marts|april|maj|juni|juli|august)")


def test_switching_to_english_translates_the_sign_in_and_start_pages(client, personas):
    page = client.get(reverse("login")).content.decode()
    assert "Log ind i SIV" in page

    response = client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in page
    assert "Sign in to SIV" in page and "Log ind i SIV" not in page
    assert "Skip to content" in page

    client.post(reverse("login"), {"username": "koege-controller", "password": PASSWORD})
    home = client.get(reverse("home")).content.decode()
    assert f"Hello, {personas.controller.first_name}" in home
    assert "Partnerships" in home and "Sign out" in home
    assert "Steering group and clusters" in home


@pytest.fixture
def dated_world(personas):
    membership = ClusterMembershipFactory(
        cluster=personas.cluster, municipality=personas.own.municipality
    )
    membership.declaration_signed = datetime.date(2018, 11, 1)
    membership.save()
    partnership = GrowthPartnershipFactory(
        municipality=personas.own.municipality,
        cluster=personas.cluster,
        facilitation_start=datetime.date(2019, 3, 1),
    )
    PartnershipMeetingFactory(partnership=partnership, date=datetime.date(2019, 5, 7))
    steering = SteeringGroupMeetingFactory(
        date=datetime.date(2020, 4, 15), attending_municipalities=[personas.own.municipality]
    )
    return {"partnership": partnership, "steering": steering}


def test_pages_in_danish_show_dates_as_dd_mm_yyyy(client, personas, dated_world):
    client.force_login(personas.controller)
    pk = dated_world["partnership"].pk
    expectations = {
        reverse("partnerships:partnership_list"): ["01.03.2019"],
        reverse("partnerships:partnership_detail", args=[pk]): [
            "01.03.2019 – 01.03.2020",
            "07.05.2019",
        ],
        reverse("partnerships:cluster_detail", args=[personas.cluster.pk]): ["01.11.2018"],
        reverse("partnerships:steering_list"): ["15.04.2020"],
        reverse("partnerships:steering_detail", args=[dated_world["steering"].pk]): ["15.04.2020"],
    }
    for url, dates in expectations.items():
        page = client.get(url).content.decode()
        for date in dates:
            assert date in page, url
        assert not ISO_DATE.search(page), url
        assert not DANISH_LONG_DATE.search(page), url

    client.force_login(personas.caseworker)
    home = client.get(reverse("home")).content.decode()
    assert "01.03.2019" in home


def test_years_are_shown_without_a_thousands_separator(client, personas):
    client.force_login(personas.controller)
    page = client.get(reverse("partnerships:cluster_list")).content.decode()
    assert "<td>2019</td>" in page and "2.019" not in page


def _translations(entry: str) -> list[str]:
    """The msgstr texts of one .po entry (wrapped lines joined)."""
    texts, current = [], None
    for line in entry.splitlines():
        if line.startswith("msgstr"):
            current = len(texts)
            texts.append(line.split(" ", 1)[1].strip('"'))
        elif line.startswith('"') and current is not None:
            texts[current] += line.strip('"')
    return texts


def test_the_english_catalogue_has_no_untranslated_or_fuzzy_entries():
    po = (Path(__file__).resolve().parents[2] / "locale/en/LC_MESSAGES/django.po").read_text()
    entries = po.strip().split("\n\n")[1:]  # the first block is the header
    assert len(entries) > 300
    for entry in entries:
        assert "#, fuzzy" not in entry, entry
        assert all(_translations(entry)), entry


def test_every_danish_text_in_the_code_has_its_english_translation(tmp_path):
    """`make messages` on a copy of the code finds no text without an English translation:
    a string added without one would show Danish in the English interface."""
    import shutil
    import subprocess
    import sys

    base = Path(__file__).resolve().parents[2]
    skip = {".venv", "static", "staticfiles", "tests", "var", "media", "node_modules"}
    for entry in base.iterdir():
        if entry.name.startswith(".") or entry.name in skip:
            continue
        if entry.is_dir():
            shutil.copytree(entry, tmp_path / entry.name, ignore=shutil.ignore_patterns("*.pyc"))
        else:
            shutil.copy2(entry, tmp_path / entry.name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "-v0"],
        cwd=tmp_path,
        check=True,
        timeout=120,
        capture_output=True,
    )
    statistics = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", "locale/en/LC_MESSAGES/django.po"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    ).stderr
    assert "fuzzy" not in statistics and "untranslated" not in statistics, statistics
