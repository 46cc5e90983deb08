"""Journey: the employment actor fills this week's hours grid, saves, sees the values; a value
over the limit is refused next to its cell and nothing typed is lost."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .axe import assert_accessible
from .conftest import go_to, save_screenshot, sign_in

pytestmark = pytest.mark.e2e

TRAINING = "Træning hos aktøren"
HOME_TRAINING = "Hjemmetræning"
PRACTICE = "Praktik i virksomhed"


def test_the_actor_fills_the_weekly_hours_grid(page, demo, request):
    week = timezone.localdate().isocalendar().week
    sign_in(page, "aktoer")
    go_to(page, "Timer")

    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Timer uge {week}")
    assert_accessible(page)

    editable = page.get_by_role("row").filter(has=page.locator("input:enabled"))
    assert editable.count() >= 2, "the demo has at least two citizens in a track this week"
    first_name = editable.nth(0).get_by_role("rowheader").inner_text().strip()
    second_name = editable.nth(1).get_by_role("rowheader").inner_text().strip()

    def row(name):
        return page.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name=name, exact=True)
        )

    row(first_name).get_by_label(TRAINING).fill("7,5")
    row(first_name).get_by_label(HOME_TRAINING).fill("2")
    row(second_name).get_by_label(TRAINING).fill("10")
    page.get_by_role("button", name="Gem ugen").click()

    expect(page.get_by_text(f"Timerne for uge {week} er gemt.")).to_be_visible()
    expect(row(first_name).get_by_label(TRAINING)).to_have_value("7,5")
    expect(row(first_name).get_by_label(HOME_TRAINING)).to_have_value("2")
    expect(row(second_name).get_by_label(TRAINING)).to_have_value("10")
    assert_accessible(page)
    save_screenshot(page, request, suffix="saved")

    # Over the limit: refused next to the cell; nothing typed is lost, nothing is saved.
    row(first_name).get_by_label(PRACTICE).fill("61")
    row(second_name).get_by_label(TRAINING).fill("12")
    page.get_by_role("button", name="Gem ugen").click()

    expect(page.get_by_text("Ugen er ikke gemt. Ret de markerede felter.")).to_be_visible()
    bad_cell = row(first_name).get_by_label(PRACTICE)
    expect(bad_cell).to_have_value("61")
    expect(bad_cell).to_have_attribute("aria-invalid", "true")
    error_id = bad_cell.get_attribute("aria-describedby")
    expect(page.locator(f"#{error_id}")).to_have_text(
        "Timer skal være mellem 0 og 60 pr. type pr. uge."
    )
    expect(row(first_name).get_by_label(TRAINING)).to_have_value("7,5")
    expect(row(second_name).get_by_label(TRAINING)).to_have_value("12")
    assert_accessible(page)
    save_screenshot(page, request, suffix="refused")

    # The refused week was not saved: a fresh look shows the values saved before.
    page.get_by_role("button", name="Vis").click()
    expect(row(second_name).get_by_label(TRAINING)).to_have_value("10")
    expect(row(first_name).get_by_label(PRACTICE)).not_to_have_value("61")
