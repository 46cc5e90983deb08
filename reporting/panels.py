"""Start-page panels: key figures and the funnel for the reporting roles."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import charts, selectors

KPI_CODES = ("P01", "P03", "P07", "C01")


def _figures(params: selectors.ReportParams) -> dict:
    rows = selectors.indicator_table(params)
    funnel = selectors.funnel(params)
    return {
        "kpis": [row for row in rows if row.code in KPI_CODES],
        "funnel_chart": charts.bar_chart(
            _("Tragt: visiteret, fase 1, fase 2, i beskæftigelse"),
            [(step["label"], step["value"]) for step in funnel],
        ),
    }


def programme(request) -> dict:
    return _figures(selectors.ReportParams())


def municipality(request) -> dict:
    params = selectors.params_for_user(request.user, selectors.ReportParams())
    return {"municipality": params.municipality, **_figures(params)}
