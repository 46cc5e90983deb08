import datetime

import pytest
from django.urls import reverse

from partnerships.models import SteeringGroupMeeting
from siv.models import AuditAction, AuditEntry
from tests.factories.partnerships import SteeringGroupMeetingFactory

pytestmark = pytest.mark.django_db


def test_the_controller_records_a_steering_group_meeting(client, personas):
    client.force_login(personas.controller)
    response = client.post(
        reverse("partnerships:steering_create"),
        {
            "date": "2021-03-18",
            "place": "Næstved Rådhus",
            "attending_municipalities": [personas.own.municipality.pk],
            "attendees": "Den Sociale Kapitalfond\nJobcenter Køge",
            "minutes": "Klynge 1: status på pladser.",
        },
    )
    meeting = SteeringGroupMeeting.objects.get()
    assert response["Location"] == reverse("partnerships:steering_detail", args=[meeting.pk])
    assert list(meeting.attending_municipalities.all()) == [personas.own.municipality]
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(meeting.pk))
    assert entry.details["fields"] == [
        "attendees",
        "attending_municipalities",
        "date",
        "minutes",
        "place",
    ]


def test_the_meeting_shows_which_municipalities_of_the_cluster_were_not_there(client, personas):
    meeting = SteeringGroupMeetingFactory(attending_municipalities=[personas.own.municipality])
    client.force_login(personas.lead)
    page = client.get(reverse("partnerships:steering_detail", args=[meeting.pk]))
    missing = page.context["missing"]
    assert missing == {personas.cluster: [personas.foreign.municipality]}
    assert "Kommuner uden repræsentant" in page.content.decode()
    assert "15.04.2020" in page.content.decode()


def test_the_list_filters_meetings_by_year(client, personas):
    SteeringGroupMeetingFactory(date=datetime.date(2020, 4, 15))
    SteeringGroupMeetingFactory(date=datetime.date(2021, 9, 1))
    client.force_login(personas.developer)
    response = client.get(reverse("partnerships:steering_list"), {"year": 2021})
    assert [m.date.year for m in response.context["page"]] == [2021]


def test_deleting_a_meeting_asks_first_and_is_logged(client, personas):
    meeting = SteeringGroupMeetingFactory()
    client.force_login(personas.controller)
    url = reverse("partnerships:steering_delete", args=[meeting.pk])
    assert "Slet styregruppemødet den 15.04.2020" in client.get(url).content.decode()
    client.post(url)
    assert not SteeringGroupMeeting.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE).exists()


def test_a_municipal_lead_reads_but_cannot_change_the_minutes(client, personas):
    meeting = SteeringGroupMeetingFactory()
    client.force_login(personas.lead)
    page = client.get(reverse("partnerships:steering_detail", args=[meeting.pk]))
    assert page.status_code == 200
    assert reverse("partnerships:steering_edit", args=[meeting.pk]) not in page.content.decode()
    response = client.post(reverse("partnerships:steering_delete", args=[meeting.pk]))
    assert response.status_code == 404
    assert SteeringGroupMeeting.objects.exists()
