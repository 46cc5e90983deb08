"""Editing a placement with its hour plan, and confirming retention of a paid placement at
13, 26 and 52 weeks from the citizen page."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import PlacementKind, PlacementStep
from participants.placements import services
from siv.models import AuditAction, AuditEntry
from tests.factories.participants import CompanyFactory

from .helpers import citizen_in

pytestmark = pytest.mark.django_db
START = date(2024, 7, 8)


@pytest.fixture
def citizen(personas):
    return citizen_in(personas.own, personas.cluster)


def make_placement(citizen, kind=PlacementKind.PRAKTIK, start=START, **extra):
    return services.placement_create(
        citizen=citizen,
        by=None,
        kind=kind,
        company=CompanyFactory(cvr="35740015"),
        start=start,
        hours_per_week=Decimal("4"),
        steps=[(start + timedelta(weeks=4), Decimal("8"))],
        **extra,
    )


def edit_url(placement):
    return reverse("participants:placement_edit", args=[placement.citizen_id, placement.pk])


def retention_url(placement, weeks):
    return reverse(
        "participants:placement_retention", args=[placement.citizen_id, placement.pk, weeks]
    )


def edit_data(**changes):
    data = {
        "start": "2024-07-08",
        "end": "",
        "hours_per_week": "4",
        "buddy": "",
        "support_person": "",
        "vitas_reference": "",
        "trin-TOTAL_FORMS": "4",
        "trin-INITIAL_FORMS": "1",
        "trin-0-from_date": "2024-08-05",
        "trin-0-hours_per_week": "8",
    }
    data.update(changes)
    return data


class TestPlacementEdit:
    def test_the_form_shows_the_placement_and_its_steps(self, client, personas, citizen):
        placement = make_placement(citizen)
        client.force_login(personas.actor)
        html = client.get(edit_url(placement)).content.decode()
        assert 'value="2024-07-08"' in html and 'value="2024-08-05"' in html

    def test_dates_people_vitas_and_steps_are_changed_and_logged(self, client, personas, citizen):
        placement = make_placement(citizen)
        client.force_login(personas.actor)
        data = edit_data(
            end="2024-12-20",
            hours_per_week="6",
            support_person="Mentor",
            vitas_reference="VITAS-4711",
            **{"trin-1-from_date": "2024-09-02", "trin-1-hours_per_week": "12"},
        )
        assert client.post(edit_url(placement), data).status_code == 302
        placement.refresh_from_db()
        assert placement.end == date(2024, 12, 20)
        assert placement.hours_per_week == Decimal("6")
        assert placement.vitas_reference == "VITAS-4711"
        steps = list(placement.steps.values_list("from_date", "hours_per_week"))
        assert steps == [(date(2024, 8, 5), Decimal("8")), (date(2024, 9, 2), Decimal("12"))]
        entry = AuditEntry.objects.filter(action=AuditAction.CHANGE).latest("pk")
        assert entry.details["fields"] == [
            "end",
            "hours_per_week",
            "steps",
            "support_person",
            "vitas_reference",
        ]
        page = client.get(reverse("participants:citizen_detail", args=[citizen.pk]))
        assert "VITAS-4711" in page.content.decode()

    def test_an_emptied_row_removes_the_step(self, client, personas, citizen):
        placement = make_placement(citizen)
        client.force_login(personas.actor)
        data = edit_data(**{"trin-0-from_date": "", "trin-0-hours_per_week": ""})
        assert client.post(edit_url(placement), data).status_code == 302
        assert not PlacementStep.objects.exists()

    def test_an_end_before_the_steps_is_a_danish_form_error(self, client, personas, citizen):
        placement = make_placement(citizen)
        client.force_login(personas.caseworker)
        response = client.post(edit_url(placement), edit_data(end="2024-07-31"))
        assert response.status_code == 200
        assert "Trinnene skal ligge inden for placeringen." in response.content.decode()
        placement.refresh_from_db()
        assert placement.end is None
        assert not AuditEntry.objects.filter(action=AuditAction.CHANGE).exists()

    def test_an_end_before_the_start_and_a_half_step_are_form_errors(
        self, client, personas, citizen
    ):
        placement = make_placement(citizen)
        client.force_login(personas.caseworker)
        data = edit_data(end="2024-07-01", **{"trin-1-hours_per_week": "12"})
        html = client.post(edit_url(placement), data).content.decode()
        assert "Slutdatoen kan ikke ligge før startdatoen." in html
        assert "Angiv fra hvilken dato trinnet gælder." in html

    def test_two_steps_on_the_same_day_are_refused(self, client, personas, citizen):
        placement = make_placement(citizen)
        client.force_login(personas.caseworker)
        data = edit_data(**{"trin-1-from_date": "2024-08-05", "trin-1-hours_per_week": "10"})
        html = client.post(edit_url(placement), data).content.decode()
        assert "To trin i timeplanen har samme dato." in html

    def test_a_placement_of_another_citizen_or_a_foreign_one_is_not_found(
        self, client, personas, citizen
    ):
        placement = make_placement(citizen)
        other = citizen_in(personas.own, personas.cluster)
        foreign = make_placement(citizen_in(personas.foreign, personas.cluster))
        client.force_login(personas.actor)
        wrong_citizen = reverse("participants:placement_edit", args=[other.pk, placement.pk])
        assert client.get(wrong_citizen).status_code == 404
        assert client.post(edit_url(foreign), edit_data()).status_code == 404
        client.force_login(personas.caseworker)
        assert client.post(edit_url(foreign), edit_data(end="2024-12-20")).status_code == 404
        foreign.refresh_from_db()
        assert foreign.end is None


class TestRetention:
    def test_the_citizen_page_shows_checkpoints_with_due_dates_and_status(
        self, client, personas, citizen
    ):
        today = timezone.localdate()
        start = today - timedelta(weeks=30)
        placement = make_placement(citizen, kind=PlacementKind.LOENTILSKUD, start=start)
        services.placement_confirm_retention(
            placement=placement, by=None, weeks=13, confirmed_on=start + timedelta(weeks=13)
        )
        client.force_login(personas.caseworker)
        html = client.get(reverse("participants:citizen_detail", args=[citizen.pk])).content
        html = html.decode()
        due_13 = (start + timedelta(weeks=13)).strftime("%d.%m.%Y")
        due_52 = (start + timedelta(weeks=52)).strftime("%d.%m.%Y")
        assert f"13 uger ({due_13})" in html and f"Bekræftet {due_13}" in html
        assert "Afventer bekræftelse" in html and retention_url(placement, 26) in html
        assert f"52 uger ({due_52})" in html and "Ikke nået endnu" in html
        assert retention_url(placement, 52) not in html

    def test_a_due_checkpoint_is_confirmed_and_logged(self, client, personas, citizen):
        placement = make_placement(citizen, kind=PlacementKind.FLEKSJOB)
        client.force_login(personas.actor)
        response = client.post(retention_url(placement, 26), {"confirmed_on": "2025-01-10"})
        assert response.status_code == 302
        placement.refresh_from_db()
        assert placement.retained_26_confirmed_on == date(2025, 1, 10)
        entry = AuditEntry.objects.filter(action=AuditAction.CHANGE).latest("pk")
        assert entry.details["fields"] == ["retained_26_confirmed_on"]

    def test_confirming_too_early_or_in_the_future_is_a_danish_form_error(
        self, client, personas, citizen
    ):
        placement = make_placement(citizen, kind=PlacementKind.LOENTILSKUD)
        client.force_login(personas.caseworker)
        response = client.post(retention_url(placement, 13), {"confirmed_on": "2024-09-01"})
        assert response.status_code == 200
        assert "når perioden er gået (07.10.2024)" in response.content.decode()
        future = (timezone.localdate() + timedelta(days=3)).isoformat()
        response = client.post(retention_url(placement, 13), {"confirmed_on": future})
        assert "Datoen kan ikke ligge i fremtiden." in response.content.decode()
        response = client.post(retention_url(placement, 13), {"confirmed_on": "ikke en dato"})
        assert "Indtast en gyldig dato." in response.content.decode()
        placement.refresh_from_db()
        assert placement.retained_13_confirmed_on is None

    def test_a_placement_that_ended_before_the_checkpoint_cannot_be_confirmed(
        self, client, personas, citizen
    ):
        placement = make_placement(citizen, kind=PlacementKind.LOENTILSKUD, end=date(2024, 9, 1))
        client.force_login(personas.caseworker)
        response = client.post(retention_url(placement, 13), {"confirmed_on": "2024-10-07"})
        assert response.status_code == 200
        assert "Placeringen sluttede før 13 uger" in response.content.decode()

    def test_unpaid_placements_and_other_weeks_have_no_checkpoint(self, client, personas, citizen):
        unpaid = make_placement(citizen)
        paid = make_placement(citizen, kind=PlacementKind.ORDINAER, start=date(2024, 8, 5))
        client.force_login(personas.caseworker)
        assert client.get(retention_url(unpaid, 13)).status_code == 404
        assert client.get(retention_url(paid, 14)).status_code == 404
        assert client.get(retention_url(paid, 52)).status_code == 200

    def test_a_foreign_placement_is_not_found(self, client, personas):
        foreign = make_placement(
            citizen_in(personas.foreign, personas.cluster), kind=PlacementKind.LOENTILSKUD
        )
        for user in (personas.caseworker, personas.actor):
            client.force_login(user)
            response = client.post(retention_url(foreign, 13), {"confirmed_on": "2024-10-07"})
            assert response.status_code == 404
        foreign.refresh_from_db()
        assert foreign.retained_13_confirmed_on is None
