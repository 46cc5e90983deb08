"""Who may open the calendar pages. The feed itself is read without a sign-in (its secret
address is the key): tests/calendars/test_feed.py."""

from tests.matrix import Case, run_matrix

CASES = [Case("calendars:feed_reset", "calendar.feed")]

test_permission, test_signed_out_is_sent_to_login = run_matrix(CASES)
