"""Sign-in with the organisation's own account (OpenID Connect).

One identity provider, named by SIV_OIDC_ISSUER. An account is tied to the provider's
issuer and subject (`ProviderAccount`), never to an e-mail address; the provider may sign in
for the organisations listed for its issuer (`ProviderOrganisation`); a group the provider
sends gives a role and an organisation through the administrator's `GroupMapping`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from partnerships.models import Municipality, Organisation
from siv.access import ScopedQuerySet
from siv.fields import EncryptedTextField
from siv.models import UserSession
from siv.permissions import has_perm
from siv.roles import Role


class AdministeredQuerySet(ScopedQuerySet):
    """The provider's tables are the administrator's: nobody else sees or changes them."""

    def scoped(self, user, *, write):
        return self.all() if has_perm(user, "users.manage") else self.none()


class ProviderOrganisation(models.Model):
    """An organisation the provider of `issuer` may sign staff in for."""

    issuer = models.CharField(_("udsteder"), max_length=500)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = AdministeredQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation for login-udbyder")
        verbose_name_plural = _("organisationer for login-udbyder")
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "organisation"],
                name="uniq_provider_organisation",
                violation_error_message=_("Organisationen er allerede på listen."),
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class GroupMapping(models.Model):
    """A group in the provider's `groups` claim gives its members this role, organisation
    and (for the municipal roles) municipality."""

    issuer = models.CharField(_("udsteder"), max_length=500)
    group = models.CharField(
        _("gruppe"),
        max_length=200,
        help_text=_("Gruppens navn eller id, som udbyderen sender det."),
    )
    role = models.CharField(_("rolle"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = AdministeredQuerySet.as_manager()

    class Meta:
        verbose_name = _("gruppe-tilknytning")
        verbose_name_plural = _("gruppe-tilknytninger")
        ordering = ["group"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "group"],
                name="uniq_group_mapping",
                violation_error_message=_("Gruppen har allerede en tilknytning."),
            )
        ]

    def __str__(self) -> str:
        return self.group


class ProviderAccount(models.Model):
    """The link between a user and the provider's subject. The user's role comes from a
    group mapping (`role_from_group`) or from the administrator."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruger"),
        on_delete=models.PROTECT,
        related_name="provider_account",
    )
    issuer = models.CharField(_("udsteder"), max_length=500)
    subject = models.CharField(_("subjekt"), max_length=255)
    role_from_group = models.BooleanField(_("rolle fra gruppe"), default=False)
    created = models.DateTimeField(_("oprettet"), default=timezone.now)
    last_sign_in = models.DateTimeField(_("seneste login"), null=True, blank=True)

    objects = AdministeredQuerySet.as_manager()

    class Meta:
        verbose_name = _("konto hos login-udbyder")
        verbose_name_plural = _("konti hos login-udbyder")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="uniq_provider_subject")
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class ProviderGrant(models.Model):
    """The provider's refresh token of one signed-in session, kept on the server (encrypted
    with the field keyring, so a rotation re-encrypts it), never in the session or the
    browser. It goes with its session: at
    sign-out, when the administrator ends the user's sessions, or when the session expires
    (the stored sessions of siv.sessions, a row each)."""

    session = models.OneToOneField(UserSession, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_grants"
    )
    refresh_token = EncryptedTextField()
    created = models.DateTimeField(default=timezone.now)
    renewed = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"grant #{self.pk}"


class ProviderDevice(Device):
    """The provider's second factor: a sign-in whose ID token says MFA (amr/acr) passes the
    second-factor check with this device. It verifies no typed code."""

    class Meta:
        verbose_name = _("udbyderens totrinsbekræftelse")

    def verify_token(self, token) -> bool:
        return False
