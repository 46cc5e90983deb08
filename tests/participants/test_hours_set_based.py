"""The hours are written set-based: a save of a week, an upload of many weeks and an import
each write their cells in a fixed number of statements, whatever the number of cells, and
still write only what changed, refuse what someone else changed, and keep the roll-up equal
to the weekly rows."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.test.utils import CaptureQueriesContext

from participants.hours import services
from participants.hours import upload as hours_upload
from participants.hours.services import HoursRow, HoursWeekInvalid
from participants.models import HoursEntry, HoursMonth
from partnerships.models import Role
from siv.models import AuditEntry
from tests.factories.partnerships import UserFactory

from .helpers import citizen_in

pytestmark = pytest.mark.django_db
WEEK = date(2024, 3, 4)  # a Monday, 2024-W10
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def fifty(personas):
    return [citizen_in(personas.own, personas.cluster) for _i in range(50)]


def save(actor, rows, week=WEEK):
    return services.hours_save_week(actor=actor, week=week, rows=rows)


def queries_of(function) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        function()
    return [query["sql"] for query in captured.captured_queries]


def writes(queries: list[str]) -> list[str]:
    return [sql for sql in queries if sql.lstrip().upper().startswith(WRITES)]


def test_a_grid_save_takes_as_many_queries_for_50_citizens_as_for_5(personas, fifty):
    def grid(citizens, week, hours, shown=""):
        rows = [HoursRow(c.pk, "training", hours, shown=shown) for c in citizens]
        rows += [HoursRow(c.pk, "paid", "", shown="") for c in citizens]  # unchanged
        return lambda: save(personas.actor, rows, week=week)

    later = WEEK + timedelta(weeks=1)
    new_5 = queries_of(grid(fifty[:5], WEEK, "5"))
    new_50 = queries_of(grid(fifty, later, "5"))
    assert len(new_5) == len(new_50)
    # Changed and cleared cells: still one upsert and one delete.
    changed_5 = queries_of(grid(fifty[:5], WEEK, "6", shown="5"))
    changed_50 = queries_of(grid(fifty, later, "6", shown="5"))
    assert len(changed_5) == len(changed_50)
    cleared_50 = queries_of(grid(fifty, later, "", shown="6"))
    assert len(cleared_50) == len(changed_50)
    assert [sql.split()[0] for sql in writes(changed_50)] == ["INSERT", "INSERT"]  # + audit
    assert [sql.split()[0] for sql in writes(cleared_50)] == ["DELETE", "INSERT"]
    assert HoursEntry.objects.filter(week_start=WEEK, hours=6).count() == 5
    assert not HoursEntry.objects.filter(week_start=later).exists()


def test_a_save_leaves_the_cells_it_was_not_sent_as_they_were(personas, fifty):
    a, b = fifty[:2]
    save(personas.actor, [HoursRow(a.pk, "training", "5"), HoursRow(b.pk, "training", "5")])
    before = {e.pk: (e.hours, e.updated_at, e.registered_by_id) for e in HoursEntry.objects.all()}
    colleague = UserFactory(role=Role.EMPLOYMENT_ACTOR, organisation=personas.own.actor_org)
    save(colleague, [HoursRow(a.pk, "paid", "3")])
    after = {e.pk: (e.hours, e.updated_at, e.registered_by_id) for e in HoursEntry.objects.all()}
    assert {pk: after[pk] for pk in before} == before
    paid = HoursEntry.objects.get(citizen=a, kind="paid")
    assert (paid.hours, paid.registered_by) == (Decimal("3"), colleague)


def test_a_cell_sent_back_as_shown_or_as_stored_is_not_written(personas, fifty):
    a, b = fifty[:2]
    save(personas.actor, [HoursRow(a.pk, "training", "5"), HoursRow(b.pk, "training", "7")])
    stamps = dict(HoursEntry.objects.values_list("citizen_id", "updated_at"))
    entries = save(
        personas.actor,
        [HoursRow(a.pk, "training", "5,0", shown="5"), HoursRow(b.pk, "training", "7")],
    )
    assert dict(HoursEntry.objects.values_list("citizen_id", "updated_at")) == stamps
    # The cell sent without what it showed is returned as stored (the API answers with it).
    assert [(e.citizen_id, e.hours, e.week_label) for e in entries] == [
        (b.pk, Decimal("7.00"), "2024-W10")
    ]
    assert (
        AuditEntry.objects.filter(object_label="Timer 2024-W10").latest("at").details["saved"] == 0
    )


def test_a_cell_changed_by_someone_else_is_a_conflict_and_nothing_is_saved(personas, fifty):
    a, b = fifty[:2]
    save(personas.actor, [HoursRow(a.pk, "training", "5")])
    with pytest.raises(HoursWeekInvalid) as exc:
        save(
            personas.actor,
            [HoursRow(b.pk, "training", "4", shown=""), HoursRow(a.pk, "training", "8", shown="3")],
        )
    assert exc.value.current == {1: Decimal("5.00")}
    assert "Ændret af en anden, mens siden var åben: nu 5 timer." in exc.value.row_errors[1][0]
    assert list(HoursEntry.objects.values_list("citizen_id", "hours")) == [(a.pk, Decimal("5"))]


def test_an_upsert_with_new_changed_and_cleared_cells_keeps_the_roll_up_equal(personas, fifty):
    a, b, c = fifty[:3]
    save(personas.actor, [HoursRow(a.pk, "training", "5"), HoursRow(b.pk, "paid", "6")])
    save(
        personas.actor,
        [
            HoursRow(a.pk, "training", "9"),
            HoursRow(a.pk, "practice", "2"),
            HoursRow(b.pk, "paid", ""),
            HoursRow(c.pk, "education", "3,5"),
        ],
    )
    raw = {
        (row["citizen_id"], row["month"], row["kind"]): (row["total"], row["n"])
        for row in HoursEntry.objects.annotate(month=TruncMonth("week_start"))
        .values("citizen_id", "month", "kind")
        .annotate(total=Sum("hours"), n=Count("id"))
    }
    kept = {(m.citizen_id, m.month, m.kind): (m.hours, m.entries) for m in HoursMonth.objects.all()}
    assert kept == raw
    entry = HoursEntry.objects.get(citizen=c)
    assert (entry.iso_year, entry.iso_week, entry.registered_by) == (2024, 10, personas.actor)


def test_the_weekly_total_counts_the_stored_cells_of_every_week_of_an_upload(personas, fifty):
    a = fifty[0]
    save(personas.actor, [HoursRow(a.pk, "paid", "50")])
    rows = [
        HoursRow(a.pk, "practice", "31", week=WEEK),  # 81 with the stored 50
        HoursRow(a.pk, "practice", "31", week=WEEK + timedelta(weeks=1)),
    ]
    with pytest.raises(HoursWeekInvalid) as exc:
        services.hours_check(actor=personas.actor, rows=rows)
    assert list(exc.value.row_errors) == [0]
    assert services.hours_save(actor=personas.actor, rows=rows[1:]) == 1


def _upload_rows(personas, citizens, weeks):
    return [
        hours_upload.UploadRow(line, c.pk, WEEK + timedelta(weeks=w), "training", Decimal("4"))
        for line, (c, w) in enumerate(((c, w) for c in citizens for w in range(weeks)), start=2)
    ]


def test_an_upload_preview_writes_nothing_and_its_confirm_a_fixed_number_of_statements(
    personas, fifty
):
    small = _upload_rows(personas, fifty[:2], 2)
    large = _upload_rows(personas, fifty, 4)
    preview = queries_of(lambda: hours_upload._service_problems(personas.actor, large, save=False))
    assert writes(preview) == []
    assert not HoursEntry.objects.exists()
    confirm_small = queries_of(lambda: hours_upload.commit(user=personas.actor, rows=small))
    later = [replace(row, week=row.week + timedelta(weeks=8)) for row in large]
    confirm_large = queries_of(lambda: hours_upload.commit(user=personas.actor, rows=later))
    assert len(confirm_small) == len(confirm_large)
    # One upsert of every row, one audit row per week in one INSERT.
    assert len(writes(confirm_large)) == 2
    assert HoursEntry.objects.count() == len(small) + len(large)
    assert AuditEntry.objects.filter(object_label__startswith="Timer ").count() == 2 + 4


def test_an_upload_problem_names_its_line_and_saves_nothing(personas, fifty):
    a = fifty[0]
    rows = _upload_rows(personas, [a], 3)
    rows.append(hours_upload.UploadRow(9, a.pk, date(2023, 1, 2), "training", Decimal("4")))
    problems = hours_upload.commit(user=personas.actor, rows=rows)
    assert [(p.line, p.column) for p in problems] == [(9, "timer")]
    assert not HoursEntry.objects.exists()


def test_a_write_without_a_writer_keeps_who_registered_the_entry(personas, fifty):
    a = fifty[0]
    save(personas.actor, [HoursRow(a.pk, "training", "5")])
    with connection.cursor():
        services.lock_citizens_for_hours([a.pk])
        written = services.hours_write(
            by=None, cells=[(a.pk, WEEK, "training", Decimal("6")), (a.pk, WEEK, "paid", 1)]
        )
        again = services.hours_write(by=None, cells=[(a.pk, WEEK, "training", Decimal("6"))])
    assert len(written) == 2 and again == {}
    entry = HoursEntry.objects.get(citizen=a, kind="training")
    assert (entry.hours, entry.registered_by) == (Decimal("6"), personas.actor)
    assert HoursEntry.objects.get(citizen=a, kind="paid").registered_by is None
