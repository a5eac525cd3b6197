"""The plotly.js file the pages load (web/vendor/plotly-charts.min.js, a bundle of plotly's core and the traces
``jixiao.web.charts`` draws, from scripts/vendor-plotly) draws every kind of figure that module builds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jixiao.web import charts

BUNDLE = Path(charts.__file__).parent / "static" / "web" / "vendor" / "plotly-charts.min.js"

FIGURES = {
    "bar": charts.bar(["A", "B"], {"points": [1.0, 2.0]}),
    "heatmap": charts.heatmap(["x1", "x2"], ["u1", "u2"], [[10.0, None], [90.0, 50.0]]),
    "histogram": charts.histogram([70.0, 75.5, 80.0, 91.0, 88.0], name="total"),
    "scatter_change": charts.scatter_change([70.0, 80.0], [72.0, 79.0], ["u1", "u2"], xtitle="2025", ytitle="2026"),
    "lines": charts.lines(["1", "2"], {"a": [1.0, None], "b": [2.0, 3.0]}, ytitle="%"),
    "line": charts.line(["1", "2"], [1.0, 2.0], ytitle="%"),
}


def test_every_figure_function_is_tried() -> None:
    own = {name for name, value in vars(charts).items() if callable(value) and not name.startswith("_")
           and getattr(value, "__module__", "") == charts.__name__}
    assert own == set(FIGURES)


def test_every_trace_the_pages_draw_is_in_the_bundle_and_draws(browser: Any) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.add_script_tag(content=BUNDLE.read_text(encoding="utf-8"))
    registered = set(page.evaluate("Object.keys(Plotly.PlotSchema.get().traces)"))
    used = {trace["type"] for fig in FIGURES.values() for trace in fig["data"]}
    assert used == {"bar", "heatmap", "histogram", "box", "scatter"}
    assert used <= registered, used - registered
    for name, fig in FIGURES.items():
        drawn = page.evaluate("""async (fig) => {
            const el = document.createElement('div');
            document.body.appendChild(el);
            await Plotly.newPlot(el, fig.data, fig.layout);
            return el._fullData.map(t => [t.type, t.visible]);
        }""", json.loads(json.dumps(fig)))
        assert [t for t, _visible in drawn] == [t["type"] for t in fig["data"]], name
        assert all(visible is True for _t, visible in drawn), (name, drawn)
    assert errors == []
