"""Charts as server-side SVG: the same markup on the screen and inline in the PDFs."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_noop

WIDTH = 640
BAR_HEIGHT = 26
GAP = 10
LABEL_WIDTH = 170
# Room for the longer labels of two-bar charts (e.g. "Information og kommunikation").
PAIRED_LABEL_WIDTH = 230
# The funnel's title: the screens show it translated, the Danish documents as it is written.
FUNNEL_TITLE = gettext_noop("Tragt: visiteret, fase 1, fase 2, i beskæftigelse")


def _number(value) -> str:
    decimals = 0 if isinstance(value, int) or Decimal(value) == int(value) else 1
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def bar_chart(title: str, items: Sequence[tuple[str, int | Decimal]]) -> SafeString:
    """Horizontal bars, labelled; `title` becomes the accessible name of the figure."""
    top = max((v for _label, v in items), default=0) or 1
    height = max(1, len(items)) * (BAR_HEIGHT + GAP) + GAP
    bar_space = WIDTH - LABEL_WIDTH - 70
    bars = []
    for i, (label, value) in enumerate(items):
        y = GAP + i * (BAR_HEIGHT + GAP)
        length = int(bar_space * Decimal(value) / Decimal(top)) if value else 0
        bars.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="chart-label">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" class="chart-bar" fill="#2c6e8f"/>'
                '<text x="{}" y="{}" class="chart-value">{}</text>',
                LABEL_WIDTH - 8,
                y + BAR_HEIGHT * 0.7,
                label,
                LABEL_WIDTH,
                y,
                max(length, 1),
                BAR_HEIGHT,
                LABEL_WIDTH + length + 6,
                y + BAR_HEIGHT * 0.7,
                _number(value),
            )
        )
    if not items:
        bars.append(format_html('<text x="10" y="24">{}</text>', "Ingen data"))
    return _svg(title, height, bars)


def _svg(title: str, height: int, parts: Sequence[SafeString]) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}" '
        'viewBox="0 0 {} {}" width="{}" height="{}" class="chart" '
        'font-family="DejaVu Sans, sans-serif" font-size="13"><title>{}</title>{}</svg>',
        title,
        WIDTH,
        height,
        WIDTH,
        height,
        title,
        mark_safe("".join(parts)),  # noqa: S308 - built from format_html
    )


def funnel_chart(steps: Sequence[dict], title: str = FUNNEL_TITLE) -> SafeString:
    """The funnel (selectors.funnel_steps): a bar per step, from visited to employed."""
    return bar_chart(title, [(step["label"], step["value"]) for step in steps])


def paired_bar_chart(
    title: str,
    items: Sequence[tuple[str, int | Decimal, int | Decimal]],
    *,
    legend: tuple[str, str],
) -> SafeString:
    """Two horizontal bars per label (e.g. budget and actual), on one scale, with a legend
    naming the two; `title` becomes the accessible name of the figure."""
    colours = ("#9bbfd1", "#2c6e8f")
    label_width = PAIRED_LABEL_WIDTH
    top = max((max(a, b) for _label, a, b in items), default=0) or 1
    pair = BAR_HEIGHT + 4  # two half-height bars and the gap between them
    step = pair + GAP * 2
    height = 30 + max(1, len(items)) * step
    bar_space = WIDTH - label_width - 110
    parts = [
        format_html(
            '<rect x="{}" y="6" width="12" height="12" fill="{}"/>'
            '<text x="{}" y="16" class="chart-label">{}</text>',
            label_width + i * 120,
            colours[i],
            label_width + i * 120 + 16,
            name,
        )
        for i, name in enumerate(legend)
    ]
    for i, (label, *values) in enumerate(items):
        y = 30 + i * step
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="chart-label">{}</text>',
                label_width - 8,
                y + pair * 0.6,
                label,
            )
        )
        for j, value in enumerate(values):
            top_y = y + j * (BAR_HEIGHT // 2 + 4)
            length = int(bar_space * Decimal(value) / Decimal(top)) if value else 0
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                    '<text x="{}" y="{}" class="chart-value" font-size="11">{}</text>',
                    label_width,
                    top_y,
                    max(length, 1),
                    BAR_HEIGHT // 2,
                    colours[j],
                    label_width + length + 6,
                    top_y + BAR_HEIGHT // 2 - 2,
                    _number(value),
                )
            )
    return _svg(title, height, parts)
