from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from participants import cpr
from participants.hours import services as hours_services
from participants.models import Citizen
from participants.track import services as track_services
from siv.models import AuditAction, AuditEntry
from tests.factories.participants import CitizenFactory

from .helpers import citizen_in

pytestmark = pytest.mark.django_db


def create(personas, number="150385-1234", **extra):
    return track_services.citizen_create(
        by=personas.caseworker,
        cpr=number,
        first_name="Ida",
        last_name="Hansen",
        gender="F",
        target_group="youth",
        benefit="uddannelseshjaelp",
        entry_status="inactive",
        municipality=personas.own.municipality,
        cluster=personas.cluster,
        caseworker=personas.caseworker,
        **extra,
    )


def test_creating_a_citizen_is_logged_without_personal_data(personas):
    citizen = create(personas)
    assert citizen.birth_date == date(1985, 3, 15)
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(citizen.pk))
    text = f"{entry.object_label} {entry.details}"
    assert "Hansen" not in text and "150385" not in text and "1234" not in text


def test_a_second_citizen_with_the_same_cpr_is_refused_without_echoing_it(personas):
    create(personas)
    with pytest.raises(ValidationError) as exc:
        create(personas, number="1503851234")
    assert "findes allerede" in str(exc.value)
    assert "150385" not in str(exc.value)
    assert Citizen.objects.count() == 1
    assert track_services.citizen_find_by_cpr(cpr=" 150385-1234 ").last_name == "Hansen"


def test_updating_logs_the_changed_field_names(personas):
    citizen = create(personas)
    track_services.citizen_update(
        citizen=citizen, by=personas.caseworker, phone="12345678", gender="F"
    )
    entry = AuditEntry.objects.filter(action=AuditAction.CHANGE).get()
    # The phone number is named, never logged.
    assert entry.details == {"fields": ["phone"], "before": {}, "after": {}, "version": 2}


def test_the_employment_actor_must_be_an_actor_organisation(personas):
    with pytest.raises(ValidationError):
        create(personas, employment_actor=personas.own.company_org)


def test_reading_a_record_is_logged(personas):
    citizen = citizen_in(personas.own, personas.cluster)
    track_services.citizen_record_viewed(citizen=citizen, by=personas.lead)
    assert AuditEntry.objects.filter(action=AuditAction.VIEW, actor=personas.lead).exists()


def test_without_a_field_key_no_cpr_number_is_stored(settings):
    assert cpr.decrypt(cpr.encrypt("1503851234")) == "1503851234"
    settings.SIV_FIELD_KEYS = {}
    with pytest.raises(ImproperlyConfigured, match="SIV_FIELD_KEYS"):
        cpr.encrypt("1503851234")


def test_practice_and_paid_hours_in_one_week_are_still_one_citizen(personas):
    from participants.hours.services import HoursRow
    from reporting.indicators import compute

    citizen = citizen_in(personas.own, personas.cluster)
    hours_services.hours_save_week(
        actor=personas.actor,
        week=date(2024, 3, 4),
        rows=[HoursRow(citizen.pk, "practice", "12"), HoursRow(citizen.pk, "paid", "6")],
    )
    table = {row.code: row.value for row in compute()}
    assert table["P01"] == table["P07"] == 1
    assert Citizen.objects.for_user(personas.actor).count() == 1


def test_a_qualification_needs_a_completed_course(personas):
    citizen = CitizenFactory()
    with pytest.raises(ValidationError):
        track_services.course_register(
            citizen=citizen,
            by=None,
            kind="amu",
            title="Truck",
            start=date(2024, 5, 6),
            qualification_gained=True,
        )
    course = track_services.course_register(
        citizen=citizen,
        by=None,
        kind="amu",
        title="Truck",
        start=date(2024, 5, 6),
        end=date(2024, 5, 10),
        completed=True,
        qualification_gained=True,
        qualification="Truckcertifikat B",
    )
    assert course.pk
