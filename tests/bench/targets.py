"""What `make bench` measures. A target whose URL name or function does not resolve on this
branch is reported as {"skipped": "not available"}: honest about what was not measured.

Add a page: append a PageTarget with its URL name and a function that finds the kwargs in
the seeded data (return None when the data has nothing to show).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PageTarget:
    name: str
    url_name: str
    kwargs: Callable[[], dict | None] = field(default=lambda: {})
    user: str = "skala-controller"


def _first(model_path: str) -> Callable[[], dict | None]:
    def find() -> dict | None:
        from django.apps import apps

        pk = apps.get_model(model_path).objects.order_by("pk").values_list("pk", flat=True)
        first = pk.first()
        return {"pk": first} if first is not None else None

    return find


def _a_caseworker() -> str:
    from partnerships.models import User

    user = User.objects.filter(username__startswith="skala-sagsbehandler-").order_by("pk").first()
    return user.username if user else "skala-controller"


PAGES: list[PageTarget] = [
    PageTarget("start page", "home"),
    PageTarget("partnership list", "partnerships:partnership_list"),
    PageTarget(
        "partnership detail",
        "partnerships:partnership_detail",
        _first("partnerships.GrowthPartnership"),
    ),
    PageTarget("audit log", "audit_log"),
    PageTarget("citizen list", "participants:citizen_list"),
    PageTarget("citizen page", "participants:citizen_detail", _first("participants.Citizen")),
    PageTarget("weekly hours grid", "participants:hours_week"),
    PageTarget("indicator screen", "reporting:indicators"),
]

# The final report PDF against WeasyPrint rendering static HTML of the same page count.
PDF_FUNCTION = "reporting.reports.render_final_report_pdf"
