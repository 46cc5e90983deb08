from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Partnerskaber")

    def ready(self) -> None:
        from siv.registry import register_nav
        from siv.roles import Role

        register_nav(
            _("Partnerskaber"),
            "partnerships:partnership_list",
            set(Role),
            order=50,
            icon="diagram-3",
        )
