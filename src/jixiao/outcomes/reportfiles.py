"""A report (年度考核报告) as a PDF and as one Excel workbook, from plain values: no Django, no database.

A ``Report`` is a title and numbered ``Part``s; a part has paragraphs, charts and one table. The PDF (reportlab)
prints everything in reportlab's built-in CID font STSong-Light, which needs no font file on the machine that makes
the PDF and is shown by every PDF reader with its own Song typeface; charts are drawn as vectors; a table repeats
its header row on each page, wraps long text, and is fitted to the page (a smaller font when the columns need it);
each page carries the footer and 第 N 页 / 共 M 页. The workbook has a sheet per part: the title, the paragraphs,
then the table with its header frozen, a filter over the rows (the total row below it), column widths fitted to
the text (a Chinese character counts two), numbers formatted (2 decimals, percentages, whole yuan with separators)
and kept as numbers, and text that begins like a formula kept as text.

Numbers are shown rounded half up (as people round): 12.345 -> 12.35, through ``Decimal`` of the value's shortest
representation (``str(12.345)``), not of the binary float just below it.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
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


# --- PDF text -----------------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _sw(text: str, size: float) -> float:
    """Printed width of ``text`` in points."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(stringWidth(text, _font(), size))


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    font = _font()
    base = {"fontName": font, "wordWrap": "CJK"}
    return {
        "title": ParagraphStyle("title", fontSize=20, leading=28, spaceAfter=6, **base),
        "subtitle": ParagraphStyle("subtitle", fontSize=11, leading=16, textColor="#444444", **base),
        "h1": ParagraphStyle("h1", fontSize=14, leading=20, spaceBefore=14, spaceAfter=6, textColor="#1d3a5f",
                             **base),
        "body": ParagraphStyle("body", fontSize=10, leading=15, spaceAfter=4, **base),
        "note": ParagraphStyle("note", fontSize=8.5, leading=12, textColor="#555555", **base),
    }


#: Characters STSong-Light has no glyph for, and the ones printed instead.
PDF_SWAPS = str.maketrans({"·": "・", "•": "・", "\u00a0": " "})


def _pdf(text: str) -> str:
    return text.translate(PDF_SWAPS)


