"""Free text through the API is held to the same limits as on the screens."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from participants.models import ExitForm, VisitationStatus
from participants.track import services as track_services
from tests.factories.participants import VisitationFactory

from .conftest import citizen_in

pytestmark = pytest.mark.django_db

MEGABYTE = "x" * 1_048_576


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(
        datetime(2025, 1, 15, 10, tzinfo=ZoneInfo("Europe/Copenhagen")), tick=False
    ):
        yield


@pytest.fixture
def exiting(personas):
    citizen = citizen_in(personas.own, personas.cluster, phase1_start=date(2024, 1, 8))
    VisitationFactory(
        citizen=citizen, status=VisitationStatus.ACCEPTED, proposed_on=date(2023, 12, 1)
    )
    return citizen


class TestTheApi:
    def post(self, api_as, personas, citizen, employer_name):
        body = {
            "citizen": citizen.pk,
            "exit_date": "2024-12-20",
            "status": "employed_ordinary",
            "employer_name": employer_name,
        }
        return api_as(personas.caseworker).post(reverse("siv_api:exit-list"), body, format="json")

    def test_an_employer_name_over_the_limit_is_a_danish_400(self, api_as, personas, exiting):
        response = self.post(api_as, personas, exiting, MEGABYTE)
        assert response.status_code == 400
        assert response.json() == {
            "employer_name": ["Tjek at dette felt ikke indeholder flere end 200 tegn."]
        }
        assert not ExitForm.objects.exists()

    def test_an_employer_name_of_exactly_the_limit_is_saved(self, api_as, personas, exiting):
        response = self.post(api_as, personas, exiting, "x" * 200)
        assert response.status_code == 201, response.content
        assert len(ExitForm.objects.get().employer_name) == 200


def test_the_exit_service_refuses_a_note_over_the_limit(personas, exiting):
    with pytest.raises(ValidationError) as error:
        track_services.exit_register(
            citizen=exiting,
            by=personas.caseworker,
            exit_date=date(2024, 12, 20),
            status="employed_ordinary",
            employer_name="Bager Hansen",
            note=MEGABYTE,
        )
    assert error.value.message_dict == {"note": ["Højst 2.000 tegn."]}
    assert not ExitForm.objects.exists()
