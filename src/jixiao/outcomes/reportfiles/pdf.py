"""The report as an A4 PDF: its pages, numbered 第 N 页 / 共 M 页 (see the package)."""

from __future__ import annotations

import io
from typing import Any

from jixiao.outcomes.reportfiles.charts import _chart
from jixiao.outcomes.reportfiles.model import Report, check_report
from jixiao.outcomes.reportfiles.pdftext import _clip, _esc, _font, _pdf_table, _styles, _sw

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

