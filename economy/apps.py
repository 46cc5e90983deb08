from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EconomyConfig(AppConfig):
    name = "economy"
    verbose_name = _("Projektøkonomi")

    def ready(self) -> None:
        from siv.registry import register_nav, register_report_context

        from . import selectors

        register_nav(
            _("Projektøkonomi"),
            "economy:overview",
            "economy.view",
            group="economy",
            order=76,
            icon="wallet2",
        )
        # The progress statement's headings 2, 6 and 7 are filled from the economy.
        register_report_context(
            "progress", lambda params: {"economy": selectors.statement_figures(params)}
        )
