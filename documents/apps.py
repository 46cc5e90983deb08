from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Dokumenter")

    def ready(self) -> None:
        from siv.registry import (
            register_personal_data_eraser,
            register_personal_data_export,
            register_record_link,
            register_record_section,
        )

        from . import selectors, services, views
        from .owners import OWNERS

        for owner in OWNERS.values():
            if owner.key == "expense":
                # An expense is a row of a list, not a page: its documents have a page.
                register_record_link(
                    owner.model._meta.label_lower,
                    _("Dokumenter"),
                    owner.url_name,
                    owner.view_permission,
                    icon="paperclip",
                )
            else:
                register_record_section(
                    owner.model._meta.label_lower,
                    "documents/section.html",
                    owner.view_permission,
                    views.section_context,
                    order=90,
                )
        register_personal_data_eraser(services.documents_erase_for_citizen)
        register_personal_data_export("dokumenter", selectors.citizen_documents_for_export)
