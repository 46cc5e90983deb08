from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Deltagere")

    def ready(self) -> None:
        from siv import rekey
        from siv.registry import (
            register_nav,
            register_panel,
            register_record_link,
            register_record_section,
        )

        from . import panels
        from .placements import views as placement_views
        from .track.models import Citizen

        rekey.register(Citizen, sealed=("cpr_encrypted",), hashes=Citizen.search_hashes)
        register_nav(
            _("Deltagere"),
            "participants:citizen_list",
            "citizens.view",
            group="citizens",
            order=20,
            icon="people",
        )
        register_nav(
            _("Timer"),
            "participants:hours_week",
            "hours.actor_week",
            group="citizens",
            order=22,
            icon="clock",
        )
        register_nav(
            _("Visitationer"),
            "participants:visitation_list",
            "citizens.view",
            group="citizens",
            order=24,
            icon="person-check",
        )
        register_nav(
            _("Genvisitation"),
            "participants:revisitation_overview",
            "revisitations.view",
            group="citizens",
            order=26,
            icon="arrow-repeat",
        )
        register_nav(
            _("Datakvalitet"),
            "participants:data_quality",
            "data_quality.view",
            group="citizens",
            order=28,
            icon="clipboard-check",
        )
        register_nav(
            _("Overdrag deltagere"),
            "participants:bulk_handover",
            "citizens.handover",
            group="citizens",
            order=30,
            icon="person-lines-fill",
        )
        register_nav(
            _("Flyt til anden aktør"),
            "participants:bulk_actor_move",
            "citizens.bulk",
            group="citizens",
            order=32,
            icon="arrow-left-right",
        )
        register_nav(
            _("Pause for flere deltagere"),
            "participants:bulk_pause",
            "citizens.bulk",
            group="citizens",
            order=34,
            icon="pause-circle",
        )
        register_record_link(
            "participants.citizen",
            _("Omkategoriser timer"),
            "participants:hours_recategorise",
            "hours.recategorise",
            icon="arrow-repeat",
        )
        register_panel(
            "participants/panels/actor.html",
            "start.actor",
            panels.actor_panel,
            order=20,
        )
        register_panel(
            "participants/panels/caseworker.html",
            "start.caseworker",
            panels.caseworker_panel,
            order=20,
        )
        register_panel(
            "participants/panels/data_quality.html",
            "start.data_quality",
            panels.data_quality_panel,
            order=25,
        )
        register_panel(
            "participants/panels/worklists.html",
            "start.worklists",
            panels.worklists_panel,
            order=22,
        )
        # The accelerator knows companies, not citizens: the company page shows the
        # placements' counts through the registry.
        register_record_section(
            "accelerator.company",
            "participants/company/outcomes.html",
            "companies.view",
            placement_views.company_section,
            order=20,
        )
