"""Every free-text field has a length limit, and every writer keeps it: the screens, the
services the API, uploads and commands call, and the API itself."""

from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from participants.models import CaseNote
from participants.track import services as track_services
from partnerships.models import EVALUATION_QUESTIONS, answer_errors
from reporting import services as reporting_services
from reporting.models import ReportNarrative
from siv import audit
from siv.limits import LONG_TEXT, NOTE_TEXT, SHORT_TEXT
from siv.models import AuditEntry
from tests.participants.helpers import citizen_in

pytestmark = pytest.mark.django_db

MEGABYTE = "x" * 1_048_576

# Text fields no user writes, so they need no limit.
UNLIMITED = {
    "participants.Citizen.cpr_encrypted",  # the CPR number, encrypted by the app
    "reporting.ReportJob.error",  # a failed export's error, written by the worker
    "oidc.ProviderGrant.refresh_token",  # the provider's token, encrypted by the app
    "siv.UserSession.session_data",  # Django's encoded session, as its own table has it
}


def test_every_text_field_of_the_project_has_a_limit():
    base = Path(settings.BASE_DIR).resolve()
    unlimited = set()
    for model in apps.get_models():
        path = Path(apps.get_app_config(model._meta.app_label).path).resolve()
        if base not in path.parents or ".venv" in path.parts:
            continue  # Django's and third-party apps
        for field in model._meta.concrete_fields:
            if isinstance(field, models.TextField) and not field.max_length:
                unlimited.add(f"{model._meta.label}.{field.name}")
    assert unlimited == UNLIMITED


def test_the_limits_grow_with_the_kind_of_text():
    assert SHORT_TEXT < NOTE_TEXT < LONG_TEXT
    assert CaseNote._meta.get_field("text").max_length == NOTE_TEXT
    assert ReportNarrative._meta.get_field("text").max_length == LONG_TEXT


@pytest.fixture
def citizen(personas):
    return citizen_in(personas.own, personas.cluster)


class TestTheNoteScreen:
    @pytest.mark.parametrize("text", [MEGABYTE, "x" * (NOTE_TEXT + 1)])
    def test_a_note_over_the_limit_is_a_danish_form_error(self, client, personas, citizen, text):
        client.force_login(personas.actor)
        url = reverse("participants:note_add", args=[citizen.pk])
        response = client.post(url, {"text": text})
        assert response.status_code == 200
        body = response.content.decode()
        assert f"Denne værdi må højst have {NOTE_TEXT} tegn (den har {len(text)})." in body
        assert not CaseNote.objects.exists()

    def test_the_textarea_tells_the_browser_the_limit(self, client, personas, citizen):
        client.force_login(personas.actor)
        body = client.get(reverse("participants:note_add", args=[citizen.pk])).content.decode()
        assert f'maxlength="{NOTE_TEXT}"' in body

    def test_a_note_of_exactly_the_limit_is_saved(self, client, personas, citizen):
        client.force_login(personas.actor)
        url = reverse("participants:note_add", args=[citizen.pk])
        assert client.post(url, {"text": "x" * NOTE_TEXT}).status_code == 302
        assert len(CaseNote.objects.get().text) == NOTE_TEXT


class TestTheServices:
    @pytest.mark.parametrize("text", [MEGABYTE, "x" * (NOTE_TEXT + 1)])
    def test_a_note_over_the_limit_is_refused_and_nothing_written(self, personas, citizen, text):
        logged = AuditEntry.objects.count()
        with pytest.raises(ValidationError) as error:
            track_services.note_add(citizen=citizen, by=personas.actor, text=text)
        assert error.value.message_dict == {"text": ["Højst 10.000 tegn."]}
        assert not CaseNote.objects.exists()
        assert AuditEntry.objects.count() == logged

    def test_a_note_of_exactly_the_limit_is_saved(self, personas, citizen):
        note = track_services.note_add(citizen=citizen, by=personas.actor, text="x" * NOTE_TEXT)
        note.refresh_from_db()
        assert len(note.text) == NOTE_TEXT

    def test_the_limit_comes_with_the_other_errors_of_the_record(self, personas, citizen):
        with pytest.raises(ValidationError) as error:
            audit.save_and_record(
                obj=CaseNote(citizen=citizen),
                by=personas.actor,
                changes={"text": "x" * (NOTE_TEXT + 1), "written_at": None},
            )
        assert error.value.message_dict["text"] == ["Højst 10.000 tegn."]
        assert "written_at" in error.value.message_dict
        assert not CaseNote.objects.exists()

    def test_a_report_section_over_the_limit_is_refused(self, personas):
        with pytest.raises(ValidationError) as error:
            reporting_services.narrative_save(
                by=personas.controller,
                kind="progress",
                start=date(2024, 7, 1),
                end=date(2024, 12, 31),
                texts={1: "Kort.", 3: "x" * (LONG_TEXT + 1)},
            )
        assert error.value.message_dict == {"heading_3": ["Højst 20.000 tegn."]}
        assert not ReportNarrative.objects.exists()

    def test_an_evaluation_comment_over_the_limit_is_refused(self):
        answers = {key: {"answer": "yes", "comment": ""} for key, _label in EVALUATION_QUESTIONS}
        assert answer_errors(answers) == []
        first_key, first_label = EVALUATION_QUESTIONS[0]
        answers[first_key]["comment"] = "x" * SHORT_TEXT
        assert answer_errors(answers) == []
        answers[first_key]["comment"] += "x"
        assert answer_errors(answers) == [
            f"Kommentaren er for lang (højst 2.000 tegn): {first_label}"
        ]


def test_the_report_text_screen_shows_the_limit(signed_in, personas):
    url = reverse("reporting:report_texts_progress") + "?fra=2024-07-01&til=2024-12-31"
    data = {"period_start": "2024-07-01", "period_end": "2024-12-31", "heading_3": MEGABYTE}
    response = signed_in(personas.controller).post(url, data)
    assert response.status_code == 200
    assert f"højst have {LONG_TEXT} tegn" in response.content.decode()
    assert not ReportNarrative.objects.exists()
