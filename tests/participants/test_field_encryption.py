"""Names, contact data, screening notes and case notes are encrypted at rest: a read of the
tables as pg_dump reads them holds none of them; a name is still found by search (keyed
hashes) and the lists are still in Danish name order; the data stored before is encrypted by
the migration, and `rekey_fields` moves it to a new key."""

import os
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from participants import names
from participants.models import CaseNote, Citizen, Screening, Visitation
from participants.track import selectors
from tests.factories.participants import (
    CaseNoteFactory,
    ExitFormFactory,
    PauseFactory,
    ProgressAssessmentFactory,
    ScreeningFactory,
)

from .helpers import citizen_in

pytestmark = pytest.mark.django_db
LIST = reverse("participants:citizen_list")
HOURS = reverse("participants:hours_week")
OLD = "old-field-key-0123456789abcdef0123456789abcdef"
NEW = "new-field-key-fedcba9876543210fedcba9876543210"
SECRETS = (
    "Qvistgaard",
    "Ingeborg",
    "Mølleåvej 17",
    "ingeborg.q@example.dk",
    "20 31 42 53",
    "Angst og rygsmerter",
    "Gerne gartneri",
    "Indlagt på psykiatrisk afdeling",
    "Svend fra jobcentret",
    "Talte om hendes diagnose",
    "Genoptræning efter operation",
    "Sygemeldt med stress",
    "Flytter til sin søster",
)


