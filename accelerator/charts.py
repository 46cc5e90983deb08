"""Server-side SVG bar charts: geometry computed here, drawn by templates/accelerator/chart.html.

No JavaScript and no chart library; each chart has a <title>, a <desc> and a data table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

WIDTH = 640
HEIGHT = 260
MARGIN_LEFT = 70
MARGIN_BOTTOM = 30
MARGIN_TOP = 20
# Colours with at least 3:1 contrast against white (WCAG non-text contrast).
SERIES_COLOURS = ("#0b4f6c", "#b5651d", "#5a6b2e")


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    fill: str
    label: str


@dataclass
class Chart:
    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    baseline: float = 0.0
    left: int = MARGIN_LEFT

    @property
    def is_empty(self) -> bool:
        return not self.bars


def _short(value: Decimal) -> str:
    """1.234.567 → '1,2 mio.'; 12.500 → '12,5 t.' (Danish separators)."""
    magnitude = abs(value)
    if magnitude >= 1_000_000:
        text, unit = f"{value / 1_000_000:.1f}", " mio."
    elif magnitude >= 1_000:
        text, unit = f"{value / 1_000:.1f}", " t."
    else:
        text, unit = f"{value:.0f}", ""
    return text.replace(".", ",") + unit


def bar_chart(
    *,
    title: str,
    description: str,
    categories: list[str],
    series: list[tuple[str, list[Decimal | None]]],
) -> Chart:
    """Grouped bars, one group per category, one bar per series; negatives go below zero."""
    chart = Chart(title=title, description=description)
    values = [v for _, vals in series for v in vals if v is not None]
    if not categories or not values:
        return chart
    top = max(max(values), Decimal(0))
    bottom = min(min(values), Decimal(0))
    span = (top - bottom) or Decimal(1)
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    plot_width = WIDTH - MARGIN_LEFT - 10

    def y_of(value: Decimal) -> float:
        return float(MARGIN_TOP + (top - value) / span * plot_height)

    chart.baseline = y_of(Decimal(0))
    group_width = plot_width / len(categories)
    bar_width = group_width * 0.8 / len(series)
    for index, category in enumerate(categories):
        group_x = MARGIN_LEFT + index * group_width + group_width * 0.1
        chart.x_labels.append((group_x + group_width * 0.4, category))
        for number, (name, vals) in enumerate(series):
            value = vals[index]
            if value is None:
                continue
            y_value = y_of(value)
            chart.bars.append(
                Bar(
                    x=round(group_x + number * bar_width, 1),
                    y=round(min(y_value, chart.baseline), 1),
                    width=round(bar_width - 2, 1),
                    height=round(max(abs(chart.baseline - y_value), 1), 1),
                    fill=SERIES_COLOURS[number % len(SERIES_COLOURS)],
                    label=f"{name} {category}: {_short(value)}",
                )
            )
    chart.y_ticks = [(round(y_of(v), 1), _short(v)) for v in sorted({top, Decimal(0), bottom})]
    chart.legend = [
        (SERIES_COLOURS[n % len(SERIES_COLOURS)], name) for n, (name, _) in enumerate(series)
    ]
    return chart
