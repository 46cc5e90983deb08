import pytest

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


def test_the_controller_reads_the_audit_log_with_her_own_sign_in(signed_in_page):
    page = signed_in_page("controller")

    page.goto("/revisionslog/")

    assert page.get_by_role("heading", level=1).is_visible()
    assert page.get_by_role("table").is_visible()
    assert page.get_by_role("cell", name="controller").first.is_visible()
    assert_accessible(page)


def test_a_caseworker_does_not_find_the_audit_log(signed_in_page):
    page = signed_in_page("sagsbehandler")

    response = page.goto("/revisionslog/")

    assert response.status == 404
    assert_accessible(page)
