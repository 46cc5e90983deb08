"""The hours statement's groups (HoursGroup) follow every write to the hours and to the
citizens' grouping, through the services and through raw SQL, folded or not."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participants.hours import services as hours_services
from participants.hours.services import HoursRow
from participants.models import Citizen, HoursEntry, HoursGroup, HoursGroupMonth, HoursKind
from participants.track import services as track_services
from partnerships.models import Municipality
from tests.factories.participants import CitizenFactory, HoursEntryFactory

from .helpers import citizen_in

pytestmark = pytest.mark.django_db

KEY = ("month", "municipality_id", "cluster_id", "benefit", "kind")


def grouped() -> dict:
    """What the statement reads: each group's rows (changes and folded) summed."""
    rows = HoursGroup.objects.values(*KEY).annotate(h=Sum("hours"), n=Sum("citizens"))
    groups = {tuple(r[k] for k in KEY): (r["h"], r["n"]) for r in rows}
    assert all(n >= 0 for _h, n in groups.values()), groups
    return {key: value for key, value in groups.items() if value[1]}


def from_the_weeks() -> dict:
    """The same groups from the weekly rows themselves: month of the Monday, the citizen's
    municipality, cluster and benefit type now, the kind; citizens counted per month."""
    rows = (
        HoursEntry.objects.annotate(month=TruncMonth("week_start"))
        .values(
            "month",
            "citizen__municipality_id",
            "citizen__cluster_id",
            "citizen__benefit",
            "kind",
        )
        .annotate(h=Sum("hours"), n=Count("citizen_id", distinct=True))
    )
    return {
        (
            r["month"],
            r["citizen__municipality_id"],
            r["citizen__cluster_id"],
            r["citizen__benefit"],
            r["kind"],
        ): (r["h"], r["n"])
        for r in rows
    }


def months_as_read() -> dict:
    """The sums per month and municipality as the statement reads them: the fold's
    (HoursGroupMonth), except where rows of changes wait, whose groups are summed instead."""
    waiting = set(HoursGroup.objects.filter(folded=False).values_list("month", "municipality_id"))
    kept = {
        (row.month, row.municipality_id): (row.hours, row.groups)
        for row in HoursGroupMonth.objects.all()
        if (row.month, row.municipality_id) not in waiting
    }
    return {**kept, **per_month(grouped(), only=waiting)}


def per_month(groups: dict, only: set | None = None) -> dict:
    """Groups (KEY: h, n) summed per month and municipality, the statement's groups (the
    clusters of a municipality together) counted."""
    statement_groups: dict = {}
    for (month, municipality, _cluster, benefit, kind), (hours, _n) in groups.items():
        if only is None or (month, municipality) in only:
            key = (month, municipality, benefit, kind)
            statement_groups[key] = statement_groups.get(key, 0) + hours
    months: dict = {}
    for (month, municipality, _benefit, _kind), hours in statement_groups.items():
        total, number = months.get((month, municipality), (0, 0))
        months[(month, municipality)] = (total + hours, number + 1)
    return months


def test_a_group_counts_the_hours_and_the_citizens_of_its_month_and_kind():
    a, b = CitizenFactory.create_batch(2)
    for citizen in (a, b):
        HoursEntryFactory(citizen=citizen, week_start=date(2024, 3, 4), hours=Decimal("10"))
    HoursEntryFactory(citizen=a, week_start=date(2024, 3, 11), hours=Decimal("2.5"))
    key = (date(2024, 3, 1), a.municipality_id, a.cluster_id, a.benefit, HoursKind.TRAINING)
    assert grouped() == {key: (Decimal("22.50"), 2)}


