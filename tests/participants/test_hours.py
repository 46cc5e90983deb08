from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participants.hours import services
from participants.hours.services import HoursRow, HoursWeekInvalid, parse_hours
from participants.models import HoursEntry
from siv.models import AuditEntry
from tests.factories.participants import ExitFormFactory, VisitationFactory

from .helpers import citizen_in

pytestmark = pytest.mark.django_db
WEEK = date(2024, 3, 4)  # a Monday, 2024-W10


@pytest.fixture
def two(personas):
    return (
        citizen_in(personas.own, personas.cluster),
        citizen_in(personas.own, personas.cluster),
    )


def save(actor, rows, week=WEEK):
    return services.hours_save_week(actor=actor, week=week, rows=rows)


def test_a_week_is_saved_for_many_citizens_at_once_with_iso_week(personas, two):
    a, b = two
    save(personas.actor, [HoursRow(a.pk, "training", "9,5"), HoursRow(b.pk, "practice", "12")])
    entry = HoursEntry.objects.get(citizen=a)
    assert (entry.iso_year, entry.iso_week, entry.hours) == (2024, 10, Decimal("9.50"))
    assert entry.week_label == "2024-W10"
    assert HoursEntry.objects.count() == 2
    assert AuditEntry.objects.filter(object_label="Timer 2024-W10").exists()


def test_saving_again_updates_and_empty_removes(personas, two):
    a, _b = two
    save(personas.actor, [HoursRow(a.pk, "training", "10")])
    save(personas.actor, [HoursRow(a.pk, "training", "8"), HoursRow(a.pk, "paid", "")])
    assert HoursEntry.objects.get(citizen=a).hours == Decimal("8")
    save(personas.actor, [HoursRow(a.pk, "training", "")])
    assert not HoursEntry.objects.exists()


def test_any_day_of_the_week_stores_the_monday(personas, two):
    a, _b = two
    save(personas.actor, [HoursRow(a.pk, "training", "5")], week=WEEK + timedelta(days=3))
    assert HoursEntry.objects.get().week_start == WEEK


def test_more_than_60_hours_of_one_kind_is_refused(personas, two):
    a, _b = two
    with pytest.raises(HoursWeekInvalid) as exc:
        save(personas.actor, [HoursRow(a.pk, "paid", "60.5")])
    assert "mellem 0 og 60" in exc.value.row_errors[0][0]
    save(personas.actor, [HoursRow(a.pk, "paid", "60")])


def test_more_than_80_hours_in_a_week_is_refused_and_nothing_is_saved(personas, two):
    a, b = two
    rows = [
        HoursRow(b.pk, "training", "10"),
        HoursRow(a.pk, "paid", "45"),
        HoursRow(a.pk, "practice", "36"),
    ]
    with pytest.raises(HoursWeekInvalid) as exc:
        save(personas.actor, rows)
    assert set(exc.value.row_errors) == {1, 2}
    assert "80 timer" in exc.value.row_errors[1][0]
    assert not HoursEntry.objects.exists()


def test_the_80_hours_include_kinds_saved_earlier(personas, two):
    a, _b = two
    save(personas.actor, [HoursRow(a.pk, "paid", "50")])
    with pytest.raises(HoursWeekInvalid):
        save(personas.actor, [HoursRow(a.pk, "practice", "31")])
    save(personas.actor, [HoursRow(a.pk, "practice", "30")])


def test_hours_before_the_track_started_are_refused(personas):
    late = citizen_in(personas.own, personas.cluster, phase1_start=WEEK + timedelta(days=7))
    with pytest.raises(HoursWeekInvalid) as exc:
        save(personas.actor, [HoursRow(late.pk, "training", "5")])
    assert "før forløbets start" in exc.value.row_errors[0][0]
    # The week the track starts in (start on a Sunday) is allowed.
    sunday = citizen_in(personas.own, personas.cluster, phase1_start=WEEK + timedelta(days=6))
    save(personas.actor, [HoursRow(sunday.pk, "training", "5")])


def test_hours_after_exit_are_refused(personas, two):
    a, _b = two
    ExitFormFactory(citizen=a, exit_date=WEEK - timedelta(days=1), status="unemployed")
    with pytest.raises(HoursWeekInvalid) as exc:
        save(personas.actor, [HoursRow(a.pk, "training", "5")])
    assert "efter ophør" in exc.value.row_errors[0][0]


def test_a_citizen_visited_again_after_an_exit_can_have_hours_again(personas, two):
    a, _b = two
    ExitFormFactory(citizen=a, exit_date=WEEK - timedelta(days=30), status="unemployed")
    VisitationFactory(citizen=a, proposed_on=WEEK - timedelta(days=10))
    save(personas.actor, [HoursRow(a.pk, "training", "5")])
    assert HoursEntry.objects.filter(citizen=a).exists()


def test_a_foreign_citizen_is_unknown_to_the_actor(personas):
    foreign = citizen_in(personas.foreign, personas.cluster)
    with pytest.raises(HoursWeekInvalid) as exc:
        save(personas.actor, [HoursRow(foreign.pk, "training", "5")])
    assert exc.value.row_errors == {0: ["Ukendt deltager."]}


def test_the_lead_cannot_log_hours(personas, two):
    a, _b = two
    with pytest.raises(HoursWeekInvalid):
        save(personas.lead, [HoursRow(a.pk, "training", "5")])


def test_the_same_cell_twice_is_an_error(personas, two):
    a, _b = two
    with pytest.raises(HoursWeekInvalid):
        save(personas.actor, [HoursRow(a.pk, "training", "5"), HoursRow(a.pk, "training", "6")])


@pytest.mark.parametrize("value", ["abc", "-1", "1e3", "NaN", "Infinity", "1.234", "7,5,5"])
def test_parse_hours_refuses_what_is_not_hours(value):
    with pytest.raises(ValueError):
        parse_hours(value)


@given(st.one_of(st.text(max_size=12), st.floats(), st.integers(), st.decimals(), st.none()))
def test_parse_hours_never_crashes(value):
    try:
        result = parse_hours(value)
    except ValueError:
        return
    assert result is None or Decimal("0") <= result <= Decimal("60")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(min_value=-1, max_value=3),
            st.sampled_from(["training", "paid", "practice", "bogus", ""]),
            st.one_of(st.text(max_size=6), st.decimals(allow_nan=True), st.none()),
        ),
        max_size=6,
    )
)
def test_saving_a_week_never_crashes_it_saves_or_gives_validation_errors(personas, two, rows):
    ids = [c.pk for c in two] + [0, 10**9]
    before = list(HoursEntry.objects.values_list("pk", "hours"))
    try:
        save(personas.actor, [HoursRow(ids[i], kind, hours) for i, kind, hours in rows])
    except ValidationError as exc:
        assert isinstance(exc, HoursWeekInvalid)
        assert list(HoursEntry.objects.values_list("pk", "hours")) == before
    for entry in HoursEntry.objects.all():
        assert Decimal(0) < entry.hours <= 60
