"""The permission matrix: every URL × every role × own/foreign object.

Each app lists its URLs in `tests/<app>/test_permissions.py` as `CASES`, and runs
`run_matrix(CASES)`; tests/siv/test_url_coverage.py fails when a named URL has no case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from siv.permissions import roles_with
from siv.roles import Role

from .personas import Personas

ALL_ROLES = frozenset(Role)
SEES_ALL = frozenset({Role.CONTROLLER, Role.ADMIN})


@dataclass(frozen=True)
class Case:
    """A URL and the permission (siv/permissions.py) that opens it.

    `own(personas)` / `foreign(personas)` return the reverse() args for an object in the own
    and the foreign world (foreign None: the URL has no object). The roles holding the
    permission get 200 on the own object; those of them in `foreign_roles` get 200 on the
    foreign one; everybody else gets 404; signed out, a redirect to the login page. A page
    that every signed-in user may open (the start page) names no permission.
    """

    url_name: str
    permission: str | None
    own: Callable[[Personas], dict | list | None] = lambda p: None
    foreign: Callable[[Personas], dict | list | None] | None = None
    foreign_roles: frozenset[str] = field(default=SEES_ALL)
    status_ok: int = 200

    @property
    def roles(self) -> frozenset[str]:
        return ALL_ROLES if self.permission is None else roles_with(self.permission)

    def url(self, args) -> str:
        if args is None:
            return reverse(self.url_name)
        if isinstance(args, dict):
            return reverse(self.url_name, kwargs=args)
        return reverse(self.url_name, args=args)


def run_matrix(cases: Iterable[Case]):
    cases = list(cases)
    params = []
    for case in cases:
        for role in sorted(ALL_ROLES):
            params.append(pytest.param(case, role, "own", id=f"{case.url_name}-{role}-own"))
            if case.foreign is not None:
                params.append(
                    pytest.param(case, role, "foreign", id=f"{case.url_name}-{role}-foreign")
                )

    @pytest.mark.parametrize(("case", "role", "side"), params)
    def test_permission(client, personas, case: Case, role: str, side: str):
        builder = case.own if side == "own" else case.foreign
        url = case.url(builder(personas))
        allowed = case.roles if side == "own" else case.foreign_roles & case.roles
        client.force_login(personas.own[role])
        response = client.get(url)
        expected = case.status_ok if role in allowed else 404
        assert response.status_code == expected, f"{role} {side} {url}"

    def test_signed_out_is_sent_to_login(client, personas):
        for case in cases:
            url = case.url(case.own(personas))
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login")), url

    return test_permission, test_signed_out_is_sent_to_login
