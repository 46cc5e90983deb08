"""Through the API an actor's token never reaches another actor's citizens, the full CPR
number never leaves, the weekly hours upsert goes through the hours service, and reads of
personal records are audited."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participants.models import HoursEntry
from reporting.indicators import compute
from siv.models import AuditAction, AuditEntry
from tests.api.conftest import citizen_in
from tests.factories.participants import ExitFormFactory, HoursEntryFactory, PlacementFactory

WEEK = reverse("siv_api:hours_week", args=["2024-W05"])


def test_an_actors_token_lists_only_the_actors_citizens(personas, world_data, api_as):
    rows = api_as(personas.actor).get(reverse("siv_api:participant-list")).json()["results"]
    assert [r["id"] for r in rows] == [world_data["own"]["citizen"].pk]


def test_a_foreign_citizen_is_not_found(personas, world_data, api_as):
    url = reverse("siv_api:participant-detail", args=[world_data["foreign"]["citizen"].pk])
    assert api_as(personas.actor).get(url).status_code == 404


def test_the_full_cpr_number_never_appears(personas, world_data, api_as):
    citizen = world_data["own"]["citizen"]
    url = reverse("siv_api:participant-detail", args=[citizen.pk])
    body = api_as(personas.caseworker).get(url).json()
    assert body["cpr_masked"] == citizen.cpr_masked
    text = json.dumps(body)
    assert citizen.cpr not in text
    assert citizen.cpr.replace("-", "") not in text


def test_the_controller_sees_a_pseudonym_without_name_or_cpr(personas, world_data, api_as):
    citizen = world_data["own"]["citizen"]
    url = reverse("siv_api:participant-detail", args=[citizen.pk])
    body = api_as(personas.controller).get(url).json()
    assert body["pseudonym"] == citizen.pseudonym
    assert body["first_name"] is body["last_name"] is body["cpr_masked"] is None
    assert citizen.last_name not in json.dumps(body)


def test_reading_a_citizen_writes_a_view_row(personas, world_data, api_as):
    citizen = world_data["own"]["citizen"]
    api_as(personas.actor).get(reverse("siv_api:participant-detail", args=[citizen.pk]))
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW, actor=personas.actor, object_id=str(citizen.pk)
    ).exists()


def test_listing_citizens_is_logged_as_a_search(personas, world_data, api_as):
    api_as(personas.actor).get(reverse("siv_api:participant-list"))
    assert AuditEntry.objects.filter(action=AuditAction.SEARCH, actor=personas.actor).exists()


def test_the_citizen_list_runs_a_fixed_number_of_queries(
    personas, world_data, api_as, django_assert_max_num_queries
):
    client = api_as(personas.controller)
    client.get(reverse("siv_api:participant-list"))  # warm the token and content types
    with django_assert_max_num_queries(8):
        client.get(reverse("siv_api:participant-list"))


def _body(citizen, hours="7.5", kind="training"):
    return {"rows": [{"citizen_id": citizen.pk, "kind": kind, "hours": hours}]}


def test_the_weekly_upsert_saves_and_the_same_body_twice_changes_nothing(
    personas, world_data, api_as
):
    citizen = world_data["own"]["citizen"]
    client = api_as(personas.actor)
    first = client.put(WEEK, _body(citizen), format="json")
    assert first.status_code == 200, first.content
    assert first.json()["week"] == "2024-W05"
    before = list(HoursEntry.objects.values_list("pk", "citizen", "week_start", "kind", "hours"))
    stamp = HoursEntry.objects.get(citizen=citizen, kind="training", iso_week=5).updated_at
    second = client.put(WEEK, _body(citizen), format="json")
    assert second.status_code == 200
    after = list(HoursEntry.objects.values_list("pk", "citizen", "week_start", "kind", "hours"))
    assert before == after
    assert HoursEntry.objects.get(citizen=citizen, kind="training", iso_week=5).updated_at == stamp
    entry = HoursEntry.objects.get(citizen=citizen, iso_week=5)
    assert entry.hours == Decimal("7.50")


def test_hours_for_a_foreign_citizen_are_rejected_as_unknown(personas, world_data, api_as):
    foreign = world_data["foreign"]["citizen"]
    own = world_data["own"]["citizen"]
    body = {
        "rows": [
            {"citizen_id": own.pk, "kind": "training", "hours": "5"},
            {"citizen_id": foreign.pk, "kind": "training", "hours": "5"},
        ]
    }
    response = api_as(personas.actor).put(WEEK, body, format="json")
    assert response.status_code == 400
    assert response.json() == {"rows": [{"row": 1, "errors": ["Ukendt deltager."]}]}
    assert not HoursEntry.objects.filter(iso_week=5).exists()  # all or nothing


def test_hours_rules_come_from_the_hours_service(personas, world_data, api_as):
    citizen = world_data["own"]["citizen"]
    early = reverse("siv_api:hours_week", args=["2023-W40"])  # before phase 1 started
    response = api_as(personas.actor).put(early, _body(citizen), format="json")
    assert response.status_code == 400
    assert "før forløbets start" in response.content.decode()


def test_a_malformed_week_is_a_400(personas, world_data, api_as):
    url = reverse("siv_api:hours_week", args=["2024-W60"])
    citizen = world_data["own"]["citizen"]
    assert api_as(personas.actor).put(url, _body(citizen), format="json").status_code == 400


def test_a_week_at_the_end_of_the_calendar_is_a_400_not_a_crash(personas, world_data, api_as):
    url = reverse("siv_api:hours_week", args=["9999-W52"])
    citizen = world_data["own"]["citizen"]
    response = api_as(personas.actor).put(url, _body(citizen), format="json")
    assert response.status_code == 400
    assert "ISO-uge" in response.content.decode()


def test_indicators_come_from_the_indicator_computation(personas, world_data, api_as):
    rows = api_as(personas.controller).get(reverse("siv_api:indicators")).json()
    assert rows == [
        {"code": r.code, "label": r.label, "value": r.value, "target": r.target} for r in compute()
    ]


def test_requests_beyond_the_rate_are_throttled(personas, world_data, api_as, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/minute", "anon": None})
    client = api_as(personas.actor)
    codes = [client.get(reverse("siv_api:company-list")).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_invented_query_parameters_never_reach_the_log(personas, world_data, api_as):
    url = reverse("siv_api:participant-list") + "?x%00y=%00&page=1"
    assert api_as(personas.actor).get(url).status_code == 200
    entry = AuditEntry.objects.filter(action=AuditAction.SEARCH).latest("pk")
    assert entry.details["criteria"] == {"api": "liste", "page": "1"}


def test_an_actor_registers_a_placement_through_the_service(personas, world_data, api_as):
    citizen = citizen_in(personas.own, personas.cluster, phase1_start=date(2024, 1, 8))
    company = world_data["own"]["company"]
    body = {
        "citizen": citizen.pk,
        "kind": "praktik",
        "company": company.pk,
        "start": "2024-09-02",
        "hours_per_week": "8",
    }
    response = api_as(personas.actor).post(reverse("siv_api:placement-list"), body, format="json")
    assert response.status_code == 201, response.content
    placement = citizen.placements.get(pk=response.json()["id"])
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_id=str(placement.pk), actor=personas.actor
    ).exists()


def test_a_placement_for_a_foreign_citizen_is_rejected(personas, world_data, api_as):
    body = {
        "citizen": world_data["foreign"]["citizen"].pk,
        "kind": "praktik",
        "company": world_data["own"]["company"].pk,
        "start": "2024-09-02",
        "hours_per_week": "8",
    }
    response = api_as(personas.actor).post(reverse("siv_api:placement-list"), body, format="json")
    assert response.status_code == 400
    assert "citizen" in response.json()


def test_the_exit_services_rules_answer_400(personas, world_data, api_as):
    citizen = world_data["own"]["citizen"]  # already left on 30.06.2025
    body = {"citizen": citizen.pk, "exit_date": "2025-08-01", "status": "unemployed"}
    response = api_as(personas.caseworker).post(reverse("siv_api:exit-list"), body, format="json")
    assert response.status_code == 400
    assert "allerede registreret som ophørt" in response.content.decode()


def test_reading_roles_cannot_write(personas, world_data, api_as):
    body = {"citizen": world_data["own"]["citizen"].pk, "exit_date": "2025-08-01"}
    response = api_as(personas.controller).post(reverse("siv_api:exit-list"), body, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name",
    ["participant", "hours", "placement", "exit", "company", "camp"],
)
def test_a_list_costs_the_same_queries_for_more_rows(personas, world_data, api_as, name):
    client = api_as(personas.admin)
    url = reverse(f"siv_api:{name}-list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(3):
        citizen = citizen_in(personas.own, personas.cluster)
        HoursEntryFactory(citizen=citizen)
        PlacementFactory(citizen=citizen, company=world_data["own"]["company"])
        ExitFormFactory(citizen=citizen)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    # A page of personal records is logged by one INSERT, however many citizens it names.
    logged = [q for q in many if q["sql"].startswith('INSERT INTO "siv_auditentry"')]
    assert len(logged) == (0 if name in ("company", "camp") else 1)


def test_camp_attendance_lists_the_companies_and_counts_the_staff(
    personas, world_data, api_as, django_assert_max_num_queries
):
    from accelerator.models import CampCompanyAttendance, CampStaffAttendance

    camp, company = world_data["own"]["camp"], world_data["own"]["company"]
    CampCompanyAttendance.objects.create(camp=camp, company=company)
    CampStaffAttendance.objects.create(camp=camp, user=personas.lead)
    client = api_as(personas.developer)
    client.get(reverse("siv_api:camp-list"))  # warm the token and content types
    with django_assert_max_num_queries(8):
        response = client.get(reverse("siv_api:camp-list"))
    row = next(r for r in response.json()["results"] if r["id"] == camp.pk)
    assert row["attending_companies"] == [company.pk]
    assert row["attending_staff"] == 1


def test_the_api_answers_while_the_cache_that_counts_its_rate_is_down(api_as, personas):
    """The throttles count in this process while Redis is away, not a 500 on every call."""
    from django.test import override_settings

    down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers there
        }
    }
    client = api_as(personas.caseworker)
    with override_settings(CACHES=down):
        response = client.get("/api/participants/")
    assert response.status_code == 200


def test_a_stale_previous_value_is_a_409_with_the_hours_stored_now(personas, world_data, api_as):
    citizen = world_data["own"]["citizen"]
    client = api_as(personas.actor)
    assert client.put(WEEK, _body(citizen, "7.5"), format="json").status_code == 200
    # A second client read the week while it was empty, and writes 4 hours over it.
    stale = {
        "rows": [
            {"citizen_id": citizen.pk, "kind": "training", "hours": "4", "previous_hours": None}
        ]
    }
    response = client.put(WEEK, stale, format="json")
    assert response.status_code == 409
    [row] = response.json()["rows"]
    assert row["current_hours"] == "7.50"
    assert "Ændret af en anden" in row["errors"][0]
    cell = {"citizen": citizen, "kind": "training", "iso_week": 5}
    assert HoursEntry.objects.get(**cell).hours == Decimal("7.50")
    # Read again, written again: saved.
    fresh = {
        "rows": [
            {"citizen_id": citizen.pk, "kind": "training", "hours": "4", "previous_hours": "7.50"}
        ]
    }
    assert client.put(WEEK, fresh, format="json").status_code == 200
    assert HoursEntry.objects.get(**cell).hours == Decimal("4.00")


@pytest.mark.django_db(transaction=True)
def test_concurrent_puts_of_the_same_cell_never_answer_500(personas, world_data, api_as):
    """Two clients writing one new cell at once met in the unique constraint (500 in half
    the tries); a week's saves of one citizen now take turns."""
    import threading

    from django.db import connections

    citizen = world_data["own"]["citizen"]
    statuses: list[int] = []

    def put(hours: str, ready: threading.Barrier) -> None:
        client = api_as(personas.actor)
        ready.wait()
        statuses.append(client.put(WEEK, _body(citizen, hours), format="json").status_code)
        connections.close_all()

    for _round in range(5):
        HoursEntry.objects.filter(citizen=citizen, iso_week=5).delete()
        ready = threading.Barrier(2)
        threads = [threading.Thread(target=put, args=(h, ready)) for h in ("3", "5")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert statuses == [200] * 10
    assert HoursEntry.objects.filter(citizen=citizen, iso_week=5).count() == 1


def test_api_json_is_a_download_not_a_page(personas, world_data, api_as):
    response = api_as(personas.actor).get(reverse("siv_api:participant-list"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == 'attachment; filename="api.json"'
    assert response["X-Content-Type-Options"] == "nosniff"
