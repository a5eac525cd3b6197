"""What the hot-spot page shows, prepared from the tickets by the engine (``jixiao.engine.hotspots``) and cached
until tickets change (``frames.generation``): a year of a city's tickets is read once, not on every request.

- the heat map over the unit tree: unresolved tickets per responsible unit and month;
- the trend of each top-level category by month;
- high-frequency unresolved demands (category x street x month) of the last three months;
- categories rising against their baseline (the last 30 days against the 180 before);
- repeated complaints from one address (the last 90 days);
- the year against the same days of the year before, by top-level category.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import polars as pl
from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jixiao.engine import hotspots as engine
from jixiao.hotline.services.frames import generation, ticket_frame
from jixiao.org.models import Unit

COLUMNS = ["unit_id", "category_id", "received_at", "resolution", "district", "street", "address", "id",
           "repeat_of"]
#: Rows of the tables the page shows.
TOP = 20


@dataclass(frozen=True)
class Window:
    year: int
    start: date
    end: date  # inclusive

    @classmethod
    def of(cls, year: int, today: date) -> Window:
        end = min(date(year, 12, 31), today)
        return cls(year, date(year, 1, 1), max(end, date(year, 1, 1)))


def _months(window: Window) -> list[str]:
    return [f"{window.year}-{m:02}" for m in range(1, window.end.month + 1)]


def _heat(frame: pl.DataFrame, window: Window) -> dict[str, Any]:
    """Unresolved tickets by unit and month over the unit tree: the units with tickets and the units above them
    (below the top), in the tree's order, indented by depth; a unit's row counts its own tickets and those of
    the units below it (a district's row sums its streets)."""
    months = _months(window)
    counts = (frame.filter(pl.col("unit").is_not_null())
              .with_columns(month=pl.col("received_at").dt.strftime("%Y-%m"), open=engine.unresolved())
              .group_by("unit", "month").agg(tickets=pl.len(), unresolved=pl.col("open").sum()))
    paths = dict(Unit.objects.values_list("code", "path"))
    totals: dict[tuple[str, str], list[int]] = {}
    above: set[str] = set()  # units with units below them among those shown
    for r in counts.iter_rows(named=True):
        # "/SFS/SFS-D01/SFS-D01-S01/": the unit and its ancestors, not the top of the tree.
        line = paths.get(r["unit"], f"/{r['unit']}/").strip("/").split("/")[1:] or [r["unit"]]
        above.update(line[:-1])
        for code in line:
            cell = totals.setdefault((code, r["month"]), [0, 0])
            cell[0] += r["tickets"]
            cell[1] += r["unresolved"]
    shown = {code for code, _m in totals}
    rows = []
    for unit in Unit.objects.filter(code__in=shown).order_by("path"):
        depth = max(unit.path.count("/") - 3, 0)
        below = unit.code in above
        values = [totals.get((unit.code, m), [0, 0]) for m in months]
        name = _("%(unit)s (with the units below)") % {"unit": unit.name} if below else unit.name
        rows.append({"code": unit.code, "label": "\u3000" * depth + name,
                     "unresolved": [v[1] for v in values], "tickets": [v[0] for v in values],
                     "total": sum(v[0] for v in values), "open": sum(v[1] for v in values), "sum": below})
    return {"months": months, "rows": rows}


def _trend(frame: pl.DataFrame, window: Window) -> dict[str, Any]:
    months = _months(window)
    top = (frame.filter(pl.col("category").is_not_null())
           .with_columns(top=engine.truncate(pl.col("category"), 1),
                         month=pl.col("received_at").dt.strftime("%Y-%m"))
           .group_by("top", "month").agg(n=pl.len()))
    biggest = (top.group_by("top").agg(pl.col("n").sum()).sort(["n", "top"], descending=[True, False])
               .head(6)["top"].to_list())
    cells = {(r["top"], r["month"]): r["n"] for r in top.iter_rows(named=True)}
    return {"months": months, "series": {c: [cells.get((c, m), 0) for m in months] for c in biggest}}


def page_data(year: int, today: date) -> dict[str, Any]:
    """Everything the hot-spot page shows for ``year`` (up to ``today``), cached until tickets change."""
    window = Window.of(year, today)
    key = f"jixiao:hotline:hot:{year}:{window.end.isoformat()}:{get_language()}:{generation()}"
    data = cache.get(key)
    if data is None:
        data = _compute(window)
        cache.set(key, data, timeout=24 * 3600)
    return data  # type: ignore[no-any-return]


def _compute(window: Window) -> dict[str, Any]:
    frame = ticket_frame(window.start, window.end, COLUMNS)
    if frame.height:
        # The windows end with the last ticket received, not today: an export arrives days after its tickets.
        newest: datetime = frame["received_at"].max()  # type: ignore[assignment]
        window = Window(window.year, window.start, min(window.end, newest.date()))
    end = window.end + timedelta(days=1)  # exclusive
    last = ticket_frame(date(window.year - 1, 1, 1), window.end.replace(year=window.year - 1),
                        ["category_id", "resolution"])
    recent = frame.filter(pl.col("received_at") >= pl.lit(end - timedelta(days=92)).cast(pl.Datetime("us")))
    hot = engine.hotspots(recent, area="street", window="month", level=None, min_unresolved=3, top=TOP)
    current = (end - timedelta(days=30), end)
    baseline = (current[0] - timedelta(days=180), current[0])
    # The baseline reaches back before the year only in its first months: read the earlier days only then.
    spans = (frame if baseline[0] >= window.start else
             ticket_frame(baseline[0], window.end, ["category_id", "received_at"]))
    rising = engine.rising(spans, current=current, baseline=baseline, level=2, min_count=20)
    repeats = engine.repeats(frame.filter(pl.col("received_at") >= pl.lit(end - timedelta(days=90))
                                          .cast(pl.Datetime("us"))), within_days=90, min_count=3)
    changes = engine.category_changes(last.select("category", "resolution"),
                                      frame.select("category", "resolution"), level=1)
    return {
        "window": (window.start.isoformat(), window.end.isoformat()), "tickets": frame.height,
        "unresolved": int(frame.select(engine.unresolved().sum()).item()) if frame.height else 0,
        "heat": _heat(frame, window), "trend": _trend(frame, window),
        "hot": hot.head(TOP).to_dicts(), "rising": rising.filter(pl.col("flagged")).head(TOP).to_dicts(),
        "rising_all": rising.height, "repeats": repeats.head(TOP).to_dicts(), "repeats_all": repeats.height,
        "changes": changes.to_dicts(), "last_tickets": last.height,
    }
