"""Start-page panels: key figures and the funnel for the reporting roles.

The figures count the whole programme (or a municipality), so the panel arrives after the
page: it asks for them (reporting:start_figures) once the start page has loaded.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from . import charts, selectors

KPI_CODES = ("P01", "P03", "P07", "C01")


def figures(params: selectors.ReportParams) -> dict:
    rows, funnel = selectors.indicators_with_funnel(params)
    return {
        "kpis": [row for row in rows if row.code in KPI_CODES],
        "funnel_chart": charts.funnel_chart(funnel, _(charts.FUNNEL_TITLE)),
    }


def programme(request) -> dict:
    return {"figures_url": reverse("reporting:start_figures")}


def municipality(request) -> dict:
    params = selectors.params_for_user(request.user, selectors.ReportParams())
    return {"municipality": params.municipality, "figures_url": reverse("reporting:start_figures")}
