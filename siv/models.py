from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from .access import ScopedQuerySet
from .permissions import has_perm


class Decision(models.TextChoices):
    """Where a change that needs a second person's approval stands (four eyes, ASVS 4.3.3)."""

    PENDING = "pending", _("Venter på godkendelse")
    APPROVED = "approved", _("Godkendt")
    REJECTED = "rejected", _("Afvist")


class AuditAction(models.TextChoices):
    CREATE = "create", _("Oprettet")
    CHANGE = "change", _("Ændret")
    DELETE = "delete", _("Slettet")
    VIEW = "view", _("Vist")
    SEARCH = "search", _("Søgning")
    EXPORT = "export", _("Eksport")
    REVEAL = "reveal", _("CPR-nummer vist")
    LOGIN = "login", _("Logget ind")
    # Every refused step of signing in; details["reason"] says which (a wrong password, a
    # wrong second-factor code "totp", a wrong enrolment code, a throttled address).
    LOGIN_FAILED = "login_failed", _("Afvist login")
    SECOND_FACTOR = "second_factor", _("Totrinsbekræftelse godkendt")
    LOCKOUT = "lockout", _("Konto låst")
    LOGOUT = "logout", _("Logget ud")
    # A record that exists but lies outside the user's access was asked for (answered 404).
    FOREIGN = "foreign", _("Afvist adgang til post")
    TOKEN_USED = "token_used", _("API-nøgle brugt")
    TOKEN_REFUSED = "token_refused", _("API-nøgle afvist")
    ALERT = "alert", _("Alarm til administratorer")
    ANONYMISE = "anonymise", _("Anonymiseret")
    PURGE = "purge", _("Sletning efter opbevaringsperiode")
    THROTTLED = "throttled", _("Grænse nået")


class AuditEntryQuerySet(ScopedQuerySet):
    def scoped(self, user, *, write):
        if write:
            return self.none()  # nobody edits the log; the database refuses it too
        if has_perm(user, "audit.view"):
            return self.all()
        return self.none()

    def about(self, obj: models.Model) -> "AuditEntryQuerySet":
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
            object_id=str(obj.pk),
        )


class AuditEntry(models.Model):
    """Who did what to which record, when and from where. Append-only.

    The database rejects every UPDATE, and every DELETE of a row younger than six months
    (see migration 0002); the retention job deletes older rows only.
    """

    at = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)
    # No FK constraint and no cascade: staff accounts are disabled, never deleted, and a
    # cascade would have to edit these rows.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruger"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(_("brugernavn"), max_length=150, blank=True)
    action = models.CharField(_("handling"), max_length=20, choices=AuditAction.choices)
    content_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    # A description without personal data (e.g. "Deltager D-000041"), for the search screen.
    object_label = models.CharField(_("objekt"), max_length=200, blank=True)
    purpose = models.CharField(_("formål"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adresse"), null=True, blank=True)
    details = models.JSONField(_("detaljer"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("logpost")
        verbose_name_plural = _("revisionslog")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"]),
            # The rows that name a citizen among the records a list showed (GDPR insight).
            GinIndex(fields=["details"], opclasses=["jsonb_path_ops"], name="siv_audit_details"),
        ]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_label}"


class OneTimeSecret(models.Model):
    """What a secret handed out once keeps beside its user and digest (siv/one_time.py)."""

    created = models.DateTimeField(_("oprettet"), default=timezone.now)
    expires = models.DateTimeField(_("udløber"))
    used = models.DateTimeField(_("brugt"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class EnrolmentCode(OneTimeSecret):
    """A one-time code an administrator issues so a user can set up a second factor where
    one is required: the password alone does not enrol a device. Stored as a digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruger"),
        on_delete=models.CASCADE,
        related_name="enrolment_codes",
    )
    digest = models.CharField(_("SHA-256 af koden"), max_length=64)

    class Meta(OneTimeSecret.Meta):
        verbose_name = _("tilmeldingskode")
        verbose_name_plural = _("tilmeldingskoder")

    @property
    def audit_label(self) -> str:
        return f"Tilmeldingskode til bruger #{self.user_id}"


class PasswordLink(OneTimeSecret):
    """A one-time link with which a user sets their password: an administrator issues it for a
    new account or a forgotten password instead of choosing the password. Stored as a digest;
    it lapses after SIV_PASSWORD_LINK_HOURS, when it is used, or when a newer one is issued."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruger"),
        on_delete=models.CASCADE,
        related_name="password_links",
    )
    digest = models.CharField(_("SHA-256 af linkets nøgle"), max_length=64, unique=True)

    class Meta(OneTimeSecret.Meta):
        verbose_name = _("link til adgangskode")
        verbose_name_plural = _("links til adgangskode")

    @property
    def audit_label(self) -> str:
        return f"Link til adgangskode til bruger #{self.user_id}"


class UserSession(AbstractBaseSession):
    """A stored session (SESSION_ENGINE siv.sessions) with the user it is signed in as, so a
    user's sessions are listed and ended by an indexed query, not by decoding every session."""

    user_id = models.BigIntegerField(null=True, db_index=True)

    class Meta(AbstractBaseSession.Meta):
        db_table = "siv_user_session"

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore


class WebAuthnDevice(Device):
    """A security key or a platform authenticator (WebAuthn) as the second factor, beside the
    TOTP app: its credential's id and public key, and the authenticator's signature counter
    (a counter that goes back reveals a cloned key)."""

    credential_id = models.CharField(_("nøgle-id"), max_length=1400, unique=True)
    public_key = models.BinaryField(_("offentlig nøgle"))
    sign_count = models.PositiveBigIntegerField(_("signaturtæller"), default=0)
    created = models.DateTimeField(_("oprettet"), default=timezone.now)
    last_used = models.DateTimeField(_("sidst brugt"), null=True, blank=True)

    class Meta(Device.Meta):
        verbose_name = _("sikkerhedsnøgle")
        verbose_name_plural = _("sikkerhedsnøgler")
        ordering = ["created"]

    @property
    def audit_label(self) -> str:
        return f"Sikkerhedsnøgle #{self.pk} til bruger #{self.user_id}"

    def verify_token(self, token) -> bool:
        return False  # a WebAuthn device answers a challenge (siv/webauthn.py), never a code


class FigureChange(models.Model):
    """A write that may change a figure counted from many rows (siv.figures): one row per
    statement on a table the figures read, inserted by that table's trigger.

    Writers only insert, so they never wait for each other here. The sum of `changes` grows
    with every committed write and never otherwise: the figures' generation.
    siv_figures_fold() (the worker's `fold_figure_changes`, every minute) sums the rows into
    the one folded row in one transaction, which keeps the sum; the folded row carries the
    table's `epoch`, drawn anew when the table is emptied.
    """

    changes = models.BigIntegerField(default=1)
    folded = models.BooleanField(default=False)
    epoch = models.BigIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["folded"], condition=models.Q(folded=True), name="uniq_figure_folded"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.changes} ({'folded' if self.folded else 'change'})"


class FigureCache(models.Model):
    """Figures as computed at a generation of the data (siv.figures.cached)."""

    key = models.CharField(max_length=400, primary_key=True)
    generation = models.CharField(max_length=60)
    value = models.BinaryField()
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.key} @ {self.generation}"
