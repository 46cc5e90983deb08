import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accelerator.models import Camp, Company, CompanyFinancial, CompanyRole
from participants.models import (
    EMPLOYED_STATUSES,
    Citizen,
    ExitForm,
    HoursEntry,
    HoursGroup,
    HoursGroupMonth,
    Pause,
    Placement,
    Visitation,
    VisitationStatus,
)
from participants.track.quality import counts_by_rule
from partnerships.models import ClusterMembership, Municipality, Organisation, OrganisationKind
from reporting import indicators
from tests.participants.test_hours_groups import from_the_weeks, months_as_read, per_month

pytestmark = pytest.mark.django_db

PARTICIPANTS = 200
WEEKS = 10


def seed(*extra) -> str:
    out = io.StringIO()
    call_command("seed_scale", "--participants", PARTICIPANTS, "--weeks", WEEKS, *extra, stdout=out)
    return out.getvalue()


def test_it_puts_every_municipality_in_a_cluster_with_slots():
    seed()

    memberships = ClusterMembership.objects.all()
    assert memberships.count() == Municipality.objects.count() == 98
    assert not memberships.filter(slots=0).exists()
    assert Organisation.objects.filter(kind=OrganisationKind.EMPLOYMENT_ACTOR).count() == 33
    assert Company.objects.count() == 98 * 20
    assert CompanyFinancial.objects.count() == 98 * 10 * 3
    assert Camp.objects.count() == 4 * 12


def test_it_writes_the_citizens_their_tracks_and_weekly_hours():
    output = seed()

    accepted = Visitation.objects.filter(status=VisitationStatus.ACCEPTED).count()
    assert Citizen.objects.count() == PARTICIPANTS
    assert Visitation.objects.count() == PARTICIPANTS
    assert HoursEntry.objects.count() == accepted * WEEKS - paused_weeks()
    assert 0 < paused_weeks() < accepted * WEEKS / 10
    assert Placement.objects.exists() and ExitForm.objects.exists()
    employed = ExitForm.objects.filter(status__in=EMPLOYED_STATUSES)
    assert not employed.filter(employer_company__isnull=True, employer_name="").exists()
    assert employed.filter(employer_company__role=CompanyRole.ACCELERATOR).exists()
    assert "participants_hoursentry" in output and "seed_scale: 200 participants" in output


def paused_weeks() -> int:
    """The weeks of the citizens' first WEEKS from phase 1 whose Monday to Friday lie inside
    one of their pauses: weeks without hours."""
    paused = 0
    for pause in Pause.objects.select_related("citizen"):
        for n in range(WEEKS):
            monday = pause.citizen.phase1_start + timedelta(weeks=n)
            paused += pause.start <= monday and monday + timedelta(days=4) <= pause.end
    return paused


@pytest.mark.parametrize("weeks", [1, WEEKS, 100])
def test_the_scale_data_breaks_no_track_rule(weeks):
    call_command(
        "seed_scale", "--participants", PARTICIPANTS, "--weeks", weeks, stdout=io.StringIO()
    )
    assert ExitForm.objects.exists() or weeks == 1

    counts = counts_by_rule(Citizen.objects.all(), timezone.localdate())

    assert {rule: n for rule, n in counts.items() if n} == {}
    out = io.StringIO()
    call_command("check_data", stdout=out)  # raises CommandError on a finding
    assert "No findings." in out.getvalue()


def test_the_cpr_numbers_are_encrypted_and_hashed_as_the_model_expects():
    seed()
    citizen = Citizen.objects.order_by("pk").first()

    assert citizen.cpr.startswith(f"{citizen.birth_date:%d%m%y}-")
    assert citizen.cpr not in citizen.cpr_encrypted
    probe = Citizen()
    probe.set_cpr(citizen.cpr)
    assert probe.cpr_hash == citizen.cpr_hash
    assert Citizen.objects.values("cpr_hash").distinct().count() == PARTICIPANTS


def test_the_same_seed_gives_the_same_data():
    seed("--seed", "7")
    first = list(HoursEntry.objects.order_by("pk").values_list("week_start", "kind", "hours"))

    seed("--seed", "7", "--clear")

    again = list(HoursEntry.objects.order_by("pk").values_list("week_start", "kind", "hours"))
    assert first == again


def test_the_hours_statements_sums_per_month_are_those_of_the_hours_seeded_again():
    seed("--seed", "7")
    seed("--seed", "8", "--clear")

    assert HoursGroupMonth.objects.exists()
    assert months_as_read() == per_month(from_the_weeks())
    assert not HoursGroup.objects.filter(folded=False).exists()


def test_the_indicators_add_up_on_the_scale_data():
    seed()
    today = timezone.localdate()

    table = {row.code: row.value for row in indicators.compute(end=today)}

    accepted = Visitation.objects.filter(status=VisitationStatus.ACCEPTED).count()
    assert table["P01"] == accepted
    assert sum(table[c] for c in ("P03", "P04", "P05", "P06", "P07")) == table["P01"]
    assert table["C01"] == Company.objects.enrolled().count()
    assert table["C04"] == Camp.objects.held(until=today).count()
    assert not HoursEntry.objects.filter(week_start__gt=today - timedelta(weeks=1)).exists()


def test_it_refuses_to_seed_over_existing_citizens():
    seed()

    with pytest.raises(CommandError, match="--clear"):
        seed()
    assert "nothing seeded" in seed("--if-empty")


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_tables_are_left_vacuumed_so_counts_read_an_index():
    seed()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relallvisible, relpages FROM pg_class WHERE relname = %s",
            [Citizen._meta.db_table],
        )
        all_visible, pages = cursor.fetchone()
        table = connection.ops.quote_name(Citizen._meta.db_table)
        cursor.execute(f"SELECT count(DISTINCT (ctid::text::point)[0]) FROM {table}")
        (pages_with_rows,) = cursor.fetchone()
    assert pages > 0
    # At least as many pages in the visibility map as pages holding rows. COPY extends the
    # table several pages at a time, so a few new, empty pages may follow the last row: VACUUM
    # leaves those out of the map, and no count reads them.
    assert 0 < pages_with_rows <= all_visible <= pages
