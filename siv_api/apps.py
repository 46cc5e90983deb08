from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SivApiConfig(AppConfig):
    name = "siv_api"
    verbose_name = _("API")

    def ready(self):
        from siv.registry import (
            register_account_section,
            register_credential_revoker,
            register_nav,
        )

        from .models import ApiToken
        from .services import tokens_revoke_all

        register_nav(
            _("API-nøgler"), "siv_api:tokens", "api.tokens", group="admin", order=90, icon="key"
        )
        register_credential_revoker(tokens_revoke_all)
        register_account_section(
            "siv_api/account_tokens.html",
            "api.tokens",
            lambda request: {"tokens": ApiToken.objects.filter(user=request.user).usable()},
        )
