from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SivConfig(AppConfig):
    name = "siv"
    verbose_name = _("SIV")

    def ready(self) -> None:
        from . import lockout  # noqa: F401  (connects the lockout to the audit log)
        from .registry import register_nav

        register_nav(
            _("Revisionslog"),
            "audit_log",
            "audit.view",
            group="admin",
            order=900,
            icon="journal-text",
        )
