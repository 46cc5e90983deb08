from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Frequency, MailPreference, Reminder


def inbox(*, user: Any) -> QuerySet[Reminder]:
    """The user's reminders, the unread first, then the newest."""
    return Reminder.objects.for_user(user).order_by("-read_at", "-created_at", "-pk")


def unread_count(user: Any) -> int:
    return Reminder.objects.for_user(user).unread().count()


def mail_frequency(user: Any) -> str:
    preference = MailPreference.objects.filter(user=user).first()
    return preference.frequency if preference else Frequency.IMMEDIATE