def _esc(text: str) -> str:
    """Plain text for reportlab's Paragraph markup: & < > printed as written, a newline a line break."""
    return _pdf(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def _clip(text: str, size: float, room: float) -> str:
    """``text`` cut with "…" to fit ``room`` points (a chart label, the footer)."""
    text = _pdf(text)
    if _sw(text, size) <= room:
        return text
    while text and _sw(text + "…", size) > room:
        text = text[:-1]
    return text + "…"


def _lines(text: str, size: float, room: float) -> list[str]:
    """``text`` broken to lines of at most ``room`` points: at a space when the line has one, else anywhere
    (Chinese breaks between any two characters)."""
    lines: list[str] = []
    line = ""
    for ch in _pdf(text):
        if line and _sw(line + ch, size) > room:
            cut = line.rfind(" ")
            if cut > 0 and ch != " ":
                lines.append(line[:cut])
                line = line[cut + 1:]
            else:
                lines.append(line)
                line = ""
        line = (line + ch) if line or ch != " " else line
    return [*lines, line]


@lru_cache(maxsize=1)
def _bold_text() -> Any:
    from reportlab.platypus import Flowable

    class BoldText(Flowable):  # type: ignore[misc]
        """A table cell in bold (a header, the total row): STSong-Light has no bold face, so the glyphs are
        filled and stroked with a thin outline of their own colour (PDF text render mode 2)."""

        def __init__(self, text: str, size: float, align: str = "left") -> None:
            super().__init__()
            self.text, self.size, self.align = text, size, align
            self.leading = size * 1.3
            self.rows: list[str] = [text]

        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            self.width = avail_width
            self.rows = _lines(self.text, self.size, max(avail_width, self.size))
            self.height = self.leading * len(self.rows)
            return self.width, self.height

        def draw(self) -> None:
            c = self.canv
            c.setLineWidth(self.size * 0.035)
            for i, row in enumerate(self.rows):
                text = c.beginText()
                text.setFont(_font(), self.size)
                text.setTextRenderMode(2)
                room = self.width - _sw(row, self.size)
                x = room if self.align == "right" else room / 2 if self.align == "center" else 0.0
                text.setTextOrigin(x, self.height - (i + 1) * self.leading + (self.leading - self.size) / 2 + 1.5)
                text.textLine(row)
                c.drawText(text)

    return BoldText


# --- PDF tables ---------------------------------------------------------------------------------------------------

#: Cell padding, each side, in points.
PAD = 3.0


def _fit(headers: Sequence[str], cells: Sequence[Sequence[str]], numeric: Sequence[bool], size: float,
         room: float) -> tuple[list[float], float]:
    """Column widths that fill ``room`` points, and the font size they are for.

    Each column has a natural width (its longest text, a text column capped at 40 characters) and a least one: a
    number never wraps; a header may wrap after five characters (three in a table of more than eight columns),
    text after six. Natural widths that fit are stretched to the page; else each column gets its least and the
    room left is shared (``_share``), first towards the widths of the rows' text, then of the headers. When even
    the least widths do not fit, the font shrinks until they do: a table never runs off the page.
    """
    natural: list[float] = []
    body: list[float] = []
    least: list[float] = []
    head_least = (3 if len(headers) > 8 else 5) * size
    for j, head in enumerate(headers):
        head_w = _sw(head, size)
        body_w = max((_sw(r[j], size) for r in cells[:2000]), default=0.0)
        if numeric[j]:
            least.append(max(body_w, min(head_w, head_least)))
            natural.append(max(body_w, head_w))
        else:
            natural.append(min(max(body_w, head_w), 40 * size))
            least.append(min(natural[j], max(6 * size, min(head_w, head_least))))
        body.append(max(least[j], min(body_w, natural[j])))
    pads = (2 * PAD + 1) * len(headers)
    content = max(room - pads, 1.0)
    if sum(natural) <= content:
        grow = content / sum(natural) if sum(natural) else 1.0
        return [w * grow + 2 * PAD + 1 for w in natural], size
    if sum(least) > content:
        shrink = content / sum(least)
        return [w * shrink + 2 * PAD + 1 for w in least], size * shrink
    # The spare room to the rows' text first (a wrapped cell makes its row taller), then to the headers.
    widths = list(least)
    spare = _share(widths, body, content - sum(least))
    _share(widths, natural, spare)
    return [w + 2 * PAD + 1 for w in widths], size


def _share(widths: list[float], targets: Sequence[float], spare: float) -> float:
    """Grow ``widths`` towards ``targets`` by ``spare`` in equal shares, none past its target (short columns get
    their whole text); returns what is left."""
    wants = [max(t - w, 0.0) for w, t in zip(widths, targets, strict=True)]
    order = sorted(range(len(wants)), key=wants.__getitem__)
    for k, j in enumerate(order):
        give = min(wants[j], spare / (len(order) - k))
        widths[j] += give
        spare -= give
    return spare


def _pdf_table(table: Table, limit: int | None, width: float, styles: dict[str, Any]) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, TableStyle
    from reportlab.platypus import Table as RLTable

    n = len(table.headers)
    formats = _formats(table)
    rows = table.rows[:limit] if limit is not None else table.rows
    text = [[cell_text(v, formats[j]) for j, v in enumerate(r)] for r in rows]
    total = [cell_text(v, formats[j]) if v is not None else "" for j, v in enumerate(table.total_row)] \
        if table.total_row else None
    numeric = [formats[j] not in ("", "text") or (formats[j] == "" and any(
        _format(r[j], "") != "text" for r in rows if r[j] is not None)) for j in range(n)]
    widths, size = _fit(table.headers, text + ([total] if total else []), numeric, 6.8 if n > 8 else 8.0, width)
    cell = ParagraphStyle("cell", fontName=_font(), fontSize=size, leading=size * 1.3, wordWrap="CJK")
    bold = _bold_text()

    data: list[list[Any]] = [[bold(h, size, "right" if numeric[j] else "left") for j, h in enumerate(table.headers)]]
    data += [[c if numeric[j] else Paragraph(_esc(c), cell) for j, c in enumerate(r)] for r in text]
    if total:
        data.append([bold(c, size, "right" if numeric[j] else "left") for j, c in enumerate(total)])
    grid = RLTable(data, colWidths=widths, repeatRows=1)
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), _font(), size, size * 1.3),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe6ee")),
        ("ROWBACKGROUNDS", (0, 1), (-1, len(text)), [colors.white, colors.HexColor("#f3f6f9")]),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b8c2cc")),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#55606b")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    commands += [("ALIGN", (j, 1), (j, -1), "RIGHT") for j in range(n) if numeric[j]]
    if total:
        commands += [("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#e4ecd9")),
                     ("LINEABOVE", (0, -1), (-1, -1), 1, colors.HexColor("#55606b"))]
    grid.setStyle(TableStyle(commands))
    out: list[Any] = [grid]
    if limit is not None and len(table.rows) > limit:
        out.append(Paragraph(_esc(f"（共 {len(table.rows)} 行，PDF 仅列前 {limit} 行，完整数据见 Excel）"),
                             styles["note"]))
    return out


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


# --- PDF pages ----------------------------------------------------------------------------------------------------

