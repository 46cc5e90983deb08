import io

import pytest
from django.core.management import call_command

from reminders.services import pending_reminders

pytestmark = pytest.mark.django_db


def test_the_demo_leaves_reminders_due_for_the_caseworker_and_the_actor(settings):
    call_command("seed_demo", stdout=io.StringIO())
    due = {p.user.username for p in pending_reminders()}
    assert {"sagsbehandler", "aktoer"} <= due
