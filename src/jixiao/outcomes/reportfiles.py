"""A report (年度考核报告) as a PDF and as one Excel workbook, from plain values: no Django, no database.

A ``Report`` is a title and numbered ``Part``s; a part has paragraphs, charts and one table. The PDF (reportlab)
prints everything in reportlab's built-in CID font STSong-Light, which needs no font file on the machine that makes
the PDF and is shown by every PDF reader with its own Song typeface; charts are drawn as vectors; a table repeats
its header row on each page and wraps long text; each page carries the footer and 第 N 页 / 共 M 页. The workbook
has a sheet per part: the title, the paragraphs, then the table with its header frozen, a filter over the rows,
column widths fitted to the text (a Chinese character counts two), numbers formatted (2 decimals, percentages,
whole yuan with separators) and kept as numbers, and text that begins like a formula kept as text.

Numbers are shown rounded half up (as people round): 12.345 -> 12.35, through ``Decimal`` of the value's shortest
representation.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

FONT = "STSong-Light"
FORMATS = ("text", "int", "number", "percent", "yuan")
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
    #: with separators). Without it: by each value's type.
    formats: tuple[str, ...] = ()
    #: Printed last, shaded (bold in the workbook), e.g. a pool's sum; outside the workbook's filter.
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
    if fmt in FORMATS and fmt != "text":
        return fmt
    if fmt == "text":
        return "text"
    if isinstance(value, bool):
        return "text"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float | Decimal):
        return "number"
    return "text"


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
    if value is None or (isinstance(value, float) and value != value):
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
    """Display width: a CJK (wide) character counts two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def check_sheets(report: Report) -> None:
    """Every sheet name short enough, allowed and unique; else ValueError naming it."""
    seen: set[str] = set()
    for part in report.parts:
        name = part.sheet
        if not name or len(name) > SHEET_MAX or BAD_SHEET.search(name) or name.startswith("'"):
            raise ValueError(f"sheet name {name!r}: 1-31 characters, none of [ ] : * ? / \\")
        if name.lower() in seen:
            raise ValueError(f"sheet name {name!r} is used twice")
        seen.add(name.lower())


# --- PDF ----------------------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


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
        "cell": ParagraphStyle("cell", fontSize=8, leading=10.5, **base),
        "small": ParagraphStyle("small", fontSize=6.8, leading=9, **base),
    }


#: Characters STSong-Light has no glyph for, and the ones printed instead.
PDF_SWAPS = str.maketrans({"·": "・", "•": "・", "\u00a0": " "})


def _pdf(text: str) -> str:
    return text.translate(PDF_SWAPS)


def _esc(text: str) -> str:
    return _pdf(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def _col_widths(headers: Sequence[str], rows: Sequence[Sequence[str]], size: float, total: float) -> list[float]:
    """Widths from the text (the longest cell, capped), scaled to the page: text columns give way first."""
    natural = []
    for j, h in enumerate(headers):
        longest = max([_width(h)] + [_width(r[j]) for r in rows[:400]])
        natural.append(min(max(longest, 4), 60) * size * 0.55 + 8)
    if sum(natural) <= total:
        spare = (total - sum(natural)) / len(natural)
        return [w + spare for w in natural]
    fixed = [min(w, size * 0.55 * 12 + 8) for w in natural]  # short columns keep up to 12 characters
    room = max(total - sum(fixed), 0.0)
    extra = [w - f for w, f in zip(natural, fixed, strict=True)]
    scale = room / sum(extra) if sum(extra) else 0.0
    widths = [f + e * scale for f, e in zip(fixed, extra, strict=True)]
    shrink = total / sum(widths) if sum(widths) > total else 1.0
    return [w * shrink for w in widths]


def _pdf_table(table: Table, limit: int | None, width: float, styles: dict[str, Any]) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, TableStyle
    from reportlab.platypus import Table as RLTable

    n = len(table.headers)
    formats = [table.formats[j] if j < len(table.formats) else "" for j in range(n)]
    rows = table.rows[:limit] if limit is not None else table.rows
    text = [[cell_text(v, formats[j]) for j, v in enumerate(r)] for r in rows]
    total = [cell_text(v, formats[j]) if v is not None else "" for j, v in enumerate(table.total_row)] \
        if table.total_row else None
    style = styles["small"] if n > 8 else styles["cell"]
    widths = _col_widths(table.headers, text + ([total] if total else []), style.fontSize, width)
    numeric = [j for j in range(n) if any(_format(r[j], formats[j]) != "text" for r in rows if r[j] is not None)]

    def para(s: str) -> Any:
        return Paragraph(_esc(s), style)

    data: list[list[Any]] = [[para(h) for h in table.headers]]
    for r in text + ([total] if total else []):
        data.append([c if j in numeric else para(c) for j, c in enumerate(r)])
    grid = RLTable(data, colWidths=widths, repeatRows=1)
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), style.fontName, style.fontSize),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe6ee")),
        ("ROWBACKGROUNDS", (0, 1), (-1, len(text)), [colors.white, colors.HexColor("#f5f7fa")]),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b8c2cc")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    commands += [("ALIGN", (j, 1), (j, -1), "RIGHT") for j in numeric]
    if total:
        commands += [("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#e4ecd9")),
                     ("LINEABOVE", (0, -1), (-1, -1), 1, colors.HexColor("#55606b"))]
    grid.setStyle(TableStyle(commands))
    out: list[Any] = [grid]
    if limit is not None and len(table.rows) > limit:
        out.append(Paragraph(_esc(f"（共 {len(table.rows)} 行，PDF 仅列前 {limit} 行，完整数据见 Excel）"),
                             styles["note"]))
    return out


