"""A save's validation (siv.validation through audit.save_and_record): a stored record checks
what its changed fields take part in, the check constraints asked in one query, and a
foreign key given as a row already read is not looked up again, its limits still held."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships.models import Organisation, OrganisationKind
from siv import audit, validation
from tests.factories.participants import CitizenFactory
from tests.factories.partnerships import municipality

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = datetime.date(2026, 1, 5), datetime.date(2026, 2, 2), datetime.date(2026, 3, 2)


def _selects(queries) -> list[str]:
    """The SELECTs of a save, but for its content type (cached after the first)."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and "django_content_type" not in q["sql"]
    ]


def test_changing_one_field_checks_neither_the_unchanged_keys_nor_their_constraints(personas):
    citizen = CitizenFactory(phase1_start=JAN, phase2_start=FEB)
    with CaptureQueriesContext(connection) as queries:
        audit.save_and_record(obj=citizen, by=personas.caseworker, changes={"phone": "70 10 20 30"})
    sql = " ".join(_selects(queries.captured_queries))
    # No lookup of the municipality, cluster, actor or caseworker; no constraint asked.
    assert "partnerships_" not in sql
    assert "_check" not in sql
    # The lock, the version and the stored value are one query.
    assert len(_selects(queries.captured_queries)) == 1
    citizen.refresh_from_db()
    assert citizen.phone == "70 10 20 30"


def test_a_changed_field_is_held_to_a_constraint_it_shares_with_an_unchanged_one(personas):
    citizen = CitizenFactory(phase1_start=FEB)
    citizen.clean = lambda: None  # the constraint alone (the model's own check says it first)
    citizen.phase2_start = JAN
    errors = validation.full_clean(citizen, changed=["phase2_start"])
    assert "citizen_phase2_not_before_phase1" in str(errors)
    # Through the save, the model's own Danish message.
    citizen = CitizenFactory(phase1_start=FEB)
    with pytest.raises(ValidationError) as refused:
        audit.save_and_record(obj=citizen, by=personas.caseworker, changes={"phase2_start": JAN})
    assert refused.value.message_dict == {"phase2_start": ["Fase 2 kan ikke starte før fase 1."]}
    citizen.refresh_from_db()
    assert citizen.phase2_start is None


def test_every_broken_check_constraint_is_reported_from_one_query():
    citizen = CitizenFactory(phase1_start=MAR)
    citizen.clean = lambda: None
    citizen.phase2_start, citizen.phase3_start = FEB, JAN
    with CaptureQueriesContext(connection) as queries:
        errors = validation.full_clean(citizen, changed=["phase2_start", "phase3_start"])
    for name in (
        "citizen_phase2_not_before_phase1",
        "citizen_phase3_not_before_phase1",
        "citizen_phase3_not_before_phase2",
    ):
        assert name in str(errors)
    assert len([sql for sql in _selects(queries.captured_queries) if "_check" in sql]) == 1
    # A field the change leaves alone: its constraints are not asked.
    assert validation.full_clean(citizen, changed=["phone"]) == {}


def test_a_new_record_is_checked_whole():
    citizen = CitizenFactory.build(phase1_start=FEB, phase2_start=JAN)
    citizen.clean = lambda: None
    assert "citizen_phase2_not_before_phase1" in str(validation.full_clean(citizen))


def test_a_row_already_read_is_still_held_to_the_limits_of_its_key(personas):
    # The actor must be an employment actor (limit_choices_to): a company is refused
    # without asking the database for the row it was given.
    company = Organisation.objects.create(
        kind=OrganisationKind.COMPANY, name="Testvask ApS", municipality=municipality("Køge")
    )
    citizen = CitizenFactory()
    with pytest.raises(ValidationError) as refused:
        audit.save_and_record(
            obj=citizen, by=personas.caseworker, changes={"employment_actor": company}
        )
    assert "employment_actor" in refused.value.error_dict
    actor = personas.own.actor_org
    with CaptureQueriesContext(connection) as queries:
        audit.save_and_record(
            obj=citizen, by=personas.caseworker, changes={"employment_actor": actor}
        )
    assert not [
        sql for sql in _selects(queries.captured_queries) if "partnerships_organisation" in sql
    ]
    citizen.refresh_from_db()
    assert citizen.employment_actor == actor


def test_a_key_given_by_its_id_alone_is_looked_up(personas):
    organisation = Organisation.objects.create(
        kind=OrganisationKind.COMPANY, name="Testvask ApS", municipality=municipality("Køge")
    )
    with pytest.raises(ValidationError) as refused:
        audit.save_and_record(
            obj=organisation, by=personas.admin, changes={"municipality_id": 987654}
        )
    assert "municipality" in refused.value.error_dict
