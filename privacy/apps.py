from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Databeskyttelse")

    def ready(self) -> None:
        from siv.registry import register_record_link

        register_record_link(
            "participants.citizen",
            _("Databeskyttelse og indsigt"),
            "privacy:citizen_privacy",
            "citizens.lookups_export",
            icon="shield-lock",
        )
