"""Reminders: what is due, for whom and when (rules.py), each recorded once per rule,
recipient, subject and due date, so that a rerun sends nothing new; the record is also the
user's inbox. A reminder names its subject by a pseudonym, a company or a report period,
never by a citizen's name or CPR number."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from siv.access import ScopedQuerySet


class RuleKind(models.TextChoices):
    VISITATION = "visitation", _("Visitationen skal afgøres inden 4 uger")
    REVISITATION = "revisitation", _("Pladsen skal genvisiteres inden 4 uger efter ophør")
    SCREENING = "screening", _("Screeningen mangler")
    PHASE1_HOURS = "phase1_hours", _("Fase 1 under 10 timer om ugen")
    HOURS_MISSING = "hours_missing", _("Timer mangler for sidste uge")
    FOLLOW_UP_6M = "follow_up_6m", _("Opfølgning 6 måneder efter ophør")
    FOLLOW_UP_2Y = "follow_up_2y", _("Opfølgning 2 år efter ophør")
    PLACEMENT_END = "placement_end", _("Placeringen slutter")
    MILESTONE = "milestone", _("Milepæl i den sociale model har frist")
    HALF_YEAR_REPORT = "half_year_report", _("Halvårlig projektredegørelse")


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Straks")
    DAILY = "daily", _("Dagligt (samlet mail om morgenen)")
    WEEKLY = "weekly", _("Ugentligt (samlet mail mandag morgen)")


class MailPreference(models.Model):
    """How often a user's reminders are mailed; without a row, at once. The inbox always
    shows them at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    frequency = models.CharField(
        _("mail om påmindelser"),
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.IMMEDIATE,
    )

    class Meta:
        verbose_name = _("mailindstilling")
        verbose_name_plural = _("mailindstillinger")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_frequency_display()}"


class ReminderQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        # Everyone's inbox is their own, whatever their role.
        return self.filter(recipient=user)

    def unread(self) -> ReminderQuerySet:
        return self.filter(read_at__isnull=True)


class Reminder(models.Model):
    rule = models.CharField(_("påmindelse"), max_length=30, choices=RuleKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    # The record it is about, as "app.model" and id (or a report period's kind and end).
    subject_type = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=40)
    # What the inbox and the mail call it: a pseudonym, a company's name or a period.
    subject_label = models.CharField(_("emne"), max_length=200)
    due_on = models.DateField(_("frist"))
    link = models.CharField(max_length=300)
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)
    mailed_at = models.DateTimeField(_("mailet"), null=True, blank=True)
    read_at = models.DateTimeField(_("læst"), null=True, blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("påmindelse")
        verbose_name_plural = _("påmindelser")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "recipient", "subject_type", "subject_id", "due_on"],
                name="reminder_once_per_due_date",
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                name="reminder_unread",
                condition=models.Q(read_at__isnull=True),
            ),
            models.Index(
                fields=["recipient", "created_at"],
                name="reminder_unmailed",
                condition=models.Q(mailed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} · {self.subject_label} · {self.due_on:%d.%m.%Y}"
