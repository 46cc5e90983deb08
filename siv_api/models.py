"""API tokens: a random secret shown once, stored only as its SHA-256 digest, found by a short
prefix that is not secret. A token expires, and its owner can revoke it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> ApiTokenQuerySet:
        """Neither revoked nor expired."""
        return self.filter(revoked__isnull=True, expires__gt=timezone.now())


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("bruger"),
    )
    # The part of the key before the dot: shown in lists, and how a request's key is found.
    prefix = models.CharField(_("præfiks"), max_length=16, unique=True)
    digest = models.CharField(_("SHA-256 af nøglen"), max_length=64)
    created = models.DateTimeField(_("oprettet"), default=timezone.now)
    expires = models.DateTimeField(_("udløber"))
    last_used = models.DateTimeField(_("sidst brugt"), null=True, blank=True)
    revoked = models.DateTimeField(_("tilbagekaldt"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API-nøgle")
        verbose_name_plural = _("API-nøgler")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.prefix

    @property
    def audit_label(self) -> str:
        return f"API-nøgle {self.prefix} til bruger #{self.user_id}"

    @property
    def is_usable(self) -> bool:
        return self.revoked is None and self.expires > timezone.now()
