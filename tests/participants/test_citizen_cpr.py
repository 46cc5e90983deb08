from datetime import date

import pytest
from django.db import IntegrityError, connection

from participants.models import Citizen
from tests.factories.participants import CitizenFactory

pytestmark = pytest.mark.django_db


def test_the_raw_cpr_number_is_not_stored_in_the_table():
    citizen = CitizenFactory(cpr="150385-1234")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cpr_encrypted, cpr_hash FROM participants_citizen WHERE id = %s", [citizen.pk]
        )
        encrypted, keyed = cursor.fetchone()
    for stored in (encrypted, keyed):
        assert "1503851234" not in stored
        assert "150385-1234" not in stored
    assert Citizen.objects.get(pk=citizen.pk).cpr == "150385-1234"


def test_birth_date_and_mask_come_from_the_cpr_number():
    citizen = CitizenFactory(cpr="0101054123")
    assert citizen.birth_date == date(2005, 1, 1)
    assert citizen.cpr_masked == "010105-XXXX"
    assert citizen.audit_label == f"Deltager D-{citizen.pk:06d}"
    assert citizen.pseudonym == f"D-{citizen.pk:06d}"


def test_there_is_one_citizen_per_cpr_number():
    CitizenFactory(cpr="150385-1234")
    with pytest.raises(IntegrityError):
        CitizenFactory(cpr="1503851234")
