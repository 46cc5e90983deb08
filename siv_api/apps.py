from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SivApiConfig(AppConfig):
    name = "siv_api"
    verbose_name = _("API")
