"""The screens' limits per user: CPR reveals, exports, report orders, uploads and citizen
searches beyond SIV_SCREEN_LIMITS within a window answer 429 with a Danish message and
do nothing; the first refusal in a window is in the audit log; other users are not slowed;
the next window is open again; with Redis down the limits still hold."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from participants.hours.models import HoursEntry
from reporting.models import ReportJob
from siv.cache import resilient_cache
from siv.models import AuditAction, AuditEntry
from tests.participants.helpers import citizen_in

pytestmark = pytest.mark.django_db

HOUR = 60 * 60
# 10:40 in Copenhagen: the hour's window ends in 20 minutes.
MORNING = datetime(2026, 3, 2, 10, 40, tzinfo=ZoneInfo("Europe/Copenhagen"))


def limits(**small):
    """Every screen limited to 1,000 an hour, the named ones to `small`."""
    actions = ("cpr_reveal", "export", "report_order", "upload", "search")
    return override_settings(SIV_SCREEN_LIMITS={a: (small.get(a, 1000), HOUR) for a in actions})


@pytest.fixture(autouse=True)
def _fresh_counters():
    """The counters live in the cache; every test starts from zero."""
    cache.clear()
    resilient_cache.local.clear()
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller
    cache.clear()
    resilient_cache.local.clear()


@pytest.fixture
def citizen(personas):
    return citizen_in(personas.own, personas.cluster, cpr="150685-1234")


def reveal(client, citizen, **headers):
    return client.post(reverse("participants:citizen_cpr_reveal", args=[citizen.pk]), **headers)


def reveals() -> int:
    return AuditEntry.objects.filter(action=AuditAction.REVEAL).count()


def throttled_rows():
    return AuditEntry.objects.filter(action=AuditAction.THROTTLED)


@limits(cpr_reveal=2)
def test_the_reveal_past_the_limit_answers_429_in_danish_and_reveals_nothing(
    signed_in, personas, citizen
):
    client = signed_in(personas.caseworker)
    assert reveal(client, citizen).status_code == 200
    assert reveal(client, citizen).status_code == 200
    response = reveal(client, citizen)
    page = response.content.decode()
    assert response.status_code == 429
    assert "Du har nået grænsen for visning af CPR-numre" in page
    assert "højst 2 gange inden for 1 time" in page
    assert "Prøv igen om 20 minutter." in page
    assert "150685-1234" not in page
    assert response["Retry-After"] == str(20 * 60)
    assert reveals() == 2
    row = throttled_rows().get()
    assert row.actor == personas.caseworker
    assert row.details["limit"] == "cpr_reveal"
    assert row.details["requests"] == 2
    # Further refusals in the window reveal nothing and add no row.
    assert reveal(client, citizen).status_code == 429
    assert reveals() == 2 and throttled_rows().count() == 1


@limits(cpr_reveal=1)
def test_an_htmx_reveal_past_the_limit_gets_a_fragment_in_place_of_the_number(
    signed_in, personas, citizen
):
    client = signed_in(personas.caseworker)
    hx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "cpr"}
    assert reveal(client, citizen, **hx).status_code == 200
    response = reveal(client, citizen, **hx)
    fragment = response.content.decode().strip()
    assert response.status_code == 429
    assert fragment.startswith('<span id="cpr"') and "<html" not in fragment
    assert "Du har nået grænsen for visning af CPR-numre. Prøv igen om 20 minutter." in fragment
    assert response["HX-Reswap"] == "outerHTML"
    assert reveals() == 1


@limits(cpr_reveal=1)
def test_the_limit_is_per_user(signed_in, personas, citizen):
    client = signed_in(personas.caseworker)
    reveal(client, citizen)
    assert reveal(client, citizen).status_code == 429
    colleague = signed_in(personas.actor)
    assert reveal(colleague, citizen).status_code == 200
    assert reveals() == 2


@limits(cpr_reveal=1)
def test_the_next_window_is_open_again(signed_in, personas, citizen, _fresh_counters):
    client = signed_in(personas.caseworker)
    reveal(client, citizen)
    assert reveal(client, citizen).status_code == 429
    _fresh_counters.shift(19 * 60)
    assert reveal(client, citizen).status_code == 429
    _fresh_counters.shift(61)
    assert reveal(client, citizen).status_code == 200
    assert reveals() == 2


@limits(cpr_reveal=1)
def test_requests_without_the_permission_do_not_count(signed_in, personas, citizen):
    """Only permitted requests count: a user without the permission is refused as before
    (not found) and does not use up anything."""
    lead = signed_in(personas.lead)
    for _attempt in range(3):
        assert reveal(lead, citizen).status_code in (403, 404)
    assert not throttled_rows().exists()


@limits(export=1)
def test_exports_past_the_limit_answer_429(signed_in, personas, citizen):
    client = signed_in(personas.caseworker)
    url = reverse("participants:citizen_lookups_export", args=[citizen.pk])
    assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429
    assert "Du har nået grænsen for eksport og download af filer" in response.content.decode()
    # One limit for every download of personal data: the art. 15 export counts with it.
    privacy = reverse("privacy:citizen_export", args=[citizen.pk, "json"])
    assert client.get(privacy).status_code == 429


@limits(report_order=1)
def test_report_orders_past_the_limit_answer_429_and_order_nothing(
    signed_in, personas, monkeypatch
):
    monkeypatch.setattr("reporting.tasks.run_report_job.delay", lambda job_id: None)
    client = signed_in(personas.controller)
    url = reverse("reporting:job_create")
    order = {"kind": "indicators", "format": "csv"}
    assert client.post(url, order).status_code == 302
    assert client.get(url).status_code == 200  # showing the form is not an order
    response = client.post(url, order)
    assert response.status_code == 429
    assert "Du har nået grænsen for bestilling af rapporter" in response.content.decode()
    assert ReportJob.objects.count() == 1


@limits(upload=1)
def test_uploads_past_the_limit_answer_429(signed_in, personas, citizen):
    client = signed_in(personas.actor)
    url = reverse("participants:hours_upload")

    def upload():
        text = "cpr,week,kind,hours\n150685-1234,2024-W03,training,4\n"
        return client.post(url, {"file": SimpleUploadedFile("timer.csv", text.encode())})

    assert upload().status_code == 200
    response = upload()
    assert response.status_code == 429
    assert "Du har nået grænsen for upload af filer" in response.content.decode()
    assert not HoursEntry.objects.exists()


@limits(search=1)
def test_searches_past_the_limit_answer_429_and_paging_the_list_does_not_count(
    signed_in, personas, citizen
):
    client = signed_in(personas.caseworker)
    url = reverse("participants:citizen_list")
    for page in ("1", "2", "1"):
        assert client.get(url, {"side": page}).status_code == 200
    searched = client.post(url, {"q": "Jensen"}, follow=True)
    assert searched.status_code == 200
    stored = searched.redirect_chain[-1][0]  # the list under the search's id
    searches = AuditEntry.objects.filter(action=AuditAction.SEARCH)
    assert searches.count() == 1
    response = client.post(url, {"q": "150685"})
    assert response.status_code == 429
    assert "Du har nået grænsen for søgning på deltagere" in response.content.decode()
    assert searches.count() == 1
    # Paging the stored search and an old bookmark's plain list are not new searches.
    assert client.get(stored, {"side": "2"}).status_code == 200
    assert client.get(url, {"side": "2"}).status_code == 200


@limits(cpr_reveal=1)
def test_with_redis_down_the_limit_still_holds(signed_in, personas, citizen):
    """The counters fall back to this process's memory while Redis does not answer."""
    down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers there
        }
    }
    client = signed_in(personas.caseworker)
    with override_settings(CACHES=down):
        assert reveal(client, citizen).status_code == 200
        assert reveal(client, citizen).status_code == 429
        assert reveal(signed_in(personas.actor), citizen).status_code == 200
    assert reveals() == 2
