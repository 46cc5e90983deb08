"""The inbox: the user's own reminders only, the unread count in the top bar, mark as read,
and the mail choice on the account page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reminders.models import Frequency, MailPreference, Reminder, RuleKind
from siv.models import AuditAction, AuditEntry


def reminder(user, n: int = 1, **fields) -> Reminder:
    return Reminder.objects.create(
        rule=fields.pop("rule", RuleKind.SCREENING),
        recipient=user,
        subject_type="participants.citizen",
        subject_id=str(n),
        subject_label=f"D-{n:06d}",
        due_on=date(2026, 3, 16) + timedelta(days=n),
        link=reverse("participants:citizen_detail", args=[n]),
        **fields,
    )


def test_the_inbox_shows_the_users_own_reminders_only(client, personas):
    reminder(personas.actor, 7)
    reminder(personas.caseworker, 8)
    reminder(personas.foreign["employment_actor"], 9)
    client.force_login(personas.actor)
    page = client.get(reverse("reminders:inbox")).content.decode()
    assert "D-000007" in page
    assert "D-000008" not in page and "D-000009" not in page
    assert "Screeningen mangler" in page
    assert "Frist 23.03.2026" in page


def test_the_top_bar_counts_the_unread(client, personas):
    reminder(personas.actor, 1)
    reminder(personas.actor, 2, read_at=timezone.now())
    reminder(personas.caseworker, 3)
    client.force_login(personas.actor)
    page = client.get(reverse("home")).content.decode()
    assert (
        '<span class="badge rounded-pill text-bg-warning">1<span class="visually-hidden"> ulæste'
        in page
    )


def test_marking_a_reminder_read(client, personas):
    mine = reminder(personas.actor, 1)
    client.force_login(personas.actor)
    response = client.post(reverse("reminders:mark_read", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert AuditEntry.objects.filter(action=AuditAction.CHANGE, object_id=str(mine.pk)).exists()
    page = client.get(reverse("reminders:inbox")).content.decode()
    assert "Marker som læst" not in page


def test_someone_elses_reminder_is_not_found(client, personas):
    theirs = reminder(personas.caseworker, 1)
    client.force_login(personas.actor)
    assert client.post(reverse("reminders:mark_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_all_read(client, personas):
    reminder(personas.actor, 1)
    reminder(personas.actor, 2)
    theirs = reminder(personas.caseworker, 3)
    client.force_login(personas.actor)
    client.post(reverse("reminders:mark_all_read"))
    assert Reminder.objects.for_user(personas.actor).unread().count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("rows", [3, 40])
def test_the_inbox_makes_the_same_queries_whatever_its_length(
    client, personas, django_assert_max_num_queries, rows
):
    for n in range(rows):
        reminder(personas.actor, n)
    client.force_login(personas.actor)
    client.get(reverse("reminders:inbox"))  # the session's first request
    with django_assert_max_num_queries(8):
        assert client.get(reverse("reminders:inbox")).status_code == 200


def test_the_mail_choice_is_on_the_account_page_and_saved(client, personas):
    client.force_login(personas.actor)
    page = client.get(reverse("account")).content.decode()
    assert "Mail om påmindelser" in page
    assert "Dagligt (samlet mail om morgenen)" in page
    response = client.post(reverse("reminders:preference"), {"frequency": Frequency.WEEKLY})
    assert response.status_code == 302
    assert MailPreference.objects.get(user=personas.actor).frequency == Frequency.WEEKLY
    client.post(reverse("reminders:preference"), {"frequency": "hourly"})
    assert MailPreference.objects.get(user=personas.actor).frequency == Frequency.WEEKLY