def dump() -> str:
    """Every row of every table of the database, as text (what a dump or a backup holds)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        tables = [name for (name,) in cursor.fetchall()]
        text = []
        for table in tables:
            cursor.execute(f'SELECT t::text FROM "{table}" t')  # noqa: S608
            text.extend(row for (row,) in cursor.fetchall())
    return "\n".join(text)


def sensitive_citizen(personas):
    citizen = citizen_in(
        personas.own,
        personas.cluster,
        first_name="Ingeborg",
        last_name="Qvistgaard",
        address="Mølleåvej 17",
        email="ingeborg.q@example.dk",
        phone="20 31 42 53",
    )
    ScreeningFactory(citizen=citizen, barrier_notes="Angst og rygsmerter", wishes="Gerne gartneri")
    CaseNoteFactory(citizen=citizen, text="Indlagt på psykiatrisk afdeling", sensitive=True)
    Visitation.objects.filter(citizen=citizen).update(
        match_meeting_participants="Svend fra jobcentret",
        match_meeting_notes="Talte om hendes diagnose",
    )
    PauseFactory(citizen=citizen, note="Genoptræning efter operation")
    ProgressAssessmentFactory(citizen=citizen, note="Sygemeldt med stress")
    ExitFormFactory(citizen=citizen, exit_date=date(2024, 9, 2), note="Flytter til sin søster")
    return citizen


def search(client, text: str) -> str:
    return client.post(LIST, {"q": text}, follow=True).content.decode()


def test_a_read_of_the_tables_holds_no_readable_personal_data(client, personas):
    citizen = sensitive_citizen(personas)
    text = dump()
    assert not [secret for secret in SECRETS if secret.casefold() in text.casefold()]
    # The application reads them in clear, and shows them to the caseworker.
    fresh = Citizen.objects.get(pk=citizen.pk)
    assert (fresh.full_name, fresh.address, fresh.phone) == (
        "Ingeborg Qvistgaard",
        "Mølleåvej 17",
        "20 31 42 53",
    )
    assert Screening.objects.get(citizen=citizen).barrier_notes == "Angst og rygsmerter"
    assert CaseNote.objects.get(citizen=citizen).text == "Indlagt på psykiatrisk afdeling"
    visitation = Visitation.objects.get(citizen=citizen)
    assert visitation.match_meeting_notes == "Talte om hendes diagnose"
    assert citizen.exits.get().note == "Flytter til sin søster"
    client.force_login(personas.caseworker)
    page = client.get(reverse("participants:citizen_detail", args=[citizen.pk])).content.decode()
    assert "Ingeborg Qvistgaard" in page and "Gerne gartneri" in page


def test_a_name_is_found_by_a_words_beginning_in_any_case(client, personas):
    citizen_in(personas.own, personas.cluster, first_name="Mette", last_name="Qvist-Hansen")
    citizen_in(personas.own, personas.cluster, first_name="Ole", last_name="Zbyszko")
    client.force_login(personas.caseworker)
    for typed in ("hansen", "QVIST", "Han", "mette qvi", "Mette Hansen"):
        html = search(client, typed)
        assert "Qvist-Hansen" in html and "Zbyszko" not in html, typed
    for typed in ("ansen", "Mette Zbyszko", "Hanssen"):
        assert "Qvist-Hansen" not in search(client, typed), typed
    # A word of one or two letters is found whole only.
    citizen_in(personas.own, personas.cluster, first_name="Bo", last_name="Yde")
    assert "Yde" in search(client, "bo") and "Yde" not in search(client, "b")


def test_the_list_is_in_danish_name_order_with_the_same_queries_for_more_citizens(
    client, personas, django_assert_max_num_queries
):
    for last in ("Åberg", "Ørsted", "Berg", "Ahmed", "Æbelø", "Zink"):
        citizen_in(personas.own, personas.cluster, first_name="Ida", last_name=last)
    client.force_login(personas.caseworker)
    html = client.get(LIST).content.decode()
    shown = [html.index(f"Ida {last}") for last in ("Ahmed", "Berg", "Zink", "Æbelø", "Ørsted")]
    assert shown == sorted(shown) and html.index("Ida Ørsted") < html.index("Ida Åberg")
    with django_assert_max_num_queries(40) as few:
        client.get(LIST)
    for n in range(20):
        citizen_in(personas.own, personas.cluster, first_name="Ida", last_name=f"Nielsen{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LIST)


def test_the_hours_grid_is_in_name_order(client, personas):
    for last in ("Øberg", "Andersen", "Madsen"):
        citizen_in(personas.own, personas.cluster, first_name="Kim", last_name=last)
    client.force_login(personas.actor)
    html = client.get(HOURS).content.decode()
    shown = [html.index(f"Kim {last}") for last in ("Andersen", "Madsen", "Øberg")]
    assert shown == sorted(shown)


def test_the_migration_encrypts_the_data_already_there(personas):
    citizen = sensitive_citizen(personas)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as if committed before migrating
    executor = MigrationExecutor(connection)
    # Back to the schema before the encryption: its reverse puts the data in clear again.
    executor.migrate([("participants", "0011_text_length_limits")])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT first_name, phone FROM participants_citizen WHERE id = %s", [citizen.pk]
        )
        assert cursor.fetchone() == ("Ingeborg", "20 31 42 53")  # as stored before
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert not [secret for secret in SECRETS if secret in dump()]
    fresh = Citizen.objects.get(pk=citizen.pk)
    assert (fresh.full_name, fresh.email) == ("Ingeborg Qvistgaard", "ingeborg.q@example.dk")
    assert fresh.name_hashes == names.search_hashes("Ingeborg", "Qvistgaard")
    assert CaseNote.objects.get(citizen=citizen).text == "Indlagt på psykiatrisk afdeling"


def test_after_a_new_key_names_are_found_and_rekeying_moves_them_to_it(settings, personas):
    settings.SIV_FIELD_KEYS = {1: OLD}
    citizen = sensitive_citizen(personas)
    visibility = selectors.visibility_for(personas.caseworker)

    def found(text):
        return list(
            selectors.citizen_search(Citizen.objects.all(), text=text, visibility=visibility)
        )

    settings.SIV_FIELD_KEYS = {2: NEW, 1: OLD}
    assert found("qvist") == [citizen]  # not re-keyed yet: found by the old key's hash
    call_command("rekey_fields", "--batch-size", "1", stdout=open(os.devnull, "w"))
    settings.SIV_FIELD_KEYS = {2: NEW}  # the old key leaves the ring
    assert found("qvist") == [citizen]
    fresh = Citizen.objects.get(pk=citizen.pk)
    assert (fresh.full_name, fresh.address) == ("Ingeborg Qvistgaard", "Mølleåvej 17")
    assert Screening.objects.get(citizen=citizen).wishes == "Gerne gartneri"
    assert CaseNote.objects.get(citizen=citizen).text == "Indlagt på psykiatrisk afdeling"
    assert not [secret for secret in SECRETS if secret in dump()]
