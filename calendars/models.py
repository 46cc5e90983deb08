"""A user's calendar feed: a secret address that Outlook reads without a sign-in.

The secret is shown once and stored only as its SHA-256 digest; it is found by a short
prefix that is not secret. A user has at most one address: making a new one ends the old.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarFeed(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("bruger"),
    )
    prefix = models.CharField(_("præfiks"), max_length=16, unique=True)
    digest = models.CharField(_("SHA-256 af nøglen"), max_length=64)
    created = models.DateTimeField(_("oprettet"), default=timezone.now)

    class Meta:
        verbose_name = _("kalenderadresse")
        verbose_name_plural = _("kalenderadresser")

    def __str__(self) -> str:
        return self.prefix

    @property
    def audit_label(self) -> str:
        return f"Kalenderadresse {self.prefix} til bruger #{self.user_id}"
