from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SivApiConfig(AppConfig):
    name = "siv_api"
    verbose_name = _("API")

    def ready(self):
        from siv.registry import register_nav

        register_nav(
            _("API-nøgler"), "siv_api:tokens", "api.tokens", group="admin", order=90, icon="key"
        )