def test_folding_sums_the_changes_into_one_row_per_group_and_drops_empty_groups():
    citizen = CitizenFactory()
    week = HoursEntryFactory(citizen=citizen, week_start=date(2024, 3, 4), hours=Decimal("10"))
    HoursEntryFactory(citizen=citizen, week_start=date(2024, 4, 1), hours=Decimal("4"))
    week.hours = Decimal("12")
    week.save()
    before = grouped()
    assert HoursGroup.objects.count() > len(before)

    assert hours_services.fold_hours_groups() > 0
    assert grouped() == before == from_the_weeks()
    assert HoursGroup.objects.filter(folded=False).count() == 0
    assert HoursGroup.objects.count() == 2

    week.delete()
    hours_services.fold_hours_groups()
    assert HoursGroup.objects.count() == 1
    assert grouped() == from_the_weeks()
    assert hours_services.fold_hours_groups() == 0  # nothing to fold


def test_moving_a_citizen_moves_their_hours_to_the_new_group(personas):
    citizen = citizen_in(personas.own, personas.cluster)
    HoursEntryFactory(citizen=citizen, week_start=date(2024, 3, 4), hours=Decimal("10"))
    hours_services.fold_hours_groups()

    track_services.citizen_update(
        citizen=citizen,
        by=personas.caseworker,
        municipality=personas.foreign.municipality,
        benefit="kontanthjaelp",
    )
    assert grouped() == {
        (
            date(2024, 3, 1),
            personas.foreign.municipality.pk,
            personas.cluster.pk,
            "kontanthjaelp",
            HoursKind.TRAINING,
        ): (Decimal("10.00"), 1)
    }
    assert grouped() == from_the_weeks()


WEEKS = [date(2024, 1, 29) + timedelta(weeks=n) for n in range(8)]  # January to March
KINDS = [HoursKind.TRAINING, HoursKind.PRACTICE]
HOURS = st.decimals(min_value=0, max_value=30, places=2)
BENEFITS = ["ressourceforloebsydelse", "kontanthjaelp"]
CITIZEN = st.integers(min_value=0, max_value=2)
WRITE = st.one_of(
    # The week grid's service, which leaves a cell without hours empty.
    st.tuples(st.just("grid"), CITIZEN, st.sampled_from(WEEKS), st.sampled_from(KINDS), HOURS),
    st.tuples(st.just("grid_clear"), CITIZEN, st.sampled_from(WEEKS), st.sampled_from(KINDS)),
    # Raw SQL: one statement over several rows.
    st.tuples(st.just("sql_add"), CITIZEN, st.sampled_from(KINDS), HOURS),
    st.tuples(st.just("sql_shift"), CITIZEN, st.sampled_from(WEEKS), st.sampled_from(WEEKS)),
    st.tuples(st.just("sql_delete"), CITIZEN, st.sampled_from(WEEKS)),
    # The citizen's grouping: the service, and raw SQL over every citizen at once.
    st.tuples(st.just("benefit"), CITIZEN, st.sampled_from(BENEFITS)),
    st.tuples(st.just("sql_municipality"), st.booleans()),
    st.tuples(st.just("fold")),
)


def _apply(write, *, personas, citizens, municipalities) -> None:
    action, *args = write
    if action == "grid":
        who, week, kind, hours = args
        rows = [HoursRow(citizens[who].pk, kind, str(hours).replace(".", ","))]
        hours_services.hours_save_week(actor=personas.actor, week=week, rows=rows)
    elif action == "grid_clear":
        who, week, kind = args
        rows = [HoursRow(citizens[who].pk, kind, "")]
        hours_services.hours_save_week(actor=personas.actor, week=week, rows=rows)
    elif action == "sql_add":
        who, kind, hours = args
        _sql(
            "UPDATE participants_hoursentry SET hours = LEAST(hours + %s, 60)"
            " WHERE citizen_id = %s AND kind = %s",
            [hours, citizens[who].pk, kind],
        )
    elif action == "sql_shift":
        who, week, other = args
        if not HoursEntry.objects.filter(citizen=citizens[who], week_start=other).exists():
            _sql(
                "UPDATE participants_hoursentry SET week_start = %s"
                " WHERE citizen_id = %s AND week_start = %s",
                [other, citizens[who].pk, week],
            )
    elif action == "sql_delete":
        who, week = args
        _sql(
            "DELETE FROM participants_hoursentry WHERE citizen_id = %s AND week_start >= %s",
            [citizens[who].pk, week],
        )
    elif action == "benefit":
        who, benefit = args
        citizen = Citizen.objects.get(pk=citizens[who].pk)
        track_services.citizen_update(citizen=citizen, by=personas.caseworker, benefit=benefit)
    elif action == "sql_municipality":
        (foreign,) = args
        _sql(
            "UPDATE participants_citizen SET municipality_id = %s WHERE id = ANY(%s)",
            [municipalities[foreign], [c.pk for c in citizens[:2]]],
        )
    else:
        hours_services.fold_hours_groups()


