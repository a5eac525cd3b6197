"""Text cells that a spreadsheet cannot mistake for a formula (CSV or formula injection, OWASP).

A unit name such as ``=HYPERLINK(...)`` or ``@SUM(A1)`` typed into an input file must come out of an export as
the text it is, never as a formula that Excel or WPS evaluates when the office opens the file. Every export of
the project (the score table here, the web's .xlsx downloads) writes its text cells through these functions.

- .csv has no cell types, so a text that a spreadsheet would read as a formula (it starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return) is written with a leading single quote, which spreadsheets take as
  "this is text".
- .xlsx has cell types: text is written as a string cell (openpyxl would otherwise make a formula of any text
  starting with ``=``, or an error value of ``#N/A``), unchanged.

Numbers stay numbers in both.

>>> csv_safe("=1+1"), csv_safe("-1+2"), csv_safe("市公安局"), csv_safe("")
("'=1+1", "'-1+2", '市公安局', '')
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # openpyxl is imported only by the functions that write .xlsx
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Font

#: The first characters that make a spreadsheet read a CSV text field as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: The same as a regular expression that both Python and Polars (Rust) read.
FORMULA_PATTERN = "^[" + "".join(f"\\x{ord(c):02X}" for c in FORMULA_TRIGGERS) + "]"


def csv_safe(text: str) -> str:
    """``text`` for a CSV cell: with a leading single quote when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def xlsx_text_cell(ws: Any, text: str) -> Cell:
    """A write-only cell of worksheet ``ws`` holding ``text`` as text, whatever it starts with.

    >>> import io
    >>> from openpyxl import Workbook
    >>> wb = Workbook(write_only=True)
    >>> ws = wb.create_sheet()
    >>> cell = xlsx_text_cell(ws, "=1+1")
    >>> cell.data_type, cell.value
    ('s', '=1+1')
    >>> ws.append([cell])
    >>> wb.save(io.BytesIO())
    """
    from openpyxl.cell import WriteOnlyCell

    cell: Cell = WriteOnlyCell(ws, value=text)
    # openpyxl types a str starting with "=" as a formula and "#N/A" and the like as errors.
    cell.data_type = "s"
    return cell


def xlsx_row(ws: Any, values: Iterable[object], number_format: str | None = "0.00",
             font: Font | None = None) -> None:
    """Append one row of mixed values to write-only worksheet ``ws``: text as string cells (never a formula),
    floats and decimals with ``number_format`` (None: Excel's General), integers, booleans and dates as
    themselves, None and NaN as an empty cell; any other object as its text. ``font`` styles every cell (a
    header).

    >>> import io
    >>> from openpyxl import Workbook, load_workbook
    >>> wb, buf = Workbook(write_only=True), io.BytesIO()
    >>> xlsx_row(wb.create_sheet(), ["@SUM(A1)", 74.214, 3, None])
    >>> wb.save(buf)
    >>> [(c.value, c.data_type, c.number_format) for c in next(load_workbook(buf).active.iter_rows())][:3]
    [('@SUM(A1)', 's', 'General'), (74.214, 'n', '0.00'), (3, 'n', 'General')]
    """
    from openpyxl.cell import WriteOnlyCell

    row: list[Cell | None] = []
    for value in values:
        if value is None or (isinstance(value, float | np.floating) and math.isnan(value)):
            row.append(None)
            continue
        if isinstance(value, str):
            cell = xlsx_text_cell(ws, value)
        elif isinstance(value, bool | int | np.integer | np.bool_ | dt.date | dt.time | dt.timedelta):
            cell = WriteOnlyCell(ws, value=value)
        elif isinstance(value, float | np.floating | Decimal):
            cell = WriteOnlyCell(ws, value=value)
            if number_format is not None:
                cell.number_format = number_format
        else:
            cell = xlsx_text_cell(ws, str(value))
        if font is not None:
            cell.font = font
        row.append(cell)
    ws.append(row)
