"""Every write of reminders: recording the due ones (once), mailing them by each user's
choice, marking them read, and the user's mail preference.

A run records what the rules find and has not been recorded (one row per rule, recipient,
subject and due date, unique in the database), then mails the unmailed reminders of the
users who want them at once; the daily and weekly digests mail the others'. Mails and the
inbox name a pseudonym, a company or a report period, and link to SIV: never a citizen's
name or CPR number.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from siv import audit
from siv.models import AuditAction

from .models import Frequency, MailPreference, Reminder
from .rules import ROLES_REMINDED, Due, ReminderRule, due_for

# Two runs at once (beat and a manual run) take turns, so neither records a reminder twice.
RUN_LOCK = 7_241_020


@dataclass(frozen=True)
class Pending:
    user: object
    rule: ReminderRule
    due: Due

    @property
    def key(self) -> tuple:
        return (
            self.rule.kind.value,
            self.user.pk,
            self.due.subject_type,
            self.due.subject_id,
            self.due.due_on,
        )

    def line(self) -> str:
        """One line of `manage.py reminders --dry-run`: the username first."""
        return (
            f"{self.user.get_username()}\t{self.rule.kind.label}\t{self.due.label}\t"
            f"{self.due.due_on:%d.%m.%Y}\t{self.due.link}"
        )


def reminded_users():
    return (
        get_user_model()
        .objects.filter(is_active=True, role__in=ROLES_REMINDED)
        .order_by("username", "pk")
    )


def pending_reminders(*, today: date | None = None) -> list[Pending]:
    """The reminders due on a day and not yet recorded, by username: the rules of each
    user's role over the user's own scope, and one query for what is already recorded."""
    today = today or timezone.localdate()
    found = [
        Pending(user, rule, due) for user in reminded_users() for rule, due in due_for(user, today)
    ]
    if not found:
        return []
    earliest = min(p.due.due_on for p in found)
    recorded = set(
        Reminder.objects.filter(
            recipient__in={p.user.pk for p in found}, due_on__gte=earliest
        ).values_list("rule", "recipient_id", "subject_type", "subject_id", "due_on")
    )
    fresh: dict[tuple, Pending] = {}
    for p in found:
        if p.key not in recorded:
            fresh.setdefault(p.key, p)
    return list(fresh.values())


def record_reminders(*, today: date | None = None, now: datetime | None = None) -> list[Reminder]:
    """Record the reminders due and not yet recorded; each becomes unread in its recipient's
    inbox. A second run on the same day records nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RUN_LOCK])
        pending = pending_reminders(today=today)
        reminders = Reminder.objects.bulk_create(
            [
                Reminder(
                    rule=p.rule.kind,
                    recipient=p.user,
                    subject_type=p.due.subject_type,
                    subject_id=p.due.subject_id,
                    subject_label=p.due.label,
                    due_on=p.due.due_on,
                    link=p.due.link,
                    created_at=now,
                )
                for p in pending
            ]
        )
        if reminders:
            audit.record_many(
                AuditAction.CREATE,
                about=[
                    (r, {"rule": r.rule, "recipient": r.recipient.get_username()})
                    for r in reminders
                ],
            )
    return reminders


def _absolute(path: str) -> str:
    return settings.SIV_BASE_URL.rstrip("/") + path


def _message(user, reminders: list[Reminder], connection) -> EmailMessage:
    count = len(reminders)
    subject = ngettext("SIV: %(count)s ny påmindelse", "SIV: %(count)s nye påmindelser", count) % {
        "count": count
    }
    lines = [
        ngettext(
            "Du har %(count)s ny påmindelse i SIV:",
            "Du har %(count)s nye påmindelser i SIV:",
            count,
        )
        % {"count": count},
        "",
    ]
    for r in reminders:
        lines.append(
            _("- %(rule)s: %(subject)s, frist %(due)s")
            % {
                "rule": r.get_rule_display(),
                "subject": r.subject_label,
                "due": f"{r.due_on:%d.%m.%Y}",
            }
        )
        lines.append(f"  {_absolute(r.link)}")
    lines += [
        "",
        _("Se alle dine påmindelser: %(url)s") % {"url": _absolute(reverse("reminders:inbox"))},
        _("Hvor ofte du får mail, vælger du under Min konto: %(url)s")
        % {"url": _absolute(reverse("account"))},
    ]
    return EmailMessage(subject, "\n".join(lines), to=[user.email], connection=connection)


def mail_reminders(*, frequencies: list[str], now: datetime | None = None) -> int:
    """Mail each user whose preference is one of `frequencies` their unmailed reminders, in
    one mail, and mark them mailed. A user without an e-mail address has them in the inbox
    only. Returns the number of mails sent. The mails go before the rows are marked, so a
    mail server that is down leaves them to the next run."""
    now = now or timezone.now()
    wanted = set(frequencies)
    chosen = dict(MailPreference.objects.values_list("user_id", "frequency"))
    unmailed = (
        Reminder.objects.filter(
            mailed_at__isnull=True, created_at__lte=now, recipient__is_active=True
        )
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("recipient_id", "due_on", "pk")
    )
    by_user: dict[int, list[Reminder]] = defaultdict(list)
    for r in unmailed:
        if chosen.get(r.recipient_id, Frequency.IMMEDIATE) in wanted:
            by_user[r.recipient_id].append(r)
    if not by_user:
        return 0
    mail = get_connection()
    with translation.override(settings.LANGUAGE_CODE):
        mail.send_messages([_message(rows[0].recipient, rows, mail) for rows in by_user.values()])
    Reminder.objects.filter(pk__in=[r.pk for rows in by_user.values() for r in rows]).update(
        mailed_at=now
    )
    return len(by_user)


def send_reminders(*, today: date | None = None, now: datetime | None = None) -> tuple[int, int]:
    """One run: record what is due, then mail the users who want reminders at once. Returns
    (reminders recorded, mails sent)."""
    recorded = record_reminders(today=today, now=now)
    return len(recorded), mail_reminders(frequencies=[Frequency.IMMEDIATE], now=now)


def reminder_mark_read(*, reminder: Reminder, by) -> Reminder:
    """Mark one of the user's own reminders read (the view fetched it scoped)."""
    with transaction.atomic():
        if reminder.read_at is None:
            reminder.read_at = timezone.now()
            Reminder.objects.filter(pk=reminder.pk, read_at__isnull=True).update(
                read_at=reminder.read_at
            )
            audit.record(AuditAction.CHANGE, actor=by, obj=reminder, details={"read": True})
    return reminder


def reminders_mark_all_read(*, by) -> int:
    with transaction.atomic():
        count = Reminder.objects.for_user(by).unread().update(read_at=timezone.now())
        if count:
            audit.record(AuditAction.CHANGE, actor=by, obj=by, details={"reminders_read": count})
    return count


def mail_preference_set(*, user, frequency: str) -> MailPreference:
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": _("Vælg straks, dagligt eller ugentligt.")})
    with transaction.atomic():
        preference, _created = MailPreference.objects.update_or_create(
            user=user, defaults={"frequency": Frequency(frequency)}
        )
        audit.record(
            AuditAction.CHANGE,
            actor=user,
            obj=user,
            details={"reminder_mail": preference.frequency},
        )
    return preference
