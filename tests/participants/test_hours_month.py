"""The monthly roll-up of the weekly hours follows every kind of write to them."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participants.hours import services
from participants.models import Citizen, HoursEntry, HoursKind, HoursMonth
from tests.factories.participants import CitizenFactory, HoursEntryFactory

pytestmark = pytest.mark.django_db


def rolled_up() -> dict:
    """(citizen, month, kind) → (hours, weekly rows); each row's month total is checked."""
    rows = list(HoursMonth.objects.all())
    totals: dict[tuple, Decimal] = {}
    for m in rows:
        totals[m.citizen_id, m.month] = totals.get((m.citizen_id, m.month), 0) + m.hours
    assert all(m.month_total == totals[m.citizen_id, m.month] for m in rows), [
        (m.citizen_id, m.month, m.kind, m.month_total) for m in rows
    ]
    return {(m.citizen_id, m.month, m.kind): (m.hours, m.entries) for m in rows}


def from_the_weeks() -> dict:
    """What the roll-up must hold: the weekly rows grouped by citizen, month and kind."""
    rows = (
        HoursEntry.objects.annotate(month=TruncMonth("week_start"))
        .values("citizen_id", "month", "kind")
        .annotate(hours=Sum("hours"), entries=Count("pk"))
    )
    return {(r["citizen_id"], r["month"], r["kind"]): (r["hours"], r["entries"]) for r in rows}


def test_a_week_is_counted_in_the_month_of_its_monday():
    citizen = CitizenFactory()
    # Monday 29 January 2024: the whole week counts in January, though it ends in February.
    HoursEntryFactory(citizen=citizen, week_start=date(2024, 1, 29), hours=Decimal("12.5"))
    HoursEntryFactory(citizen=citizen, week_start=date(2024, 2, 5), hours=Decimal("8"))
    HoursEntryFactory(citizen=citizen, week_start=date(2024, 2, 12), hours=Decimal("7.25"))
    assert rolled_up() == {
        (citizen.pk, date(2024, 1, 1), HoursKind.TRAINING): (Decimal("12.50"), 1),
        (citizen.pk, date(2024, 2, 1), HoursKind.TRAINING): (Decimal("15.25"), 2),
    }


def test_each_kind_carries_the_citizens_month_total_across_kinds():
    citizen = CitizenFactory()
    HoursEntryFactory(citizen=citizen, week_start=date(2024, 3, 4), hours=Decimal("30"))
    practice = HoursEntryFactory(
        citizen=citizen, week_start=date(2024, 3, 11), kind=HoursKind.PRACTICE, hours=5
    )
    HoursEntryFactory(week_start=date(2024, 3, 4), hours=Decimal("7"))  # someone else
    assert set(HoursMonth.objects.filter(citizen=citizen).values_list("kind", "month_total")) == {
        (HoursKind.TRAINING, Decimal(35)),
        (HoursKind.PRACTICE, Decimal(35)),
    }
    practice.delete()
    assert list(HoursMonth.objects.filter(citizen=citizen).values_list("month_total")) == [
        (Decimal(30),)
    ]


def test_changing_and_removing_weeks_moves_the_months():
    citizen = CitizenFactory()
    first = HoursEntryFactory(citizen=citizen, week_start=date(2024, 3, 4), hours=Decimal("10"))
    second = HoursEntryFactory(citizen=citizen, week_start=date(2024, 3, 11), hours=Decimal("5"))
    first.hours = Decimal("20")
    first.save()
    assert rolled_up() == {(citizen.pk, date(2024, 3, 1), HoursKind.TRAINING): (Decimal(25), 2)}

    second.week_start = date(2024, 4, 1)
    second.kind = HoursKind.PRACTICE
    second.save()
    assert rolled_up() == {
        (citizen.pk, date(2024, 3, 1), HoursKind.TRAINING): (Decimal(20), 1),
        (citizen.pk, date(2024, 4, 1), HoursKind.PRACTICE): (Decimal(5), 1),
    }

    first.delete()
    assert rolled_up() == {(citizen.pk, date(2024, 4, 1), HoursKind.PRACTICE): (Decimal(5), 1)}


