"""Forms on a citizen's track: phase start, screening, assessment, pause, placement with hour
steps, competence course, exit form, follow-up and case notes."""

from datetime import date

import pytest
from django.urls import reverse

from participants.models import (
    CaseNote,
    CompetenceCourse,
    ExitForm,
    FollowUp,
    Pause,
    Placement,
    ProgressAssessment,
    Screening,
    VisitationStatus,
)
from tests.factories.participants import (
    CitizenFactory,
    CompanyFactory,
    ExitFormFactory,
    PauseFactory,
    VisitationFactory,
)

from .helpers import citizen_in


def url(name, citizen):
    return reverse(f"participants:{name}", args=[citizen.pk])


@pytest.fixture
def citizen(personas):
    return citizen_in(personas.own, personas.cluster)


@pytest.mark.django_db
class TestTrackForms:
    def test_phase_two_start_is_registered(self, client, personas, citizen):
        client.force_login(personas.actor)
        response = client.post(url("phase_start", citizen), {"phase": 2, "start": "2024-07-08"})
        assert response.status_code == 302
        citizen.refresh_from_db()
        assert citizen.phase2_start == date(2024, 7, 8)

    def test_phase_start_before_phase_one_is_a_form_error(self, client, personas, citizen):
        client.force_login(personas.actor)
        response = client.post(url("phase_start", citizen), {"phase": 3, "start": "2023-01-01"})
        assert response.status_code == 200
        assert "Fase 3 kan ikke starte" in response.content.decode()

    def test_screening_with_barriers(self, client, personas, citizen):
        client.force_login(personas.actor)
        response = client.post(
            url("screening_add", citizen),
            {
                "screened_on": "2024-01-10",
                "functional_level": "2",
                "barriers": ["health", "transport"],
                "wishes": "Lager",
            },
        )
        assert response.status_code == 302
        assert Screening.objects.get().barriers == ["health", "transport"]

    def test_assessment_scores_must_be_1_to_5(self, client, personas, citizen):
        client.force_login(personas.caseworker)
        data = {
            "assessed_on": "2024-03-01",
            "attendance_stability": 3,
            "social_skills": 3,
            "motivation": 6,
            "self_care": 3,
            "work_skills": 2,
        }
        assert client.post(url("assessment_add", citizen), data).status_code == 200
        assert not ProgressAssessment.objects.exists()
        data["motivation"] = 4
        assert client.post(url("assessment_add", citizen), data).status_code == 302
        assert ProgressAssessment.objects.get().motivation == 4

    def test_overlapping_pause_is_refused(self, client, personas, citizen):
        client.force_login(personas.actor)
        data = {"start": "2024-02-05", "end": "2024-02-18", "reason": "illness"}
        assert client.post(url("pause_add", citizen), data).status_code == 302
        response = client.post(url("pause_add", citizen), {**data, "start": "2024-02-10"})
        assert "overlapper" in response.content.decode()
        assert Pause.objects.count() == 1

    def test_an_open_pause_is_ended_and_moves_the_planned_end(self, client, personas, citizen):
        pause = PauseFactory(citizen=citizen, start=date(2024, 2, 5), end=None)
        client.force_login(personas.actor)
        page = client.get(url("citizen_detail", citizen)).content.decode()
        end_url = reverse("participants:pause_end", args=[citizen.pk, pause.pk])
        assert end_url in page and "Pågår" in page
        assert client.post(end_url, {"end": "2024-02-18"}).status_code == 302
        pause.refresh_from_db()
        assert pause.end == date(2024, 2, 18)
        assert "22.07.2024" in client.get(url("citizen_detail", citizen)).content.decode()

    def test_a_pause_of_another_citizen_is_not_found(self, client, personas, citizen):
        other = citizen_in(personas.own, personas.cluster)
        pause = PauseFactory(citizen=other, end=None)
        client.force_login(personas.actor)
        end_url = reverse("participants:pause_end", args=[citizen.pk, pause.pk])
        assert client.get(end_url).status_code == 404

    def test_placement_with_a_plan_of_hour_steps(self, client, personas, citizen):
        company = CompanyFactory()
        client.force_login(personas.actor)
        data = {
            "kind": "praktik",
            "company": company.pk,
            "start": "2024-07-08",
            "hours_per_week": "4",
            "trin-TOTAL_FORMS": "3",
            "trin-INITIAL_FORMS": "0",
            "trin-0-from_date": "2024-08-05",
            "trin-0-hours_per_week": "8",
            "trin-1-from_date": "2024-09-02",
            "trin-1-hours_per_week": "12",
        }
        response = client.post(url("placement_add", citizen), data)
        assert response.status_code == 302
        placement = Placement.objects.get()
        assert [s.hours_per_week for s in placement.steps.order_by("from_date")] == [8, 12]
        html = client.get(url("citizen_detail", citizen)).content.decode()
        assert "fra 02.09.2024: 12 timer om ugen" in html

    def test_a_step_outside_the_placement_saves_nothing(self, client, personas, citizen):
        company = CompanyFactory()
        client.force_login(personas.actor)
        data = {
            "kind": "praktik",
            "company": company.pk,
            "start": "2024-07-08",
            "end": "2024-08-01",
            "hours_per_week": "4",
            "trin-TOTAL_FORMS": "1",
            "trin-INITIAL_FORMS": "0",
            "trin-0-from_date": "2024-09-05",
            "trin-0-hours_per_week": "8",
        }
        response = client.post(url("placement_add", citizen), data)
        assert response.status_code == 200
        assert "inden for placeringen" in response.content.decode()
        assert not Placement.objects.exists()

    def test_course(self, client, personas, citizen):
        client.force_login(personas.actor)
        data = {"kind": "amu", "title": "Truckcertifikat", "start": "2024-05-06"}
        assert client.post(url("course_add", citizen), data).status_code == 302
        assert CompetenceCourse.objects.get().title == "Truckcertifikat"

    def test_exit_not_available_needs_a_reason(self, client, personas, citizen):
        client.force_login(personas.caseworker)
        data = {"exit_date": "2024-12-20", "status": "not_available"}
        response = client.post(url("exit_add", citizen), data)
        assert response.status_code == 200
        assert "Angiv hvorfor" in response.content.decode()
        data["not_available_reason"] = "illness"
        data["early"] = "on"
        assert client.post(url("exit_add", citizen), data).status_code == 302
        assert ExitForm.objects.get().early is True

    def test_follow_up_goes_on_the_last_exit(self, client, personas, citizen):
        exit_form = ExitFormFactory(citizen=citizen)
        client.force_login(personas.caseworker)
        data = {"kind": "6m", "followed_up_on": "2025-06-20", "status": "employed_ordinary"}
        assert client.post(url("followup_add", citizen), data).status_code == 302
        assert FollowUp.objects.get().exit == exit_form

    def test_follow_up_without_an_exit_is_not_offered(self, client, personas, citizen):
        client.force_login(personas.caseworker)
        page = client.get(reverse("participants:citizen_detail", args=[citizen.pk]))
        assert url("followup_add", citizen) not in page.content.decode()
        data = {"kind": "6m", "followed_up_on": "2025-06-20", "status": "employed_ordinary"}
        response = client.post(url("followup_add", citizen), data, follow=True)
        assert response.redirect_chain[-1][0] == reverse(
            "participants:citizen_detail", args=[citizen.pk]
        )
        assert "ikke registreret et ophør" in response.content.decode()
        assert not FollowUp.objects.exists()

    def test_sensitive_flag_is_offered_to_caseworker_and_actor_only(
        self, client, personas, citizen
    ):
        client.force_login(personas.actor)
        assert 'name="sensitive"' in client.get(url("note_add", citizen)).content.decode()
        client.post(url("note_add", citizen), {"text": "Helbred", "sensitive": "on"})
        assert CaseNote.objects.get().sensitive is True
        client.force_login(personas.admin)
        assert 'name="sensitive"' not in client.get(url("note_add", citizen)).content.decode()
        client.post(url("note_add", citizen), {"text": "Admin", "sensitive": "on"})
        # The text is encrypted at rest: no lookup by it, the note is found after reading.
        (admins,) = [note for note in CaseNote.objects.all() if note.text == "Admin"]
        assert admins.sensitive is False

    def test_writes_are_refused_for_read_only_roles(self, client, personas, citizen):
        for user in (personas.lead, personas.controller):
            client.force_login(user)
            response = client.post(url("note_add", citizen), {"text": "x"})
            assert response.status_code == 404
        assert not CaseNote.objects.exists()


