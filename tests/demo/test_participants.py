import io

import pytest
from django.core.management import call_command

from participants.models import EMPLOYED_STATUSES, Citizen, ExitForm, HoursEntry, Placement
from partnerships.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_demo_users_citizens_and_can_run_twice(settings):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    assert Citizen.objects.count() == 25
    caseworker = User.objects.get(username="sagsbehandler")
    actor = User.objects.get(username="aktoer")
    assert Citizen.objects.for_user(caseworker).count() >= 5
    assert Citizen.objects.for_user(actor).count() >= 5
    assert HoursEntry.objects.exists() and Placement.objects.exists()
    assert ExitForm.objects.filter(early=True).exists()
    # Every employed exit names its employer: a partner company or another employer.
    employed = ExitForm.objects.filter(status__in=EMPLOYED_STATUSES)
    assert employed.filter(employer_company__isnull=False).exists()
    assert employed.exclude(employer_name="").exists()
    assert not employed.filter(employer_company__isnull=True, employer_name="").exists()


def test_demo_visitations_waited_realistically_before_their_review(settings):
    from django.utils import timezone

    from participants.models import Visitation, VisitationStatus

    call_command("seed_demo", stdout=io.StringIO())
    today = timezone.localdate()
    accepted = Visitation.objects.filter(status=VisitationStatus.ACCEPTED)
    waits = sorted(v.days_waited() for v in accepted)
    assert waits[0] >= 3 and waits[-1] <= 35
    assert len(set(waits)) > 3
    assert all(timezone.localdate(v.reviewed_at) < today for v in accepted)
    assert all(v.start_on >= timezone.localdate(v.reviewed_at) for v in accepted)
    pending = Visitation.objects.filter(status=VisitationStatus.PROPOSED)
    assert sum(v.is_overdue() for v in pending) == 1
    assert sum(not v.is_overdue() for v in pending) >= 2
    paid = Placement.objects.filter(kind="loentilskud")
    assert paid.filter(retained_13_confirmed_on__isnull=False).exists()
    assert paid.filter(retained_13_confirmed_on__isnull=True).exists()