def _numbered_canvas(footer: str) -> Any:
    from reportlab.pdfgen import canvas

    class NumberedCanvas(canvas.Canvas):  # type: ignore[misc]
        """Keeps each page until the end, then prints 第 N 页 / 共 M 页 (the total is known only then)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            width, _height = self._pagesize
            number = f"第 {self._pageNumber} 页 / 共 {total} 页"
            self.setFont(_font(), 8)
            self.setFillColorRGB(0.35, 0.35, 0.35)
            if footer:
                self.drawString(51, 28, _clip(footer, 8, width - 102 - _sw(number, 8) - 20))
            self.drawRightString(width - 51, 28, number)

    return NumberedCanvas


def render_pdf(report: Report) -> bytes:
    """The report as an A4 PDF (ValueError for a table or a chart that does not add up, ``check_report``)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, SimpleDocTemplate, Spacer

    check_report(report)
    styles = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=20 * mm, title=report.title, author="Jixiao", creator="Jixiao")
    width = doc.width
    story: list[Any] = [Paragraph(_esc(report.title), styles["title"]),
                        Paragraph(_esc(report.subtitle), styles["subtitle"]),
                        Paragraph(_esc(report.generated), styles["note"]), Spacer(1, 8)]
    for part in report.parts:
        # A heading starts a page unless there is room under it, and keeps with a paragraph or a chart after it
        # (a table splits, and a header with a row or two is room enough).
        flowables: list[Any] = [Paragraph(_esc(p), styles["body"]) for p in part.paragraphs]
        for chart in part.charts:
            drawing = _chart(chart, width)
            if drawing is not None:
                flowables += [drawing, Spacer(1, 10)]
        story += [CondPageBreak(120), KeepTogether([Paragraph(_esc(part.title), styles["h1"]), *flowables[:1]]),
                  *flowables[1:]]
        if part.table is not None and part.table.headers:
            if flowables:
                story.append(CondPageBreak(72))  # not a header and a row or two alone at the foot of a page
            story += _pdf_table(part.table, part.in_pdf_rows, width, styles)
    doc.build(story, canvasmaker=_numbered_canvas(report.footer))
    return buf.getvalue()


# --- workbook -----------------------------------------------------------------------------------------------------

NUMBER_FORMATS = {"int": "0", "number": "0.00", "percent": '0.00"%"', "yuan": "#,##0"}


def _put(ws: Any, row: int, col: int, value: Any, fmt: str) -> Any:
    """One cell: text always a string cell (never a formula, whatever it starts with, as ``engine.sheets``
    writes it), a number kept a number with its column's format, NaN and None empty."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
        return cell
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        value = None
    cell.value = value
    kind = _format(value, fmt)
    if value is not None and kind in NUMBER_FORMATS:
        cell.number_format = NUMBER_FORMATS[kind]
    return cell


def _sheet_table(ws: Any, table: Table, header: int) -> list[float]:
    """The table from row ``header``: frozen below its header, filtered over its rows, the total row bold below
    the filter. Returns the columns' widths."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ncols = len(table.headers)
    formats = _formats(table)
    widths = [10.0] * ncols
    for j, h in enumerate(table.headers, start=1):
        cell = _put(ws, header, j, h, "text")
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DFE6EE")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        widths[j - 1] = max(widths[j - 1], _width(h) + 2)
    for i, values in enumerate(table.rows, start=header + 1):
        for j, v in enumerate(values, start=1):
            _put(ws, i, j, v, formats[j - 1])
            widths[j - 1] = max(widths[j - 1], _width(cell_text(v, formats[j - 1])) + 2)
    last = header + len(table.rows)
    ws.freeze_panes = f"A{header + 1}"
    ws.auto_filter.ref = f"A{header}:{get_column_letter(ncols)}{last}"
    if table.total_row:
        for j, v in enumerate(table.total_row, start=1):
            _put(ws, last + 1, j, v, formats[j - 1]).font = Font(bold=True)
            if v is not None:
                widths[j - 1] = max(widths[j - 1], _width(cell_text(v, formats[j - 1])) + 2)
    widths = [min(w, 60) for w in widths]
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    return widths


def _sheet(wb: Any, part: Part) -> None:
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(title=part.sheet)
    table = part.table if part.table is not None and part.table.headers else None
    _put(ws, 1, 1, part.title, "text").font = Font(bold=True, size=14)
    ws.row_dimensions[1].height = 22
    first = 2
    if table is not None:
        line = sum(_sheet_table(ws, table, first + len(part.paragraphs) + 1))
    else:
        ws.column_dimensions["A"].width = line = 100
    ncols = len(table.headers) if table is not None else 1
    for row, text in enumerate(part.paragraphs, start=first):
        cell = _put(ws, row, 1, text, "text")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if ncols > 1:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
        # A merged cell does not grow with its text: its height from the lines the merged width holds.
        lines = sum(max(1, math.ceil(_width(chunk) / max(line - 2, 10))) for chunk in text.split("\n"))
        ws.row_dimensions[row].height = 15 * lines
    if table is not None:
        # Printed as offices print: landscape A4, the columns one page wide, the header row on every page.
        header = first + len(part.paragraphs) + 1
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.print_title_rows = f"{header}:{header}"


def render_xlsx(report: Report) -> bytes:
    """The report as a workbook, a sheet per part (ValueError for a sheet name Excel refuses, or a table that
    does not add up)."""
    from openpyxl import Workbook

    check_sheets(report)
    check_report(report)
    wb = Workbook()
    wb.remove(wb.active)
    for part in report.parts:
        _sheet(wb, part)
    wb.properties.title = report.title
    wb.properties.creator = "Jixiao"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
