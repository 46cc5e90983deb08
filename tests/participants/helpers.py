"""Small builders for the participants tests: a citizen on either side of the story."""

from datetime import date, datetime, time

from django.utils import timezone

from participants.models import VisitationStatus
from tests.factories.participants import CitizenFactory, VisitationFactory


def citizen_in(world, cluster, *, phase1_start=date(2024, 1, 8), **kwargs):
    """An accepted citizen of the world's municipality, assigned to its actor."""
    citizen = CitizenFactory(
        municipality=world.municipality,
        employment_actor=world.actor_org,
        cluster=cluster,
        phase1_start=phase1_start,
        **kwargs,
    )
    VisitationFactory(
        citizen=citizen,
        status=VisitationStatus.ACCEPTED,
        proposed_on=date(2023, 12, 1),
    )
    return citizen


def freeze_today(monkeypatch, day: date) -> None:
    """Stop the clock at noon (Copenhagen) of a day: timezone.now() and localdate() say so."""
    moment = timezone.make_aware(datetime.combine(day, time(12)))
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