def test_a_week_of_zero_hours_still_has_its_month():
    citizen = CitizenFactory()
    HoursEntryFactory(citizen=citizen, week_start=date(2024, 3, 4), hours=Decimal("0"))
    assert rolled_up() == {(citizen.pk, date(2024, 3, 1), HoursKind.TRAINING): (Decimal(0), 1)}


def test_bulk_writes_raw_sql_and_a_deleted_citizen_keep_it_exact():
    citizens = CitizenFactory.create_batch(3)
    HoursEntry.objects.bulk_create(
        HoursEntry(
            citizen=citizen,
            week_start=date(2024, 5, 6) + timedelta(weeks=week),
            iso_year=2024,
            iso_week=19 + week,
            kind=HoursKind.TRAINING,
            hours=Decimal(week + 1),
        )
        for citizen in citizens
        for week in range(6)
    )
    assert rolled_up() == from_the_weeks()
    assert len(rolled_up()) == 6  # May and June for each

    HoursEntry.objects.filter(citizen=citizens[0]).update(hours=Decimal("3"))
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM participants_hoursentry WHERE citizen_id = %s AND week_start >= %s",
            [citizens[1].pk, date(2024, 6, 1)],
        )
    assert rolled_up() == from_the_weeks()

    Citizen.objects.filter(pk=citizens[2].pk).delete()
    assert rolled_up() == from_the_weeks()
    assert {key[0] for key in rolled_up()} == {citizens[0].pk, citizens[1].pk}


WEEKS = [date(2024, 1, 1) + timedelta(weeks=n) for n in range(10)]
KINDS = [HoursKind.TRAINING, HoursKind.PRACTICE]
HOURS = st.decimals(min_value=0, max_value=60, places=2)
# Cells of either of two citizens, written in one upsert (new, changed and unchanged rows at
# once: the roll-up's insert and update triggers run over the same statement).
CELLS = st.lists(
    st.tuples(st.sampled_from([0, 1]), st.sampled_from(WEEKS), st.sampled_from(KINDS), HOURS),
    max_size=8,
    unique_by=lambda cell: cell[:3],
)
WRITE = st.one_of(
    st.tuples(st.just("save"), st.sampled_from(WEEKS), st.sampled_from(KINDS), HOURS),
    st.tuples(st.just("delete"), st.sampled_from(WEEKS), st.sampled_from(KINDS), st.none()),
    st.tuples(st.just("shift"), st.sampled_from(WEEKS), st.sampled_from(WEEKS), st.none()),
    st.tuples(st.just("upsert"), CELLS, st.none(), st.none()),
    st.tuples(st.just("clear"), st.sampled_from(WEEKS), st.none(), st.none()),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(writes=st.lists(WRITE, max_size=12))
def test_any_sequence_of_writes_leaves_the_months_equal_to_the_weeks(writes):
    citizen, second = CitizenFactory(), CitizenFactory()
    for action, week, other, hours in writes:
        if action == "upsert":
            cells = [((citizen, second)[n].pk, day, kind, h) for n, day, kind, h in week]
            services.lock_citizens_for_hours(cell[0] for cell in cells)
            services.hours_write(by=None, cells=cells, entries=False)
        elif action == "clear":
            # Both citizens' rows from a week on, in one DELETE.
            HoursEntry.objects.filter(week_start__gte=week).delete()
        elif action == "save":
            HoursEntry.objects.update_or_create(
                citizen=citizen, week_start=week, kind=other, defaults={"hours": hours}
            )
        elif action == "delete":
            HoursEntry.objects.filter(citizen=citizen, week_start=week, kind=other).delete()
        elif not HoursEntry.objects.filter(citizen=citizen, week_start=other).exists():
            # Move a week's rows to another week (one UPDATE over several rows).
            HoursEntry.objects.filter(citizen=citizen, week_start=week).update(week_start=other)
        assert rolled_up() == from_the_weeks()
    HoursEntry.objects.filter(citizen__in=[citizen, second]).delete()
    assert not HoursMonth.objects.filter(citizen__in=[citizen, second]).exists()
