from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcceleratorConfig(AppConfig):
    name = "accelerator"
    verbose_name = _("Accelerator")

    def ready(self) -> None:
        from siv.registry import register_nav, register_panel

        from . import selectors

        register_nav(
            _("Virksomheder"),
            "accelerator:company_list",
            "companies.view",
            group="companies",
            order=60,
            icon="building",
        )
        register_nav(
            _("Camps"),
            "accelerator:camp_list",
            "programme.view",
            group="companies",
            order=65,
            icon="people",
        )
        register_nav(
            _("Jobåbninger"),
            "accelerator:opening_list",
            "openings.view",
            group="companies",
            order=62,
            icon="briefcase",
        )
        register_panel(
            "accelerator/panels/developer.html",
            "start.developer",
            lambda request: selectors.developer_panel(user=request.user),
            order=20,
        )
        register_panel(
            "accelerator/panels/company_contact.html",
            "start.company_contact",
            lambda request: selectors.company_contact_panel(user=request.user),
            order=20,
        )
