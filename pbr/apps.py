from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PbrConfig(AppConfig):
    name = "pbr"
    verbose_name = _("Betaling for resultater")