@pytest.mark.django_db
class TestActionsOfferedByState:
    """The citizen page offers an action only when the track's state allows it, and a form
    opened anyway (an old link, a second tab) sends the user back with the reason."""

    TRACK_BUTTONS = ("phase_start", "pause_add", "placement_add", "course_add", "exit_add")

    def page(self, client, citizen) -> str:
        return client.get(
            reverse("participants:citizen_detail", args=[citizen.pk])
        ).content.decode()

    def test_a_citizen_only_proposed_is_offered_no_track_action(self, client, personas):
        proposed = CitizenFactory(
            municipality=personas.own.municipality,
            employment_actor=personas.own.actor_org,
            cluster=personas.cluster,
            phase1_start=None,
        )
        VisitationFactory(
            citizen=proposed, status=VisitationStatus.PROPOSED, proposed_on=date(2024, 1, 2)
        )
        client.force_login(personas.actor)
        body = self.page(client, proposed)
        assert not [name for name in self.TRACK_BUTTONS if url(name, proposed) in body]
        assert url("note_add", proposed) in body
        response = client.get(url("placement_add", proposed), follow=True)
        assert "En placering kræver, at fase 1 er startet" in response.content.decode()
        assert not Placement.objects.exists()

    def test_after_the_exit_only_follow_up_and_notes_are_offered(self, client, personas, citizen):
        ExitFormFactory(citizen=citizen, exit_date=date(2024, 12, 20))
        client.force_login(personas.actor)
        body = self.page(client, citizen)
        assert not [name for name in self.TRACK_BUTTONS if url(name, citizen) in body]
        assert url("followup_add", citizen) in body and url("note_add", citizen) in body
        response = client.post(
            url("course_add", citizen),
            {"kind": "amu", "title": "Truck", "start": "2024-06-03"},
            follow=True,
        )
        assert "allerede registreret som ophørt" in response.content.decode()
        assert not CompetenceCourse.objects.exists()

    def test_an_active_citizen_is_offered_the_track_but_no_follow_up(
        self, client, personas, citizen
    ):
        client.force_login(personas.actor)
        body = self.page(client, citizen)
        assert all(url(name, citizen) in body for name in self.TRACK_BUTTONS)
        assert url("followup_add", citizen) not in body
