"""The PDF's text and tables: the CID font, paragraph styles, escaping, and tables fitted to the page (see the
package)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from jixiao.outcomes.reportfiles.model import FONT, Table, _format, _formats, cell_text

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
