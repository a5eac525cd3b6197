"""The report as one Excel workbook, a sheet per part (see the package)."""

from __future__ import annotations

import io
import math
from decimal import Decimal
from typing import Any

from jixiao.outcomes.reportfiles.model import (
    Part,
    Report,
    Table,
    _format,
    _formats,
    _width,
    cell_text,
    check_report,
    check_sheets,
)

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

