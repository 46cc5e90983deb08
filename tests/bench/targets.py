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
    # A username, or a function that finds one in the seeded data.
    user: str | Callable[[], str] = "skala-controller"
    query: str = ""  # the query string, without "?"

    def username(self) -> str:
        return self.user() if callable(self.user) else self.user


def _first(model_path: str) -> Callable[[], dict | None]:
    def find() -> dict | None:
        from django.apps import apps

        pk = apps.get_model(model_path).objects.order_by("pk").values_list("pk", flat=True)
        first = pk.first()
        return {"pk": first} if first is not None else None

    return find


def _busiest(prefix: str, citizens_by: str) -> Callable[[], str]:
    """The seeded user (username prefix) whose organisation or municipality has the most
    citizens: the largest page that role sees."""

    def find() -> str:
        from django.db.models import Count

        from participants.models import Citizen

        busiest = (
            Citizen.objects.values(citizens_by)
            .annotate(n=Count("pk"))
            .order_by("-n", citizens_by)
            .values_list(citizens_by, flat=True)
            .first()
        )
        return f"{prefix}{busiest}"

    return find


_a_caseworker = _busiest("skala-sagsbehandler-", "municipality_id")
_an_actor = _busiest("skala-aktoer-", "employment_actor_id")


PAGES: list[PageTarget] = [
    PageTarget("start page", "home"),
    # The start page's key figures, which its panel asks for once the page is shown.
    PageTarget("start page figures (programme)", "reporting:start_figures"),
    PageTarget("partnership list", "partnerships:partnership_list"),
    PageTarget(
        "partnership detail",
        "partnerships:partnership_detail",
        _first("partnerships.GrowthPartnership"),
    ),
    PageTarget("audit log", "audit_log"),
    PageTarget("citizen list", "participants:citizen_list"),
    PageTarget("citizen list (caseworker)", "participants:citizen_list", user=_a_caseworker),
    PageTarget("citizen page", "participants:citizen_detail", _first("participants.Citizen")),
    PageTarget("weekly hours grid (actor)", "participants:hours_week", user=_an_actor),
    PageTarget("indicator screen", "reporting:indicators"),
    PageTarget("ESF indicators", "reporting:esf"),
    # Every municipality's slots and the early exits awaiting a re-visitation.
    PageTarget("re-visitation overview (programme)", "participants:revisitation_overview"),
    # The co-financing statement as it opens (the current half-year), and of every month of
    # the whole programme (the "Fra" date cleared): the largest page.
    PageTarget("hours statement (this half-year)", "reporting:hours"),
    PageTarget("hours statement (whole programme)", "reporting:hours", query="start=&end="),
]

# The final report PDF, built as the worker builds it, against WeasyPrint rendering the same
# report's HTML already written out: the floor is WeasyPrint's own cost for those pages.
PDF_FUNCTION = "reporting.exports.narrative_report"

# The targets (README): every page and the HTTP writes within this many times the signed-in
# floor at p95; the upload and outcome detection within this many times their database
# floors; the mixed load test with no errors (conflicts are answers, not errors).
P95_RATIO = 15
DATABASE_FLOOR_RATIO = 3
HTTP_WRITES = ("hours grid save", "citizen edit", "visitation proposal")
DATABASE_WRITES = ("hours upload (5,000 rows)", "outcome detection (whole programme)")


def verdicts(result: dict) -> dict:
    """Each target with its figure and whether it is met; not measured: None."""
    out: dict = {}
    for name, figures in result.get("pages", {}).items():
        out[f"page: {name}"] = _within(figures.get("ratio_p95"), P95_RATIO)
    writes = result.get("writes", {})
    for name in HTTP_WRITES:
        out[f"write: {name}"] = _within(writes.get(name, {}).get("ratio_p95"), P95_RATIO)
    for name in DATABASE_WRITES:
        figures = writes.get(name, {})
        out[f"write: {name}"] = _within(figures.get("ratio_seconds"), DATABASE_FLOOR_RATIO)
    mixed = result.get("load", {}).get("mixed")
    if mixed is not None:
        out["mixed load: errors"] = {"errors": mixed["errors"], "met": mixed["errors"] == 0}
    return out


def _within(ratio: float | None, target: float) -> dict:
    return {"ratio": ratio, "target": target, "met": None if ratio is None else ratio <= target}
