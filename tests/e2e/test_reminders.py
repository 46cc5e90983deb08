"""The actor's reminders in the browser: the bell's count in the top bar, the inbox on a
phone and a laptop (no sideways scroll, axe), and a reminder marked read."""

import pytest
from playwright.sync_api import expect

from reminders.services import send_reminders

from .conftest import sign_in
from .test_layout import SIZES, problems_on

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("size", list(SIZES))
def test_the_actor_opens_the_inbox_from_the_bell_and_marks_a_reminder_read(page, demo, size):
    send_reminders()
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, "aktoer")
    assert problems_on(page, "aktoer start", size) == []
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    bell = page.get_by_role("link", name="Påmindelser")
    unread = int(bell.locator(".badge").inner_text().split()[0])
    assert unread > 0
    bell.click()
    expect(page.get_by_role("heading", level=1, name="Påmindelser")).to_be_visible()
    assert problems_on(page, "aktoer inbox", size) == []
    page.get_by_role("button", name="Marker som læst").first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("button", name="Marker som læst")).to_have_count(unread - 1)
