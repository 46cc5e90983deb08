import pytest

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


def test_switching_language_keeps_the_page_and_sets_the_html_language(page):
    page.goto("/login/")
    assert page.locator("html").get_attribute("lang") == "da"

    page.get_by_label("Sprog").select_option("en")
    page.get_by_role("button", name="Skift").click()

    assert page.url.endswith("/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_label("Language").is_visible() or page.get_by_label("Sprog").is_visible()
    assert_accessible(page)

    page.locator("#language").select_option("da")
    page.locator("footer button[type=submit]").click()

    assert page.locator("html").get_attribute("lang") == "da"
