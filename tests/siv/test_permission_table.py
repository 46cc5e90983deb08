"""The permission vocabulary and everything that asks it: the view decorator, the class-view
mixin, the API's permission class, the template filter and the navigation."""

from types import SimpleNamespace

import pytest
from django.http import Http404, HttpResponse
from django.template import engines
from django.test import RequestFactory
from django.views import View
from rest_framework.exceptions import NotFound

from siv import registry
from siv.permissions import (
    PERMISSIONS,
    HasPermission,
    PermissionRequiredMixin,
    has_perm,
    permission_required,
    roles_with,
)
from siv.roles import Role

factory = RequestFactory()


def user(role: str = "", *, active: bool = True, signed_in: bool = True):
    return SimpleNamespace(is_authenticated=signed_in, is_active=active, role=role)


def test_every_permission_is_held_by_known_roles_only():
    for name, roles in PERMISSIONS.items():
        assert roles, name
        assert roles <= set(Role), name


def test_an_unknown_permission_is_an_error_not_a_refusal():
    with pytest.raises(KeyError):
        has_perm(user(Role.ADMIN), "citizens.veiw")
    with pytest.raises(KeyError):
        permission_required("citizens.veiw")


def test_a_permission_is_held_by_an_active_signed_in_user_of_its_roles():
    assert has_perm(user(Role.CASEWORKER), "visitations.propose")
    assert not has_perm(user(Role.EMPLOYMENT_ACTOR), "visitations.propose")
    assert not has_perm(user(Role.CASEWORKER, active=False), "visitations.propose")
    assert not has_perm(user(Role.CASEWORKER, signed_in=False), "visitations.propose")
    assert not has_perm(user(""), "partnerships.view")


def test_the_controller_sees_pseudonyms_and_the_municipal_lead_names():
    assert Role.CONTROLLER not in roles_with("citizens.name")
    assert Role.MUNICIPAL_LEAD in roles_with("citizens.name")


def test_data_quality_reaches_the_overview_roles_and_those_who_fix_the_rows():
    assert roles_with("data_quality.view") == {
        Role.CONTROLLER,
        Role.ADMIN,
        Role.MUNICIPAL_LEAD,
        Role.CASEWORKER,
        Role.EMPLOYMENT_ACTOR,
    }
    assert roles_with("start.data_quality") == {Role.CASEWORKER, Role.EMPLOYMENT_ACTOR}


@permission_required("ledger.write")
def _ledger_page(request):
    return HttpResponse("ok")


def test_the_decorator_answers_404_to_roles_without_the_permission():
    request = factory.get("/")
    request.user = user(Role.CONTROLLER)
    assert _ledger_page(request).content == b"ok"
    request.user = user(Role.ADMIN)
    with pytest.raises(Http404):
        _ledger_page(request)


class _ReportsPage(PermissionRequiredMixin, View):
    permission = "reports.write"

    def get(self, request):
        return HttpResponse("ok")


def test_the_mixin_answers_404_to_roles_without_the_permission():
    request = factory.get("/")
    request.user = user(Role.ADMIN)
    assert _ReportsPage.as_view()(request).content == b"ok"
    request.user = user(Role.MUNICIPAL_LEAD)
    with pytest.raises(Http404):
        _ReportsPage.as_view()(request)


def test_the_api_class_asks_the_write_permission_for_a_post_only():
    view = SimpleNamespace(permission="placements.view", write_permission="citizens.write")
    contact = SimpleNamespace(user=user(Role.COMPANY_CONTACT), method="GET")
    assert HasPermission().has_permission(contact, view)
    contact.method = "POST"
    with pytest.raises(NotFound):
        HasPermission().has_permission(contact, view)
    actor = SimpleNamespace(user=user(Role.EMPLOYMENT_ACTOR), method="POST")
    assert HasPermission().has_permission(actor, view)


def test_the_api_class_leaves_a_request_without_a_user_to_authentication():
    view = SimpleNamespace(permission="companies.view")
    request = SimpleNamespace(user=user(signed_in=False), method="GET")
    assert HasPermission().has_permission(request, view) is False


def test_the_template_filter_asks_the_table():
    template = engines["django"].from_string(
        '{% load siv %}{% if user|may:"visitations.review" %}vurdér{% endif %}'
    )
    assert template.render({"user": user(Role.EMPLOYMENT_ACTOR)}) == "vurdér"
    assert template.render({"user": user(Role.CASEWORKER)}) == ""


def test_the_navigation_shows_the_entries_whose_permission_the_user_holds():
    names = {item.url_name for item in registry.nav_for(user(Role.EMPLOYMENT_ACTOR))}
    assert "participants:hours_week" in names
    assert "pbr:overview" not in names
    names = {item.url_name for item in registry.nav_for(user(Role.MUNICIPAL_LEAD))}
    assert "pbr:overview" in names
    assert "participants:hours_week" not in names


def test_an_entry_with_an_unknown_permission_fails_at_registration(monkeypatch):
    monkeypatch.setattr(registry, "NAV", [])
    with pytest.raises(KeyError):
        registry.register_nav("Timer", "participants:hours_week", "hours.weeek", group="citizens")


def test_an_entry_in_an_unknown_menu_area_fails_at_registration(monkeypatch):
    monkeypatch.setattr(registry, "NAV", [])
    with pytest.raises(KeyError):
        registry.register_nav("Timer", "participants:hours_week", "hours.actor_week", group="x")


def test_the_menu_groups_a_roles_entries_by_area_in_one_order():
    groups = registry.nav_groups_for(user(Role.CONTROLLER))
    keys = [group.key for group in groups]
    assert keys == [key for key in registry.NAV_GROUPS if key in keys]
    reports = next(group for group in groups if group.key == "reports")
    assert "reporting:indicators" in {item.url_name for item in reports.items}
    actor = [group.key for group in registry.nav_groups_for(user(Role.EMPLOYMENT_ACTOR))]
    assert "reports" not in actor and "citizens" in actor