def _legend(chart: Chart, x: float, y: float) -> Any:
    from reportlab.graphics.charts.legends import Legend
    from reportlab.lib import colors

    legend = Legend()
    legend.fontName, legend.fontSize = _font(), 8
    legend.x, legend.y = x, y
    legend.alignment = "right"
    legend.columnMaximum = 12  # one column down the right side
    legend.boxAnchor = "nw"
    legend.dx = legend.dy = 8
    legend.deltax = max(40, max(_width(name) for name, _v in chart.series) * 4.6 + 16)
    legend.colorNamePairs = [(colors.HexColor(COLOURS[k % len(COLOURS)]), _pdf(name))
                             for k, (name, _v) in enumerate(chart.series)]
    return legend


def _values(chart: Chart) -> list[list[float | None]]:
    return [[None if v is None or v != v else float(v) for v in values] for _name, values in chart.series]


def _axis_max(data: list[list[float | None]], stacked: bool) -> float:
    if stacked:
        sums = [sum(v or 0.0 for v in col) for col in zip(*data, strict=True)] if data else [0.0]
        top = max(sums or [0.0])
    else:
        top = max((v for row in data for v in row if v is not None), default=0.0)
    return top * 1.1 if top > 0 else 1.0


def _bar(chart: Chart, width: float) -> Any:
    from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    font = _font()
    data = _values(chart)
    horizontal = chart.kind == "hbar"
    many = len(chart.categories)
    height = max(160, 18 * many + 70) if horizontal else 230
    d = Drawing(width, height)
    label_room = min(170, max(_width(c) for c in chart.categories) * 4.4 + 10) if horizontal and many else 0
    bc: Any = HorizontalBarChart() if horizontal else VerticalBarChart()
    bc.x, bc.y = (label_room + 10, 24) if horizontal else (40, 60 if many > 6 else 40)
    bc.width = width - bc.x - (20 if horizontal else 120)
    bc.height = height - bc.y - 36
    bc.data = [[v or 0.0 for v in row] for row in data]
    bc.categoryAxis.categoryNames = [_pdf(c) for c in chart.categories]
    bc.categoryAxis.labels.fontName = bc.valueAxis.labels.fontName = font
    bc.categoryAxis.labels.fontSize = bc.valueAxis.labels.fontSize = 7.5
    if not horizontal and many > 6:
        bc.categoryAxis.labels.angle, bc.categoryAxis.labels.boxAnchor = 30, "ne"
    if horizontal:
        bc.categoryAxis.reverseDirection = 1
    stacked = chart.kind == "stacked"
    if stacked:
        bc.categoryAxis.style = "stacked"
    bc.valueAxis.valueMin, bc.valueAxis.valueMax = 0, _axis_max(data, stacked)
    for k in range(len(data)):
        bc.bars[k].fillColor = colors.HexColor(COLOURS[k % len(COLOURS)])
        bc.bars[k].strokeColor = None
    d.add(bc)
    d.add(String(0, height - 12, _pdf(chart.title + (f"（{chart.unit}）" if chart.unit else "")), fontName=font,
                 fontSize=9.5))
    if len(chart.series) > 1 or not horizontal:
        d.add(_legend(chart, bc.x + bc.width + 12, bc.y + bc.height))
    return d


