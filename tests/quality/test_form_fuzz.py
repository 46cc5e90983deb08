"""No server error from any form: every URL of the permission matrix gets POSTs of junk —
fields missing, empty, huge, with a NUL, of the wrong type, dates and weeks that do not
exist, formset management fields mangled — as a role that may use it, and never answers 5xx.

The URLs and their objects come from each app's permission matrix (tests/<app>/
test_permissions.py), so a new URL is fuzzed as soon as it has its row. The field names are
read from the page's own form, and hypothesis picks what goes into them (a few examples per
URL, so the suite stays quick).
"""

from __future__ import annotations

import importlib
import re

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from siv.permissions import roles_with
from siv.roles import Role
from tests.matrix import Case

APPS = (
    "accelerator",
    "economy",
    "documents",
    "participants",
    "partnerships",
    "pbr",
    "privacy",
    "reporting",
    "siv",
)


def _cases() -> list[Case]:
    cases = []
    for app in APPS:
        module = importlib.import_module(f"tests.{app}.test_permissions")
        cases.extend(getattr(module, "PAGE_CASES", None) or module.CASES)
    return cases


CASES = _cases()

FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', re.IGNORECASE)
NOT_POSTED = {"csrfmiddlewaretoken"}

JUNK = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a\x00b",
            "x" * 5000,
            "-1",
            "0",
            "99999999999999999999",
            "1e309",
            "NaN",
            "7,5",
            "abc",
            "9999-W52",
            "2024-W60",
            "2024-13-45",
            "31.02.2024",
            "0000-00-00",
            "<script>alert(1)</script>",
            "'; DROP TABLE x; --",
            "true",
            "on",
            "[]",
            "{}",
        ]
    ),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
MANAGEMENT = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


def _role(case: Case) -> str:
    """A role that may use the page (the controller or admin first: they see the most)."""
    roles = case.roles
    for role in (Role.CONTROLLER, Role.ADMIN, Role.CASEWORKER, Role.EMPLOYMENT_ACTOR):
        if role in roles:
            return role
    return sorted(roles)[0]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[case.url_name for case in CASES])
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the message shows the body
)
@given(data=st.data())
def test_junk_posted_to_a_page_never_answers_a_server_error(client, personas, case, data):
    client.force_login(personas.own[_role(case)])
    url = case.url(case.own(personas))
    page = client.get(url)
    html = "" if page.streaming else page.content.decode(errors="replace")  # a download: none
    names = sorted(set(FIELD.findall(html)) - NOT_POSTED)
    body = {}
    for name in names:
        choice = data.draw(st.sampled_from(["junk", "junk", "missing", "empty"]), label=name)
        if choice == "junk":
            body[name] = data.draw(JUNK, label=name)
        elif choice == "empty":
            body[name] = ""
    # A formset's management fields, present or not on the page, mangled.
    prefix = data.draw(st.sampled_from(["form", "steps", "trin", "uge"]), label="prefix")
    for suffix in MANAGEMENT:
        if data.draw(st.booleans(), label=suffix):
            body[f"{prefix}-{suffix}"] = data.draw(JUNK, label=suffix)
    response = client.post(url, body)
    assert response.status_code < 500, f"{case.url_name}: {response.status_code} for {body}"


def test_every_page_of_the_matrix_is_fuzzed():
    names = {case.url_name for case in CASES}
    assert len(names) > 80
    assert all(case.roles or case.permission is None for case in CASES)
    assert roles_with("citizens.view")
