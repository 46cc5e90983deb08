"""The figures kept between writes (siv.figures) never disagree with the rows: after any
sequence of committed writes, what the screens are served equals a fresh computation."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participants.models import Citizen, ExitForm, FollowUp, Visitation
from participants.track import selectors as track
from participants.track.models import FollowUpKind, VisitationStatus
from partnerships.models import ClusterMembership
from reporting import esf, indicators, selectors
from reporting.selectors import ReportParams
from siv import figures
from siv.models import FigureCache
from tests.factories.participants import (
    CitizenFactory,
    ExitFormFactory,
    FollowUpFactory,
    PauseFactory,
    VisitationFactory,
)
from tests.factories.partnerships import ClusterFactory, ClusterMembershipFactory, municipality

pytestmark = pytest.mark.django_db(transaction=True)

TOWNS = ("Køge", "Stevns", "Aarhus")
STATUSES = ("employed_ordinary", "education", "unemployed", "not_available")

# One write each: what it does and the numbers that choose whom and when.
WRITE = st.one_of(
    st.tuples(st.just("visit"), st.integers(0, 2), st.integers(1, 2), st.integers(0, 400)),
    st.tuples(st.just("exit"), st.integers(0, 50), st.integers(0, 300), st.integers(0, 3)),
    st.tuples(st.just("early exit"), st.integers(0, 50), st.integers(0, 60), st.integers(0, 3)),
    st.tuples(st.just("re-visit"), st.integers(0, 50), st.booleans(), st.integers(0, 20)),
    st.tuples(st.just("move"), st.integers(0, 50), st.integers(0, 2), st.integers(1, 2)),
    st.tuples(st.just("phone"), st.integers(0, 50), st.integers(0, 9), st.integers(0, 9)),
    st.tuples(st.just("gender"), st.integers(0, 50), st.integers(0, 1), st.integers(0, 9)),
    st.tuples(st.just("pause"), st.integers(0, 50), st.integers(0, 100), st.integers(1, 60)),
    st.tuples(st.just("follow-up"), st.integers(0, 50), st.booleans(), st.integers(0, 9)),
    st.tuples(st.just("undo exit"), st.integers(0, 50), st.integers(0, 9), st.integers(0, 9)),
    st.tuples(st.just("slots"), st.integers(0, 2), st.integers(1, 2), st.integers(0, 20)),
    st.tuples(st.just("fold"), st.integers(0, 9), st.integers(0, 9), st.integers(0, 9)),
)


def _nth(queryset, n: int):
    rows = list(queryset.order_by("pk"))
    return rows[n % len(rows)] if rows else None


def _write(action: str, a: int, b: int, c: int) -> None:
    today = timezone.localdate()
    if action == "visit":
        citizen = CitizenFactory(
            municipality=municipality(TOWNS[a]),
            cluster=ClusterFactory(number=b),
            phase1_start=today - timedelta(days=c),
        )
        VisitationFactory(citizen=citizen, proposed_on=citizen.phase1_start - timedelta(days=7))
        return
    if action == "slots":
        ClusterMembershipFactory(
            municipality=municipality(TOWNS[a]), cluster=ClusterFactory(number=b), slots=c
        )
        ClusterMembership.objects.filter(municipality__name=TOWNS[a]).update(slots=c)
        return
    if action == "fold":
        figures.fold()
        return
    citizen = _nth(Citizen.objects.all(), a)
    if citizen is None:
        return
    if action in ("exit", "early exit"):
        exit_date = min(citizen.phase1_start + timedelta(days=b), today)
        if not ExitForm.objects.filter(citizen=citizen, exit_date=exit_date).exists():
            status = STATUSES[c]
            ExitFormFactory(
                citizen=citizen,
                exit_date=exit_date,
                status=status,
                early=action == "early exit",
                not_available_reason="illness" if status == "not_available" else "",
            )
    elif action == "re-visit":
        exit_form = _nth(ExitForm.objects.filter(early=True), a)
        if exit_form and not exit_form.revisitations.filter(status="accepted").exists():
            VisitationFactory(
                citizen=CitizenFactory(municipality=exit_form.citizen.municipality),
                replaces_exit=exit_form,
                proposed_on=exit_form.exit_date + timedelta(days=c),
                status=VisitationStatus.ACCEPTED if b else VisitationStatus.PROPOSED,
            )
    elif action == "move":
        Citizen.objects.filter(pk=citizen.pk).update(
            municipality=municipality(TOWNS[b]), cluster=ClusterFactory(number=c)
        )
    elif action == "phone":
        Citizen.objects.filter(pk=citizen.pk).update(phone=f"2{b}{c}00000")
    elif action == "gender":
        Citizen.objects.filter(pk=citizen.pk).update(gender="FM"[b])
    elif action == "pause":
        PauseFactory(
            citizen=citizen,
            start=citizen.phase1_start + timedelta(days=b),
            end=citizen.phase1_start + timedelta(days=b + c),
        )
    elif action == "follow-up":
        exit_form = _nth(ExitForm.objects.all(), a)
        if exit_form and not FollowUp.objects.filter(exit=exit_form).exists():
            FollowUpFactory(
                exit=exit_form,
                kind=FollowUpKind.SIX_MONTHS if b else FollowUpKind.TWO_YEARS,
                status="employed_ordinary" if c % 2 else "unemployed",
                improved_situation=bool(c % 3),
            )
    elif action == "undo exit":
        exit_form = _nth(ExitForm.objects.all(), a)
        if exit_form:
            Visitation.objects.filter(replaces_exit=exit_form).delete()
            FollowUp.objects.filter(exit=exit_form).delete()
            exit_form.delete()


PERIODS = [
    ReportParams(),
    ReportParams(municipality="Køge"),
    ReportParams(region="Region Sjælland", start=timezone.localdate() - timedelta(days=200)),
]


def _assert_served_as_counted() -> None:
    today = timezone.localdate()
    for params in PERIODS:
        assert selectors.indicator_breakdown(params) == selectors._indicator_breakdown(params)
        whole, funnel = selectors.indicators_with_funnel(params)
        assert whole == indicators.compute(scope=params.scope, start=params.start, end=params.end)
        counted = indicators.breakdown(scope=params.scope, start=params.start, end=params.end)
        assert funnel == selectors.funnel_steps(counted.funnel)
        assert selectors.esf_rows(params) == esf.compute(
            scope=params.scope, start=params.start, end=params.end
        )
    served = track.slot_figures(today)
    assert served == track.count_slot_figures(today)
    # And against the per-membership counts the caseworker's place list makes its own way.
    places = track.with_citizen_places(ClusterMembership.objects.all(), as_of=today)
    for membership in places:
        slot = served.get((membership.municipality_id, membership.cluster_id))
        assert (slot.active if slot else 0) == membership.active_citizens
    waiting = ExitForm.objects.places_open(today)
    assert sum(len(s.waiting) for s in served.values()) == waiting.count()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(writes=st.lists(st.lists(WRITE, min_size=1, max_size=3), min_size=1, max_size=5))
def test_the_figures_served_always_equal_a_fresh_count(writes):
    figures.fold()  # an epoch after the previous test's flush
    for batch in writes:
        for write in batch:
            _write(*write)
        _assert_served_as_counted()
        # Served again without a write in between: from the cache, and still the same.
        _assert_served_as_counted()
    assert FigureCache.objects.exists()
