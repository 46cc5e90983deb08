from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "calendars"
    verbose_name = _("Kalender")

    def ready(self) -> None:
        from siv.registry import register_account_section, register_credential_revoker

        from .models import CalendarFeed
        from .services import feed_revoke

        register_account_section(
            "calendars/account_feed.html",
            "calendar.feed",
            lambda request: {"feed": CalendarFeed.objects.filter(user=request.user).first()},
            order=50,
        )
        register_credential_revoker(feed_revoke)
