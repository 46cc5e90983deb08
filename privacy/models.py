"""Data protection records: the legal basis and consent behind each citizen's processing,
and every anonymisation run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Citizen, CitizenRecordQuerySet
from siv.limits import SHORT_TEXT


class LegalBasis(models.TextChoices):
    PUBLIC_TASK = "public_task", _("Myndighedsudøvelse (art. 6, stk. 1, litra e)")
    LEGAL_OBLIGATION = "legal_obligation", _("Retlig forpligtelse (art. 6, stk. 1, litra c)")
    CONSENT = "consent", _("Samtykke (art. 6, stk. 1, litra a)")
    SOCIAL_SECURITY = (
        "social_security",
        _("Beskæftigelse og social sikring (art. 9, stk. 2, litra b)"),
    )
    EXPLICIT_CONSENT = "explicit_consent", _("Udtrykkeligt samtykke (art. 9, stk. 2, litra a)")


class ConsentRecord(models.Model):
    """Why SIV may process a citizen's data: the legal basis, and consent where it is one."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="consents")
    legal_basis = models.CharField(_("retsgrundlag"), max_length=30, choices=LegalBasis.choices)
    consent_given = models.BooleanField(_("samtykke givet"), default=False)
    recorded_on = models.DateField(_("dato"), default=timezone.localdate)
    note = models.TextField(_("bemærkning"), max_length=SHORT_TEXT, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = CitizenRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("retsgrundlag og samtykke")
        verbose_name_plural = _("retsgrundlag og samtykker")
        ordering = ["-recorded_on", "-id"]

    def __str__(self) -> str:
        return f"{self.citizen.audit_label} {self.get_legal_basis_display()}"

    @property
    def audit_label(self) -> str:
        return f"Retsgrundlag #{self.pk}"


class AnonymisationRun(models.Model):
    """One run of the anonymisation: who or what started it, the cut-off, how many."""

    class Source(models.TextChoices):
        SCHEDULE = "schedule", _("Planlagt job")
        COMMAND = "command", _("Kommando")

    started_at = models.DateTimeField(_("startet"), default=timezone.now)
    source = models.CharField(_("kilde"), max_length=10, choices=Source.choices)
    exited_before = models.DateField(_("ophør før"))
    citizens = models.PositiveIntegerField(_("anonymiserede deltagere"), default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("anonymiseringskørsel")
        verbose_name_plural = _("anonymiseringskørsler")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%d.%m.%Y}: {self.citizens}"
