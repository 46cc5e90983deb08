from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Rapportering")

    def ready(self) -> None:
        from siv.registry import register_nav, register_panel, register_reported_periods

        from . import panels, selectors

        # A correction of a citizen's track says which reports it changes before it is saved.
        register_reported_periods(selectors.reported_periods)
        readers = "reports.view"
        writers = "reports.write"
        register_nav(
            _("Indikatorskema"),
            "reporting:indicators",
            readers,
            group="reports",
            order=70,
            icon="table",
        )
        register_nav(
            _("Timeopgørelse"), "reporting:hours", readers, group="reports", order=71, icon="clock"
        )
        register_nav(
            _("ESF-indikatorer"), "reporting:esf", readers, group="reports", order=72, icon="people"
        )
        register_nav(
            _("Projektredegørelse"),
            "reporting:report_texts_progress",
            writers,
            group="reports",
            order=73,
            icon="journal-text",
        )
        register_nav(
            _("Slutrapport"),
            "reporting:report_texts_final",
            writers,
            group="reports",
            order=74,
            icon="journal-check",
        )
        register_nav(
            _("Delprojekter"),
            "reporting:sub_project_list",
            writers,
            group="reports",
            order=74,
            icon="diagram-3",
        )
        register_nav(
            _("Eksporter"),
            "reporting:job_list",
            readers,
            group="reports",
            order=75,
            icon="download",
        )
        register_panel(
            "reporting/panels/programme.html", "start.programme_reports", panels.programme, order=20
        )
        register_panel(
            "reporting/panels/municipality.html",
            "start.municipality_reports",
            panels.municipality,
            order=20,
        )
