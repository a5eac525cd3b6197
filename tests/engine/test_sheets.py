"""Exports never hand a spreadsheet a formula: text stays text in .csv and .xlsx, numbers stay numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import polars as pl
import pytest
from openpyxl.styles import Font

from jixiao.engine import write_table
from jixiao.engine.sheets import csv_safe, xlsx_row, xlsx_text_cell


@pytest.mark.parametrize(("text", "safe"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1+2", "'-1+2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\r=1", "'\r=1"), ("市公安局", "市公安局"), ("a=1", "a=1"), ("", ""), ("'=1", "'=1"), ("#N/A", "#N/A"),
])
def test_csv_safe_quotes_only_text_a_spreadsheet_would_run(text: str, safe: str) -> None:
    assert csv_safe(text) == safe


def saved(rows: list[tuple[list[object], dict[str, Any]]]) -> list[list[Any]]:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    for values, kwargs in rows:
        xlsx_row(ws, values, **kwargs)
    buf = io.BytesIO()
    wb.save(buf)
    sheet = openpyxl.load_workbook(buf).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows()]


def test_an_xlsx_text_cell_is_a_string_whatever_it_starts_with() -> None:
    texts = ["=1+1", "@SUM(A1)", "+1", "-1+2", "\tx", "#N/A", "=HYPERLINK(\"http://x\")"]
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append([xlsx_text_cell(ws, t) for t in texts])
    buf = io.BytesIO()
    wb.save(buf)
    sheet = openpyxl.load_workbook(buf).active
    assert sheet is not None
    row = next(sheet.iter_rows())
    assert [(c.data_type, c.value) for c in row] == [("s", t) for t in texts]


def test_an_xlsx_row_keeps_numbers_numbers_and_text_text() -> None:
    (row,) = saved([(["=1+1", 74.214, np.float64(1.5), Decimal("2.5"), 3, np.int64(4), True, None, float("nan"),
                      Path("=x")], {})])
    assert [(c.data_type, c.value) for c in row] == [
        ("s", "=1+1"), ("n", 74.214), ("n", 1.5), ("n", 2.5), ("n", 3), ("n", 4), ("b", True), ("n", None),
        ("n", None), ("s", "=x")]
    assert [c.number_format for c in row[1:6]] == ["0.00", "0.00", "0.00", "General", "General"]


def test_an_xlsx_row_takes_a_number_format_and_a_font() -> None:
    (head, body) = saved([(["=A", "b"], {"font": Font(bold=True)}), ([1.25, "=c"], {"number_format": None})])
    assert [(c.value, c.data_type, c.font.b) for c in head] == [("=A", "s", True), ("b", "s", True)]
    assert [(c.value, c.number_format) for c in body] == [(1.25, "General"), ("=c", "General")]
    assert body[1].data_type == "s"


def test_write_table_quotes_a_formula_like_header_in_csv(tmp_path: Path) -> None:
    frame = pl.DataFrame({"=H": ["=1+1", "ok", None], "n": [-1.0, 2.5, None]}).with_columns(
        c=pl.Series(["@x", "y", "-z"], dtype=pl.Categorical))
    out = tmp_path / "t.csv"
    write_table(frame, out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh)) == [["'=H", "n", "c"], ["'=1+1", "-1.00", "'@x"], ["ok", "2.50", "y"],
                                        ["", "", "'-z"]]
    write_table(frame, tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert sheet is not None
    rows = [[(c.data_type, c.value) for c in row] for row in sheet.iter_rows()]
    assert rows[0] == [("s", "=H"), ("s", "n"), ("s", "c")]
    assert rows[1] == [("s", "=1+1"), ("n", -1.0), ("s", "@x")]
