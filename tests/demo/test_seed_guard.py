"""seed_demo and seed_scale write made-up people: they refuse the programme's own database
and run only in the demo (SIV_DEMO) or on a database the tests or the benchmarks made."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from participants.models import Citizen
from partnerships.models import Organisation, User
from tests.factories.participants import CitizenFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_named(monkeypatch):
    def rename(name):
        monkeypatch.setitem(connection.settings_dict, "NAME", name)

    return rename


def written() -> tuple[int, ...]:
    return (User.objects.count(), Organisation.objects.count(), Citizen.objects.count())


@override_settings(SIV_DEMO=False)
@pytest.mark.parametrize(
    "command", [["seed_demo"], ["seed_scale", "--participants", "5", "--weeks", "1"]]
)
def test_the_seed_commands_refuse_the_programmes_database(database_named, command):
    database_named("siv")
    before = written()
    with pytest.raises(CommandError) as refused:
        call_command(*command, stdout=io.StringIO())
    assert str(refused.value) == (
        f"{command[0]} writes made-up data: it runs only in the demo (SIV_DEMO=1) or on a test "
        "database (named test_… or siv_bench…), not on 'siv'."
    )
    assert written() == before


@override_settings(SIV_DEMO=True)
def test_the_demo_may_seed_whatever_its_database_is_called(database_named):
    database_named("siv")
    User.objects.create_user("en-bruger")
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "Demo data already present; nothing seeded." in out.getvalue()


@override_settings(SIV_DEMO=False)
@pytest.mark.parametrize("name", ["test_siv", "siv_bench_1000"])
def test_a_test_or_bench_database_may_be_seeded(database_named, name):
    database_named(name)
    CitizenFactory()
    out = io.StringIO()
    call_command("seed_scale", "--participants", "5", "--if-empty", stdout=out)
    assert "Citizens already present; nothing seeded." in out.getvalue()
