"""Figures kept between writes (siv.figures): served only at the generation of the data the
reader sees, never older than what is committed."""

import psycopg
import pytest
from django.db import connection, transaction

from participants.models import Citizen
from siv import figures
from siv.models import FigureCache, FigureChange
from tests.factories.participants import CitizenFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def epoch():
    """A flush between transactional tests empties the change table with its triggers off
    (session_replication_role): nothing is cached until a fold draws a new epoch."""
    figures.fold()


class Counter:
    """A computation that counts the citizens, and how often it ran."""

    def __init__(self):
        self.runs = 0

    def __call__(self):
        self.runs += 1
        return Citizen.objects.count()


def _other_session():
    return psycopg.connect(**connection.get_connection_params())


def test_a_second_read_without_a_write_is_served_from_the_cache(django_assert_num_queries):
    CitizenFactory()
    count = Counter()
    assert figures.cached("test", {}, count) == 1
    with django_assert_num_queries(1):
        assert figures.cached("test", {}, count) == 1
    assert count.runs == 1


def test_every_committed_write_to_a_tracked_table_is_counted_again():
    count = Counter()
    assert figures.cached("test", {}, count) == 0
    citizen = CitizenFactory()
    assert figures.cached("test", {}, count) == 1
    citizen.delete()
    assert figures.cached("test", {}, count) == 0
    assert count.runs == 3


def test_a_citizen_edit_counts_only_when_it_changes_a_column_a_figure_reads():
    citizen = CitizenFactory()
    before = figures.generation()
    Citizen.objects.filter(pk=citizen.pk).update(phone="12345678", version=citizen.version + 1)
    assert figures.generation() == before
    Citizen.objects.filter(pk=citizen.pk).update(gender="M")
    assert figures.generation() != before


def test_parts_name_different_figures():
    assert figures.cached("test", {"a": 1}, lambda: "one") == "one"
    assert figures.cached("test", {"a": 2}, lambda: "two") == "two"
    assert figures.cached("test", {"a": 1}, lambda: "not counted again") == "one"


def test_figures_counted_while_a_write_committed_are_not_kept():
    count = Counter()

    def counted_while_another_writes():
        value = count()
        with _other_session() as other:
            other.execute("INSERT INTO siv_figurechange (changes, folded) VALUES (1, FALSE)")
        return value

    figures.cached("test", {}, counted_while_another_writes)
    assert not FigureCache.objects.exists()
    figures.cached("test", {}, count)
    assert count.runs == 2


def test_a_write_not_committed_yet_plays_no_part_and_is_seen_once_committed():
    count = Counter()
    CitizenFactory()
    other = _other_session()
    try:
        # Another request writes a citizen and has not committed yet when the figures are
        # counted: its change row (and any sequence value it drew) must not let its write be
        # missed once it commits.
        other.execute(
            "INSERT INTO participants_citizen (cpr_encrypted, cpr_hash, birth_date, first_name,"
            " last_name, gender, phone, email, address, target_group, benefit, isced,"
            " entry_status, migrant, disability, other_disadvantaged, created_at, updated_at,"
            " cluster_id, municipality_id, version, name_hashes)"
            " SELECT cpr_encrypted, md5(cpr_hash), birth_date, first_name, last_name,"
            " gender, phone, email, address, target_group, benefit, isced, entry_status,"
            " migrant, disability, other_disadvantaged, now(), now(), cluster_id,"
            " municipality_id, 1, name_hashes FROM participants_citizen"
        )
        assert figures.cached("test", {}, count) == 1
        assert figures.cached("test", {}, count) == 1
        other.commit()
        assert figures.cached("test", {}, count) == 2
        assert figures.cached("test", {}, count) == 2
        assert count.runs == 2
    finally:
        other.close()


def test_a_transaction_that_has_written_counts_afresh_and_keeps_nothing():
    count = Counter()
    assert figures.cached("test", {}, count) == 0
    with transaction.atomic():
        CitizenFactory()
        assert figures.generation() is None
        assert figures.cached("test", {}, count) == 1
        assert figures.cached("test", {}, count) == 1
        transaction.set_rollback(True)
    assert figures.cached("test", {}, count) == 0
    assert count.runs == 3


def test_the_fold_keeps_the_generation_and_leaves_one_row():
    CitizenFactory.create_batch(3)
    before = figures.generation()
    assert figures.fold() > 0
    assert figures.generation() == before
    assert FigureChange.objects.count() == 1
    assert figures.fold() == 0


def test_without_an_epoch_nothing_is_kept_until_a_fold_draws_one():
    FigureChange.objects.filter(folded=True).delete()
    assert figures.generation() is None
    count = Counter()
    figures.cached("test", {}, count)
    figures.cached("test", {}, count)
    assert count.runs == 2
    figures.fold()
    assert figures.generation() is not None


def test_emptying_the_changes_draws_a_new_epoch_and_drops_the_cache():
    figures.cached("test", {}, lambda: "kept")
    before = figures.generation()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE siv_figurechange")
    assert figures.generation() != before
    assert figures.generation().endswith(".0")
    assert not FigureCache.objects.exists()


def test_a_cached_value_not_sealed_with_the_secret_key_is_counted_afresh():
    count = Counter()
    figures.cached("test", {}, count)
    FigureCache.objects.update(value=b"\0" * 32 + b"not a pickle of ours")
    assert figures.cached("test", {}, count) == 0
    assert count.runs == 2
