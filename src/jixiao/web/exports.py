"""Any table of a page as an .xlsx file: the same rows the page shows (unpaginated), as numbers where they
are numbers."""

from __future__ import annotations

import io
import re
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from jixiao.web.tables import Table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plain(cell: Any) -> Any:
    value = getattr(cell, "text", cell)
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)


def xlsx_bytes(table: Table) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", str(table.title))[:31] or "table")
    widths = [max(8, min(40, len(str(c)) * 2)) for c in table.columns]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.append([str(c) for c in table.columns])
    for row in table.rows:
        ws.append([_plain(c) for c in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(table: Table, filename: str) -> HttpResponse:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", filename).strip("-") or "table"
    response = HttpResponse(xlsx_bytes(table), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{safe}.xlsx"'
    return response
