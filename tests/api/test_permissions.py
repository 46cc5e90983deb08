"""The API's permission matrix: every endpoint × every role × own/foreign object, with a
token. Roles without business on an endpoint and foreign objects answer 404; without a
token, 401. (The API answers 401, not the screens' redirect, so it has its own runner.)"""

import pytest
from django.urls import reverse

from siv_api.services import token_issue
from tests.matrix import ALL_ROLES, Case, run_matrix


def _pk(kind):
    return lambda side: lambda data: [data[side][kind].pk]


own, foreign = (lambda kind: _pk(kind)("own")), (lambda kind: _pk(kind)("foreign"))

API_CASES = [
    Case("siv_api:participant-list", "citizens.view"),
    Case(
        "siv_api:participant-detail",
        "citizens.view",
        own=own("citizen"),
        foreign=foreign("citizen"),
    ),
    Case("siv_api:hours-list", "citizens.view"),
    Case("siv_api:hours-detail", "citizens.view", own=own("hours"), foreign=foreign("hours")),
    # PUT only: the roles that may log hours are let through to a 405 for GET.
    Case(
        "siv_api:hours_week",
        "hours.write",
        own=lambda data: ["2024-W03"],
        status_ok=405,
    ),
    Case("siv_api:placement-list", "placements.view"),
    Case(
        "siv_api:placement-detail",
        "placements.view",
        own=own("placement"),
        foreign=foreign("placement"),
    ),
    Case("siv_api:exit-list", "citizens.view"),
    Case("siv_api:exit-detail", "citizens.view", own=own("exit"), foreign=foreign("exit")),
    Case("siv_api:company-list", "companies.view"),
    Case(
        "siv_api:company-detail", "companies.view", own=own("company"), foreign=foreign("company")
    ),
    Case("siv_api:camp-list", "programme.view"),
    Case("siv_api:camp-detail", "programme.view", own=own("camp")),
    Case("siv_api:indicators", "reports.programme"),
]

# The hours upload screens (pages: session sign-in, redirect when signed out).
PAGE_CASES = [
    Case("participants:hours_upload", "hours.actor_week"),
    Case("participants:hours_upload_sample", "hours.actor_week"),
    Case("participants:hours_upload_confirm", "hours.actor_week", status_ok=405),  # POST only
    Case("siv_api:tokens", "api.tokens"),
    Case("siv_api:token_revoke", "api.tokens", own=lambda p: [1], status_ok=405),  # POST only
]
CASES = API_CASES + PAGE_CASES

test_permission, test_signed_out_is_sent_to_login = run_matrix(PAGE_CASES)


def _params():
    for case in API_CASES:
        for role in sorted(ALL_ROLES):
            yield pytest.param(case, role, "own", id=f"{case.url_name}-{role}-own")
            if case.foreign is not None:
                yield pytest.param(case, role, "foreign", id=f"{case.url_name}-{role}-foreign")


@pytest.mark.parametrize(("case", "role", "side"), list(_params()))
def test_api_permission(client, personas, world_data, case: Case, role: str, side: str):
    builder = case.own if side == "own" else case.foreign
    url = case.url(builder(world_data))
    allowed = case.roles if side == "own" else case.foreign_roles & case.roles
    token = token_issue(user=personas.own[role]).key
    response = client.get(url, HTTP_AUTHORIZATION=f"Token {token}")
    expected = case.status_ok if role in allowed else 404
    assert response.status_code == expected, f"{role} {side} {url}"


def test_without_a_token_every_endpoint_answers_401(client, personas, world_data):
    for case in API_CASES:
        url = case.url(case.own(world_data))
        assert client.get(url).status_code == 401, url


def test_the_schema_needs_a_signed_in_user_or_a_token(client, personas):
    url = reverse("api_schema")
    assert client.get(url).status_code in (401, 403)
    token = token_issue(user=personas.actor).key
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


def test_company_contacts_see_only_their_companys_placements(personas, world_data, api_as):
    rows = api_as(personas.contact).get(reverse("siv_api:placement-list")).json()["results"]
    assert [r["id"] for r in rows] == [world_data["own"]["placement"].pk]
