from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Påmindelser")

    def ready(self) -> None:
        from siv.registry import register_account_section

        from .views import account_section

        register_account_section(
            "reminders/account_preference.html", "reminders.view", account_section, order=50
        )
