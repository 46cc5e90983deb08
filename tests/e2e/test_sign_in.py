import pytest

from .axe import assert_accessible
from .conftest import save_screenshot, sign_in

pytestmark = pytest.mark.e2e

DEMO_USERS = ["sagsbehandler", "projektleder", "aktoer", "udvikler", "controller", "virksomhed"]


def test_the_sign_in_page_is_accessible(page):
    page.goto("/")

    assert "/login/?next=/" in page.url
    assert page.get_by_role("heading", name="Log ind i SIV").is_visible()
    assert_accessible(page)


def test_a_wrong_password_shows_a_danish_error(page, demo_people):
    sign_in(page, "controller", "not-the-password")

    assert page.get_by_text("Forkert brugernavn eller adgangskode.").is_visible()
    assert_accessible(page)


def test_each_demo_role_signs_in_to_its_start_page_and_out_again(page, demo_people, request):
    # One test for all roles: the demo programme is seeded once, not once per role.
    for username in DEMO_USERS:
        sign_in(page, username)

        assert page.url.endswith("/"), f"{username} landed on {page.url}"
        heading = page.get_by_role("heading", level=1).inner_text()
        assert heading.startswith("Goddag"), f"{username} sees {heading!r}"
        assert_accessible(page)
        save_screenshot(page, request, suffix=username)

        page.get_by_role("button", name="Log ud").click()

        assert "/login/" in page.url
        assert page.get_by_text("Du er logget ud.").is_visible()
