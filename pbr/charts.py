"""The planned and actual payments as a server-side SVG bar chart (no script, no CDN): a
pair of bars per year, scaled to the width it is given."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .selectors import YearPayments

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 96, 12, 12, 30
PLANNED, ACTUAL = "#6c757d", "#2c6e8f"


def payments_chart(years: Sequence[YearPayments]) -> SafeString:
    top = max([y.planned for y in years] + [y.actual for y in years] + [Decimal(1)])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(years), 1)
    bar = min(slot * 0.38, 48)

    def height(value: Decimal) -> float:
        return plot_h * float(max(value, Decimal(0)) / top)

    def tick(k: int) -> tuple:
        y = f"{TOP + plot_h * (1 - k / 4):.1f}"
        label = number_format(top * k / 4, decimal_pos=0, force_grouping=True)
        return (LEFT, WIDTH - RIGHT, y, y, LEFT - 6, y, label)

    ticks = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ddd"/>'
        '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}</text>',
        (tick(k) for k in range(5)),
    )
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>'
        '<text x="{}" y="{}" text-anchor="middle">{}</text>',
        (
            (
                f"{LEFT + slot * i + slot / 2 - bar:.1f}",
                f"{TOP + plot_h - height(y.planned):.1f}",
                f"{bar:.1f}",
                f"{height(y.planned):.1f}",
                PLANNED,
                _("Planlagt %(year)s: %(amount)s kr.")
                % {"year": y.year, "amount": number_format(y.planned, 2, force_grouping=True)},
                f"{LEFT + slot * i + slot / 2:.1f}",
                f"{TOP + plot_h - height(y.actual):.1f}",
                f"{bar:.1f}",
                f"{height(y.actual):.1f}",
                ACTUAL,
                _("Faktisk %(year)s: %(amount)s kr.")
                % {"year": y.year, "amount": number_format(y.actual, 2, force_grouping=True)},
                f"{LEFT + slot * i + slot / 2:.1f}",
                HEIGHT - 10,
                y.year,
            )
            for i, y in enumerate(years)
        ),
    )
    title = _("Planlagte og faktiske betalinger pr. år")
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}" viewBox="0 0 {} {}"'
        ' width="100%" class="pbr-chart" font-family="DejaVu Sans, sans-serif" font-size="12">'
        "<title>{}</title>{}{}</svg>",
        title,
        WIDTH,
        HEIGHT,
        title,
        ticks,
        bars,
    )
