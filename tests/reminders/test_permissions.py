import pytest

from tests.matrix import Case, run_matrix


@pytest.fixture(autouse=True)
def demo(settings):
    """The demo's page of sent mails exists only in the demo."""
    settings.SIV_DEMO = True


CASES = [
    # Everyone's inbox is their own: there is no foreign inbox to ask for.
    Case("reminders:inbox", "reminders.view"),
    Case("reminders:mark_read", "reminders.view", own=lambda p: [1], status_ok=405),  # POST only
    Case("reminders:mark_all_read", "reminders.view", status_ok=405),  # POST only
    Case("reminders:preference", "reminders.view", status_ok=405),  # POST only
    Case("reminders:demo_mails", "reminders.view"),
]

test_permission, test_signed_out_is_sent_to_login = run_matrix(CASES)