def _line(chart: Chart, width: float) -> Any:
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.graphics.widgets.markers import makeMarker
    from reportlab.lib import colors

    font = _font()
    data = _values(chart)
    height = 220
    d = Drawing(width, height)
    lc = HorizontalLineChart()
    lc.x, lc.y, lc.width, lc.height = 40, 36, width - 170, height - 72
    lc.data = data
    lc.categoryAxis.categoryNames = [_pdf(c) for c in chart.categories]
    lc.categoryAxis.labels.fontName = lc.valueAxis.labels.fontName = font
    lc.categoryAxis.labels.fontSize = lc.valueAxis.labels.fontSize = 7.5
    lc.valueAxis.valueMin, lc.valueAxis.valueMax = 0, _axis_max(data, False)
    for k in range(len(data)):
        lc.lines[k].strokeColor = colors.HexColor(COLOURS[k % len(COLOURS)])
        lc.lines[k].strokeWidth = 1.6
        lc.lines[k].symbol = makeMarker("FilledCircle", size=4)
    d.add(lc)
    d.add(String(0, height - 12, _pdf(chart.title + (f"（{chart.unit}）" if chart.unit else "")), fontName=font,
                 fontSize=9.5))
    d.add(_legend(chart, lc.x + lc.width + 12, lc.y + lc.height))
    return d


def _chart(chart: Chart, width: float) -> Any:
    if chart.kind not in ("bar", "stacked", "line", "hbar"):
        raise ValueError(f"chart kind {chart.kind!r}: bar, stacked, line or hbar")
    if not chart.categories or not chart.series:
        return None
    return _line(chart, width) if chart.kind == "line" else _bar(chart, width)


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
            self.setFont(_font(), 8)
            self.setFillColorRGB(0.35, 0.35, 0.35)
            if footer:
                self.drawString(51, 28, _pdf(footer))
            self.drawRightString(width - 51, 28, f"第 {self._pageNumber} 页 / 共 {total} 页")

    return NumberedCanvas


def render_pdf(report: Report) -> bytes:
    """The report as an A4 PDF."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

    styles = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=20 * mm, title=report.title, author="Jixiao", creator="Jixiao")
    width = doc.width
    story: list[Any] = [Paragraph(_esc(report.title), styles["title"]),
                        Paragraph(_esc(report.subtitle), styles["subtitle"]),
                        Paragraph(_esc(report.generated), styles["note"]), Spacer(1, 8)]
    for part in report.parts:
        head = [Paragraph(_esc(part.title), styles["h1"])]
        body = [Paragraph(_esc(p), styles["body"]) for p in part.paragraphs]
        story.append(KeepTogether(head + body[:1]))
        story += body[1:]
        for chart in part.charts:
            drawing = _chart(chart, width)
            if drawing is not None:
                story += [Spacer(1, 4), drawing, Spacer(1, 6)]
        if part.table is not None and part.table.headers:
            story += _pdf_table(part.table, part.in_pdf_rows, width, styles)
    doc.build(story, canvasmaker=_numbered_canvas(report.footer))
    return buf.getvalue()


# --- workbook -----------------------------------------------------------------------------------------------------

NUMBER_FORMATS = {"int": "0", "number": "0.00", "percent": '0.00"%"', "yuan": "#,##0"}


def _put(ws: Any, row: int, col: int, value: Any, fmt: str) -> Any:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # never a formula or an error value, whatever it starts with
        return cell
    cell.value = value
    kind = _format(value, fmt)
    if value is not None and kind in NUMBER_FORMATS:
        cell.number_format = NUMBER_FORMATS[kind]
    return cell


def _sheet(wb: Any, part: Part) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title=part.sheet)
    table = part.table
    ncols = len(table.headers) if table is not None and table.headers else 1
    _put(ws, 1, 1, part.title, "text").font = Font(bold=True, size=14)
    row = 2
    for text in part.paragraphs:
        cell = _put(ws, row, 1, text, "text")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if ncols > 1:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
        ws.row_dimensions[row].height = 15 * max(1, -(-_width(text) // max(20, 12 * ncols)))
        row += 1
    widths = [10.0] * ncols
    if table is None or not table.headers:
        ws.column_dimensions["A"].width = 100
        return
    header = row + 1
    formats = [table.formats[j] if j < len(table.formats) else "" for j in range(ncols)]
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
    ws.auto_filter.ref = f"A{header}:{get_column_letter(ncols)}{max(last, header)}"
    if table.total_row:
        for j, v in enumerate(table.total_row, start=1):
            _put(ws, last + 1, j, v, formats[j - 1]).font = Font(bold=True)
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(w, 60)
    # Printed as offices print: landscape A4, the columns on one page wide, the header row on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = f"{header}:{header}"


def render_xlsx(report: Report) -> bytes:
    """The report as a workbook, a sheet per part (ValueError for a sheet name Excel refuses)."""
    from openpyxl import Workbook

    check_sheets(report)
    wb = Workbook()
    wb.remove(wb.active)
    for part in report.parts:
        _sheet(wb, part)
    wb.properties.title = report.title
    wb.properties.creator = "Jixiao"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
