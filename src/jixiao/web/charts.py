"""Figures for plotly.js, built server-side as plotly's figure JSON (``{"data": [...], "layout": {...}}``).

They are plain dictionaries rather than ``plotly.graph_objects`` figures: building and validating a
graph_objects figure costs about 20 ms each, which alone would spend the overview's latency budget; the
JSON is the same that ``fig.to_json()`` would give and plotly.js draws it (web/vendor/plotly-charts.min.js: its
core and the traces these figures use, no other).
"""

from __future__ import annotations

from typing import Any

GREEN, YELLOW, RED, BLUE, GREY = "#2e7d32", "#f9a825", "#c62828", "#1f5fa8", "#9e9e9e"
FONT = {"family": "system-ui, -apple-system, 'PingFang SC', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif",
        "size": 12}


def _layout(**kw: Any) -> dict[str, Any]:
    base = {"margin": {"l": 40, "r": 10, "t": 10, "b": 40}, "font": FONT, "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)", "height": 300, "legend": {"orientation": "h", "y": -0.25}}
    base.update(kw)
    return base


def bar(x: list[Any], ys: dict[str, list[float]], *, colors: list[str] | None = None, height: int = 300,
        horizontal: bool = False, barmode: str = "group", ytitle: str = "") -> dict[str, Any]:
    data = []
    for k, (name, y) in enumerate(ys.items()):
        trace: dict[str, Any] = {"type": "bar", "name": name}
        if horizontal:
            trace.update(x=y, y=x, orientation="h")
        else:
            trace.update(x=x, y=y)
        if colors:
            trace["marker"] = {"color": colors[k % len(colors)]}
        data.append(trace)
    layout = _layout(height=height, barmode=barmode, yaxis={"title": {"text": ytitle}, "automargin": True},
                     xaxis={"automargin": True})
    return {"data": data, "layout": layout}


#: Steps, not a gradient: the same red / yellow / green thresholds as the scorecard's status.
STATUS_SCALE = [[0, RED], [0.6, RED], [0.6, YELLOW], [0.9, YELLOW], [0.9, GREEN], [1, GREEN]]
#: Counts, few (pale) to many (deep red).
COUNT_SCALE = [[0, "#fff5f0"], [0.25, "#fcbba1"], [0.5, "#fb6a4a"], [0.75, "#cb181d"], [1, "#67000d"]]


def heatmap(x: list[str], y: list[str], z: list[list[float | None]], *, title: str = "", zmax: float = 100,
            colorscale: list[list[Any]] | None = None, text: list[list[str]] | None = None) -> dict[str, Any]:
    height = max(260, min(4000, 18 * len(y) + 80))
    trace: dict[str, Any] = {"type": "heatmap", "x": x, "y": y, "z": z, "zmin": 0, "zmax": zmax,
                             "hoverongaps": False, "colorscale": colorscale or STATUS_SCALE,
                             "colorbar": {"title": {"text": title}, "thickness": 10}}
    if text is not None:
        trace.update(text=text, hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>")
    return {"data": [trace],
            "layout": _layout(height=height, yaxis={"autorange": "reversed", "automargin": True,
                                                    "tickfont": {"size": 10}},
                              xaxis={"side": "top", "automargin": True, "type": "category"},
                              margin={"l": 10, "r": 10, "t": 40, "b": 10})}


def histogram(values: list[float], *, name: str = "", unit: str = "") -> dict[str, Any]:
    return {"data": [{"type": "histogram", "x": values, "name": name, "marker": {"color": BLUE}},
                     {"type": "box", "x": values, "name": "", "yaxis": "y2", "boxpoints": "outliers",
                      "marker": {"color": RED}, "line": {"color": BLUE}}],
            "layout": _layout(showlegend=False, bargap=0.05, xaxis={"title": {"text": unit}},
                              yaxis={"domain": [0, 0.75]}, yaxis2={"domain": [0.8, 1], "showticklabels": False})}


def scatter_change(before: list[float], after: list[float], labels: list[str], *, xtitle: str,
                   ytitle: str) -> dict[str, Any]:
    # The diagonal (no change) spans the data only, so that the points are not squeezed into a corner.
    lo = min([*before, *after]) - 1 if before else 0.0
    hi = max([*before, *after]) + 1 if before else 100.0
    return {"data": [{"type": "scatter", "mode": "markers", "x": before, "y": after, "text": labels,
                      "hovertemplate": "%{text}<br>%{x:.2f} → %{y:.2f}<extra></extra>",
                      "marker": {"color": BLUE, "size": 7, "opacity": 0.8}},
                     {"type": "scatter", "mode": "lines", "x": [lo, hi], "y": [lo, hi], "hoverinfo": "skip",
                      "line": {"color": GREY, "dash": "dot"}}],
            "layout": _layout(showlegend=False, xaxis={"title": {"text": xtitle}},
                              yaxis={"title": {"text": ytitle}})}


def lines(x: list[str], series: dict[str, list[float | None]], *, ytitle: str = "", height: int = 300
          ) -> dict[str, Any]:
    """Several series over the same categories (months), one line each."""
    data = [{"type": "scatter", "mode": "lines+markers", "x": x, "y": y, "name": name,
             "hovertemplate": f"{name} %{{x}}: %{{y}}<extra></extra>"} for name, y in series.items()]
    return {"data": data, "layout": _layout(height=height, xaxis={"type": "category"},
                                            yaxis={"title": {"text": ytitle}, "rangemode": "tozero"})}


def line(x: list[str], y: list[float], *, ytitle: str = "") -> dict[str, Any]:
    return {"data": [{"type": "scatter", "mode": "lines+markers", "x": x, "y": y, "line": {"color": BLUE},
                      "hovertemplate": "%{x}: %{y:.2f}<extra></extra>"}],
            "layout": _layout(height=240, xaxis={"type": "category"}, yaxis={"title": {"text": ytitle}})}
