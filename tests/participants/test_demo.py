import io

import pytest
from django.core.management import call_command

from participants.models import Citizen, ExitForm, HoursEntry, Placement
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
