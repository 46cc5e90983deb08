from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SivConfig(AppConfig):
    name = "siv"
    verbose_name = _("SIV")

    def ready(self) -> None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from . import lockout  # noqa: F401  (connects the lockout to the audit log)
        from .fields import seal
        from .registry import register_nav

        # The TOTP seeds are encrypted at rest (migration 0010 made the column ready).
        seal(TOTPDevice._meta.get_field("key"))
        register_nav(
            _("Revisionslog"),
            "audit_log",
            "audit.view",
            group="admin",
            order=900,
            icon="journal-text",
        )
