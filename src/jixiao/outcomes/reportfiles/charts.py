"""The PDF's charts, drawn with reportlab's graphics as vectors in the CID font (see the package)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jixiao.outcomes.reportfiles.model import COLOURS, Chart
from jixiao.outcomes.reportfiles.pdftext import _clip, _font, _pdf, _sw

# --- PDF charts ---------------------------------------------------------------------------------------------------

LABEL_SIZE = 7.5
LEGEND_SIZE = 8.0
#: A category label longer than this many points is cut with "…" (the table has the whole name).
LABEL_MAX = 110.0


def _legend_room(chart: Chart) -> float:
    return min(30 + max(_sw(_pdf(name), LEGEND_SIZE) for name, _v in chart.series), 150)


def _legend(chart: Chart, x: float, y: float) -> Any:
    from reportlab.graphics.charts.legends import Legend
    from reportlab.lib import colors

    legend = Legend()
    legend.fontName, legend.fontSize = _font(), LEGEND_SIZE
    legend.x, legend.y = x, y
    legend.alignment = "right"
    legend.columnMaximum = 99  # one column down the right side
    legend.boxAnchor = "nw"
    legend.dx = legend.dy = 8
    legend.colorNamePairs = [(colors.HexColor(COLOURS[k % len(COLOURS)]), _clip(name, LEGEND_SIZE, 120))
                             for k, (name, _v) in enumerate(chart.series)]
    return legend


def _values(chart: Chart) -> list[list[float | None]]:
    return [[None if v is None or v != v else float(v) for v in values] for _name, values in chart.series]


def _axis_range(data: list[list[float | None]], stacked: bool) -> tuple[float, float]:
    """From 0 (or below it, for negative values) to 10% above the top."""
    if stacked:
        columns = list(zip(*data, strict=True))
        tops = [sum(v for v in col if v is not None and v > 0) for col in columns]
        lows = [sum(v for v in col if v is not None and v < 0) for col in columns]
    else:
        tops = lows = [v for row in data for v in row if v is not None]
    top, low = max(tops, default=0.0), min(lows, default=0.0)
    top = top * 1.1 if top > 0 else (0.0 if low < 0 else 1.0)
    return min(low * 1.1, 0.0), top


def _value_axis(axis: Any, data: list[list[float | None]], stacked: bool) -> float:
    """Range, font and tick text (thousands separated when large); the room its labels need."""
    low, top = _axis_range(data, stacked)
    axis.valueMin, axis.valueMax = low, top
    axis.labels.fontName, axis.labels.fontSize = _font(), LABEL_SIZE
    big = max(abs(low), abs(top)) >= 1000

    def tick(v: float) -> str:
        return f"{v:,.0f}" if big else f"{v:g}"

    axis.labelTextFormat = tick
    return max(_sw(tick(low), LABEL_SIZE), _sw(tick(top), LABEL_SIZE)) + 12


def _category_axis(axis: Any, categories: Sequence[str], plot_width: float) -> tuple[float, float]:
    """Labels level when they fit their slot, else turned 45°; the room they need below the axis, and to the
    left of the plot (the first turned label reaches back past it)."""
    names = [_clip(c, LABEL_SIZE, LABEL_MAX) for c in categories]
    axis.categoryNames = names
    axis.labels.fontName, axis.labels.fontSize = _font(), LABEL_SIZE
    longest = max(_sw(c, LABEL_SIZE) for c in names)
    slot = plot_width / len(names)
    if longest <= slot - 4:
        return 20.0, 0.0
    axis.labels.angle, axis.labels.boxAnchor = 45, "ne"
    reach = longest * 0.71
    return reach + 18, max(reach - slot / 2 + 6, 0.0)


def _title(chart: Chart, d: Any) -> None:
    from reportlab.graphics.shapes import String

    text = chart.title + (f"（{chart.unit}）" if chart.unit else "")
    if text:
        d.add(String(0, d.height - 12, _clip(text, 9.5, d.width), fontName=_font(), fontSize=9.5))


def _colour(plot: Any, k: int, line: bool, colour: int | None = None) -> None:
    """Series ``k`` in the colour numbered ``colour`` (its own number by default)."""
    from reportlab.graphics.widgets.markers import makeMarker
    from reportlab.lib import colors

    paint = colors.HexColor(COLOURS[(k if colour is None else colour) % len(COLOURS)])
    if line:
        plot.lines[k].strokeColor = paint
        plot.lines[k].strokeWidth = 1.6
        plot.lines[k].symbol = makeMarker("FilledCircle", size=4)
    else:
        plot.bars[k].fillColor = paint
        plot.bars[k].strokeColor = None


def _hbar(chart: Chart, width: float) -> Any:
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing

    data = _values(chart)
    bars = len(chart.categories) * max(len(data), 1)
    height = max(150.0, 9 * bars + 8 * len(chart.categories) + 60)
    d = Drawing(width, height)
    bc = HorizontalBarChart()
    names = [_clip(c, LABEL_SIZE, LABEL_MAX) for c in chart.categories]
    bc.categoryAxis.categoryNames = names
    bc.categoryAxis.labels.fontName, bc.categoryAxis.labels.fontSize = _font(), LABEL_SIZE
    bc.categoryAxis.reverseDirection = 1  # the first category on top, as the table lists it
    right = _value_axis(bc.valueAxis, data, False) / 2
    bc.x, bc.y = max(_sw(c, LABEL_SIZE) for c in names) + 10, 24
    bc.width = width - bc.x - _legend_room(chart) - right
    bc.height = height - bc.y - 30
    # Within a category reportlab stacks the first series at the bottom; reversed, they read down as the legend.
    bc.data = data[::-1]
    for k in range(len(data)):
        _colour(bc, k, line=False, colour=len(data) - 1 - k)
    d.add(bc)
    _title(chart, d)
    d.add(_legend(chart, bc.x + bc.width + right, bc.y + bc.height))
    return d


def _columns(chart: Chart, width: float) -> Any:
    """Vertical bars (side by side or stacked) or lines over the categories."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.shapes import Drawing

    data = _values(chart)
    line = chart.kind == "line"
    stacked = chart.kind == "stacked"
    plot: Any = HorizontalLineChart() if line else VerticalBarChart()
    left = _value_axis(plot.valueAxis, data, stacked)
    legend = _legend_room(chart)
    below, reach = _category_axis(plot.categoryAxis, chart.categories, width - left - legend)
    plot.x = max(left, reach)
    plot.y = below
    plot.width = width - plot.x - legend
    plot.height = 160
    if stacked:
        plot.categoryAxis.style = "stacked"
        data = [[v or 0.0 for v in row] for row in data]
    plot.data = data
    for k in range(len(data)):
        _colour(plot, k, line)
    d = Drawing(width, plot.y + plot.height + 30)
    d.add(plot)
    _title(chart, d)
    d.add(_legend(chart, plot.x + plot.width + 4, plot.y + plot.height))
    return d


def _chart(chart: Chart, width: float) -> Any:
    if not chart.categories or not chart.series:
        return None
    return _hbar(chart, width) if chart.kind == "hbar" else _columns(chart, width)

