from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Partnerskaber")

    def ready(self) -> None:
        from siv.registry import register_nav, register_panel

        from . import panels

        register_nav(
            _("Partnerskaber"),
            "partnerships:partnership_list",
            "partnerships.view",
            group="partnerships",
            order=50,
            icon="diagram-3",
        )
        register_nav(
            _("Klynger"),
            "partnerships:cluster_list",
            "partnerships.view",
            group="partnerships",
            order=55,
            icon="grid",
        )
        register_nav(
            _("Styregruppe"),
            "partnerships:steering_list",
            "steering.view",
            group="partnerships",
            order=60,
            icon="people",
        )
        register_nav(
            _("Organisationer"),
            "partnerships:organisation_list",
            "partnerships.manage",
            group="admin",
            order=65,
            icon="building",
        )
        register_nav(
            _("Brugere"),
            "partnerships:user_list",
            "users.manage",
            group="admin",
            order=90,
            icon="person-gear",
        )

        register_panel(
            "partnerships/panels/municipality.html",
            "start.municipality",
            panels.municipality,
            order=10,
        )
        register_panel(
            "partnerships/panels/partner.html",
            "start.partner",
            panels.partner,
            order=10,
        )
        register_panel(
            "partnerships/panels/steering.html",
            "steering.view",
            panels.steering,
            order=20,
        )
        register_panel(
            "partnerships/panels/administration.html",
            "start.administration",
            panels.administration,
            order=5,
        )
