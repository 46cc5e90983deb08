from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OidcConfig(AppConfig):
    name = "oidc"
    verbose_name = _("Organisationens login")

    def ready(self) -> None:
        from siv.registry import register_nav, register_panel

        from . import panels

        register_nav(
            _("Organisationens login"),
            "oidc:provider_settings",
            "users.manage",
            group="admin",
            order=92,
            icon="box-arrow-in-right",
        )
        register_panel("oidc/panels/waiting.html", "start.administration", panels.waiting, order=6)
