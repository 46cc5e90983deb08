import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from participants.models import Citizen
from participants.track.quality import counts_by_rule

pytestmark = pytest.mark.django_db


def test_the_demo_breaks_no_track_rule():
    call_command("seed_demo", stdout=io.StringIO())
    counts = counts_by_rule(Citizen.objects.all(), timezone.localdate())
    assert {rule: n for rule, n in counts.items() if n} == {}