def _sql(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(writes=st.lists(WRITE, max_size=12))
def test_after_any_writes_the_groups_equal_a_grouping_of_the_weekly_rows(personas, writes):
    citizens = [citizen_in(personas.own, personas.cluster) for _n in range(3)]
    municipalities = [personas.own.municipality.pk, personas.foreign.municipality.pk]
    for write in writes:
        _apply(write, personas=personas, citizens=citizens, municipalities=municipalities)
        assert grouped() == from_the_weeks()
        assert months_as_read() == per_month(from_the_weeks())
    hours_services.fold_hours_groups()
    assert grouped() == from_the_weeks()
    assert not HoursGroup.objects.filter(citizens=0).exists()
    expected = per_month(from_the_weeks())
    assert {
        (row.month, row.municipality_id): (row.hours, row.groups)
        for row in HoursGroupMonth.objects.all()
    } == expected
    HoursEntry.objects.filter(citizen__in=citizens).delete()
    hours_services.fold_hours_groups()
    assert not HoursGroup.objects.exists()
    assert not HoursGroupMonth.objects.exists()


def test_the_migration_fills_the_groups_from_the_hours_already_there():
    """The backfill's statement (migration 0014) gives the groups the triggers keep."""
    for municipality in Municipality.objects.order_by("pk")[:2]:
        citizen = CitizenFactory(municipality=municipality)
        HoursEntryFactory(citizen=citizen, week_start=date(2024, 3, 4), hours=Decimal("6"))
        HoursEntryFactory(citizen=citizen, week_start=date(2024, 5, 6), kind=HoursKind.PAID)
    from importlib import import_module

    migration = import_module("participants.migrations.0014_hours_groups")
    expected = from_the_weeks()
    HoursGroup.objects.all().delete()
    _sql(migration.BACKFILL, [])
    assert grouped() == expected
    assert HoursGroup.objects.filter(folded=False).count() == 0


def test_the_migration_sums_the_folded_groups_per_month_and_municipality():
    """The backfill of migration 0017 gives the sums the fold keeps."""
    for municipality in Municipality.objects.order_by("pk")[:2]:
        for kind in (HoursKind.TRAINING, HoursKind.PAID):
            citizen = CitizenFactory(municipality=municipality)
            HoursEntryFactory(citizen=citizen, week_start=date(2024, 3, 4), kind=kind)
    hours_services.fold_hours_groups()
    from importlib import import_module

    migration = import_module("participants.migrations.0017_hours_group_months")
    HoursGroupMonth.objects.all().delete()
    _sql(migration.BACKFILL, [])
    assert months_as_read() == per_month(from_the_weeks())
    assert {row.groups for row in HoursGroupMonth.objects.all()} == {2}


def test_the_worker_folds_the_changes_every_minute(settings):
    from participants import tasks

    (entry,) = (
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "participants.tasks.fold_hours_groups"
    )
    assert entry["schedule"] == 60.0
    citizen = CitizenFactory()
    HoursEntryFactory(citizen=citizen, week_start=date(2024, 3, 4), hours=Decimal("10"))
    HoursEntryFactory(citizen=citizen, week_start=date(2024, 3, 11), hours=Decimal("5"))
    assert tasks.fold_hours_groups() == 2  # the month's first week, then the second
    group = HoursGroup.objects.get()
    assert (group.folded, group.hours, group.citizens) == (True, Decimal("15.00"), 1)
