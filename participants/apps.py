from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Deltagere")

    def ready(self) -> None:
        from siv.registry import register_nav, register_panel
        from siv.roles import Role

        from . import panels

        readers = {
            Role.CASEWORKER,
            Role.MUNICIPAL_LEAD,
            Role.EMPLOYMENT_ACTOR,
            Role.CONTROLLER,
            Role.ADMIN,
        }
        register_nav(_("Deltagere"), "participants:citizen_list", readers, order=20, icon="people")
        register_nav(
            _("Timer"), "participants:hours_week", {Role.EMPLOYMENT_ACTOR}, order=22, icon="clock"
        )
        register_nav(
            _("Visitationer"),
            "participants:visitation_list",
            readers,
            order=24,
            icon="person-check",
        )
        register_nav(
            _("Genvisitation"),
            "participants:revisitation_overview",
            {Role.CASEWORKER, Role.MUNICIPAL_LEAD, Role.CONTROLLER, Role.ADMIN},
            order=26,
            icon="arrow-repeat",
        )
        register_panel(
            "participants/panels/actor.html",
            {Role.EMPLOYMENT_ACTOR},
            panels.actor_panel,
            order=20,
        )
        register_panel(
            "participants/panels/caseworker.html",
            {Role.CASEWORKER},
            panels.caseworker_panel,
            order=20,
        )
