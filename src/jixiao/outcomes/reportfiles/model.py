"""A report's parts as plain values, how a value is printed, and the checks a report must pass before it is
rendered (see the package)."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

FONT = "STSong-Light"
FORMATS = ("text", "int", "number", "percent", "yuan")
CHART_KINDS = ("bar", "stacked", "line", "hbar")
#: Characters a sheet name may not hold (Excel's rule), and its longest length.
BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
SHEET_MAX = 31
#: Series colours: readable on white and apart from each other in grey print.
COLOURS = ("#2f6db5", "#e08a2c", "#3f9a5b", "#c23b3b", "#7a5cb8", "#8c6d4f", "#d1689f", "#5f6b7a")


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    #: Per column: text, int, number (2 decimals), percent (already in %: 2 decimals and "%"), yuan (whole yuan
    #: with separators). Without it (or ""): by each value's type.
    formats: tuple[str, ...] = ()
    #: Printed last in bold, e.g. a pool's sum; outside the workbook's filter.
    total_row: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class Chart:
    kind: str  # bar | stacked | line | hbar
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    title: str = ""
    unit: str = ""


@dataclass(frozen=True)
class Part:
    title: str
    sheet: str
    paragraphs: tuple[str, ...] = ()
    table: Table | None = None
    charts: tuple[Chart, ...] = ()
    #: The PDF prints at most this many rows (the workbook has them all) and says so.
    in_pdf_rows: int | None = None


@dataclass(frozen=True)
class Report:
    title: str
    subtitle: str
    generated: str
    parts: tuple[Part, ...]
    footer: str = ""


# --- cells --------------------------------------------------------------------------------------------------------

def _format(value: Any, fmt: str) -> str:
    """The column's format, or the value's own (a float: number; an int: int; else text)."""
    if fmt in FORMATS:
        return fmt
    if isinstance(value, bool):
        return "text"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float | Decimal):
        return "number"
    return "text"


def _formats(table: Table) -> list[str]:
    return [table.formats[j] if j < len(table.formats) else "" for j in range(len(table.headers))]


def _decimal(value: Any) -> Decimal | None:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def cell_text(value: Any, fmt: str = "") -> str:
    """A value as the PDF prints it.

    >>> cell_text(12.345, "number"), cell_text(73.0769, "percent"), cell_text(1234567, "yuan"), cell_text(None)
    ('12.35', '73.08%', '1,234,567', '—')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    kind = _format(value, fmt)
    d = _decimal(value) if kind != "text" else None
    if d is None:
        return str(value)
    if kind == "yuan":
        return f"{d.quantize(Decimal(1), ROUND_HALF_UP):,}"
    if kind == "int":
        return str(d.quantize(Decimal(1), ROUND_HALF_UP))
    two = d.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{two}%" if kind == "percent" else str(two)


def _width(text: str) -> int:
    """Display width in a sheet or a terminal: a wide (CJK) character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def check_sheets(report: Report) -> None:
    """Every sheet name short enough, allowed and unique (Excel ignores case); else ValueError naming it."""
    seen: set[str] = set()
    for part in report.parts:
        name = part.sheet
        if (not name or len(name) > SHEET_MAX or BAD_SHEET.search(name) or name.startswith("'")
                or name.endswith("'") or name.lower() == "history"):
            raise ValueError(f"sheet name {name!r}: 1-31 characters, none of [ ] : * ? / \\, no ' at either end, "
                             "not History")
        if name.lower() in seen:
            raise ValueError(f"sheet name {name!r} is used twice")
        seen.add(name.lower())


def check_report(report: Report) -> None:
    """Tables whose rows have a cell per header and known formats, charts of a known kind with a value per
    category; else ValueError naming the part."""
    for part in report.parts:
        table = part.table
        if table is not None:
            bad = [f for f in table.formats if f not in FORMATS and f != ""]
            if bad or len(table.formats) > len(table.headers):
                raise ValueError(f"{part.title}: formats {table.formats!r}; one per column, of {', '.join(FORMATS)}")
            width = len(table.headers)
            rows = table.rows + ((table.total_row,) if table.total_row is not None else ())
            for i, row in enumerate(rows, start=1):
                if len(row) != width:
                    raise ValueError(f"{part.title}: row {i} has {len(row)} cells for {width} headers")
        for chart in part.charts:
            if chart.kind not in CHART_KINDS:
                raise ValueError(f"{part.title}: chart kind {chart.kind!r}; one of {', '.join(CHART_KINDS)}")
            for name, values in chart.series:
                if len(values) != len(chart.categories):
                    raise ValueError(f"{part.title}: series {name!r} has {len(values)} values for "
                                     f"{len(chart.categories)} categories")

