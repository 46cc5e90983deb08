"""Every API answer that shows citizens' personal data writes one audit row naming them by
id, which the citizen's lookup log (GDPR insight) lists, as the screens do."""

import csv
import io

import pytest
from django.urls import reverse
from rest_framework.pagination import PageNumberPagination

from siv.models import AuditAction, AuditEntry
from tests.api.conftest import citizen_in
from tests.factories.participants import ExitFormFactory, HoursEntryFactory, PlacementFactory


def _new_rows(since: int) -> list[AuditEntry]:
    # The token's use is logged too (test_token_events.py); these rows are about the reads.
    rows = AuditEntry.objects.filter(pk__gt=since).exclude(action=AuditAction.TOKEN_USED)
    return list(rows.order_by("pk"))


def _last_pk() -> int:
    return AuditEntry.objects.order_by("pk").values_list("pk", flat=True).last() or 0


def test_a_citizen_list_page_writes_one_row_naming_only_that_pages_citizens(
    personas, world_data, api_as, monkeypatch
):
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)
    first = world_data["own"]["citizen"]
    more = [citizen_in(personas.own, personas.cluster) for _ in range(2)]
    client = api_as(personas.actor)
    url = reverse("siv_api:participant-list")
    for page, expected in ((1, [first.pk, more[0].pk]), (2, [more[1].pk])):
        since = _last_pk()
        shown = client.get(url, {"page": page}).json()["results"]
        assert [row["id"] for row in shown] == expected
        [entry] = _new_rows(since)
        assert entry.actor == personas.actor
        assert entry.details["model"] == "participants.citizen"
        assert entry.details["ids"] == [str(pk) for pk in expected]
        assert entry.purpose == "API"


@pytest.mark.parametrize("name", ["hours", "placement", "exit"])
def test_a_list_of_citizens_records_names_the_citizens_they_belong_to(
    personas, world_data, api_as, name
):
    own = world_data["own"]
    other = citizen_in(personas.own, personas.cluster)
    make = {
        "hours": lambda: HoursEntryFactory(citizen=other),
        "placement": lambda: PlacementFactory(citizen=other, company=own["company"]),
        "exit": lambda: ExitFormFactory(citizen=other),
    }[name]
    records = [own[name], make()]
    client = api_as(personas.actor)
    since = _last_pk()
    shown = client.get(reverse(f"siv_api:{name}-list")).json()["results"]
    assert sorted(row["id"] for row in shown) == sorted(r.pk for r in records)
    [entry] = _new_rows(since)
    assert sorted(entry.details["ids"]) == sorted(str(r.citizen_id) for r in records)
    assert sorted(entry.details["rows"]["ids"]) == sorted(str(r.pk) for r in records)
    assert entry.details["rows"]["model"] == f"participants.{records[0]._meta.model_name}"


def test_an_empty_page_writes_no_row(personas, world_data, api_as):
    foreign = world_data["foreign"]["citizen"]
    client = api_as(personas.actor)
    since = _last_pk()
    body = client.get(reverse("siv_api:hours-list"), {"citizen": foreign.pk}).json()
    assert body["results"] == []
    assert _new_rows(since) == []


def test_a_pseudonym_role_is_logged_as_the_screens_log_it(personas, world_data, api_as):
    """The controller sees pseudonyms only: a plain list is not logged, a search is, without
    naming anybody."""
    client = api_as(personas.controller)
    since = _last_pk()
    assert client.get(reverse("siv_api:participant-list")).json()["results"]
    assert _new_rows(since) == []
    assert client.get(reverse("siv_api:hours-list"), {"week": "2024-W03"}).json()["results"]
    [entry] = _new_rows(since)
    assert entry.action == AuditAction.SEARCH
    assert entry.details["ids"] == []
    assert entry.details["criteria"]["week"] == "2024-W03"
    assert "rows" not in entry.details


@pytest.mark.parametrize("name", ["participant", "hours", "placement", "exit"])
def test_a_detail_read_logs_a_view_of_the_record_naming_its_citizen(
    personas, world_data, api_as, name
):
    own = world_data["own"]
    obj = {
        "participant": own["citizen"],
        "hours": own["hours"],
        "placement": own["placement"],
        "exit": own["exit"],
    }[name]
    client = api_as(personas.actor)
    since = _last_pk()
    response = client.get(reverse(f"siv_api:{name}-detail", args=[obj.pk]))
    assert response.status_code == 200
    [entry] = _new_rows(since)
    assert entry.action == AuditAction.VIEW
    assert entry.object_id == str(obj.pk)
    assert entry.content_type.model == obj._meta.model_name
    assert entry.purpose == "API"
    if name != "participant":  # a sub-record names its citizen, for the citizen's insight
        assert entry.details == {"model": "participants.citizen", "ids": [str(obj.citizen_id)]}


def test_the_citizens_lookup_log_lists_the_api_reads(client, personas, world_data, api_as):
    citizen = world_data["own"]["citizen"]
    other = citizen_in(personas.own, personas.cluster)
    api = api_as(personas.actor)
    api.get(reverse("siv_api:participant-list"))  # names both citizens
    api.get(reverse("siv_api:hours-list"))  # names the citizen's hours
    api.get(reverse("siv_api:hours-detail", args=[world_data["own"]["hours"].pk]))
    api.get(reverse("siv_api:participant-detail", args=[other.pk]))  # another citizen
    client.force_login(personas.caseworker)
    url = reverse("participants:citizen_lookups_export", args=[citizen.pk])
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode())))
    api_rows = [(row[1], row[2]) for row in rows[1:] if row[2] == "API"]
    assert api_rows == [("Søgning", "API"), ("Søgning", "API"), ("Vist", "API")]
