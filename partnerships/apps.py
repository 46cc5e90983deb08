from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Partnerskaber")

    def ready(self) -> None:
        from siv.registry import register_nav, register_panel
        from siv.roles import MUNICIPAL_ROLES, Role

        from . import panels
        from .models import PROGRAMME_WRITERS, STEERING_READERS

        register_nav(
            _("Partnerskaber"),
            "partnerships:partnership_list",
            set(Role),
            order=50,
            icon="diagram-3",
        )
        register_nav(_("Klynger"), "partnerships:cluster_list", set(Role), order=55, icon="grid")
        register_nav(
            _("Styregruppe"),
            "partnerships:steering_list",
            STEERING_READERS,
            order=60,
            icon="people",
        )
        register_nav(
            _("Organisationer"),
            "partnerships:organisation_list",
            PROGRAMME_WRITERS,
            order=65,
            icon="building",
        )
        register_nav(
            _("Brugere"), "partnerships:user_list", {Role.ADMIN}, order=90, icon="person-gear"
        )

        register_panel(
            "partnerships/panels/municipality.html", MUNICIPAL_ROLES, panels.municipality, order=10
        )
        register_panel(
            "partnerships/panels/partner.html",
            {Role.EMPLOYMENT_ACTOR, Role.COMPANY_CONTACT},
            panels.partner,
            order=10,
        )
        register_panel(
            "partnerships/panels/steering.html",
            STEERING_READERS,
            panels.steering,
            order=20,
        )
        register_panel(
            "partnerships/panels/administration.html", {Role.ADMIN}, panels.administration, order=5
        )
