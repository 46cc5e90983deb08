import pytest

from partnerships.models import GrowthPartnership, User

from .axe import assert_accessible
from .conftest import go_to

pytestmark = pytest.mark.e2e


def test_the_controller_finds_a_partnership_from_the_list(signed_in_page):
    page = signed_in_page("controller")
    partnership = GrowthPartnership.objects.order_by("name").first()

    go_to(page, "Partnerskaber")

    assert page.url.endswith("/partnerskaber/")
    assert page.get_by_role("heading", level=1).is_visible()
    assert_accessible(page)

    page.get_by_role("link", name=partnership.name).first.click()

    assert page.url.endswith(f"/partnerskaber/{partnership.pk}/")
    assert page.get_by_role("heading", name=partnership.name).first.is_visible()
    assert_accessible(page)


def test_a_caseworker_gets_not_found_for_another_municipalitys_partnership(signed_in_page):
    page = signed_in_page("sagsbehandler")
    caseworker = User.objects.get(username="sagsbehandler")
    foreign = GrowthPartnership.objects.exclude(municipality=caseworker.municipality).first()

    response = page.goto(f"/partnerskaber/{foreign.pk}/")

    assert response.status == 404
    assert_accessible(page)
