"""Any table of a page as an .xlsx file: the same rows the page shows (unpaginated), as numbers where they
are numbers. Text is always written as text, never as a formula (OWASP CSV injection): a unit named "=1+1" stays
a name, through the engine's ``xlsx_row``."""

from __future__ import annotations

import io
import re
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from jixiao.engine.sheets import xlsx_row
from jixiao.web.tables import Table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plain(cell: Any) -> Any:
    value = getattr(cell, "text", cell)
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)  # a lazy translation, a date shown as text


def xlsx_bytes(table: Table) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", str(table.title))[:31] or "table")
    widths = [max(8, min(40, len(str(c)) * 2)) for c in table.columns]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    xlsx_row(ws, [str(c) for c in table.columns], font=Font(bold=True))
    for row in table.rows:
        xlsx_row(ws, [_plain(c) for c in row], number_format=None)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(table: Table, filename: str) -> HttpResponse:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", filename).strip("-") or "table"
    response = HttpResponse(xlsx_bytes(table), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{safe}.xlsx"'
    return response
