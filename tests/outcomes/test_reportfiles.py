"""The report files from plain values (no database): the PDF's text and pages, the workbook's sheets, frozen
headers, filters, widths, number formats, text that looks like a formula, and names Excel refuses."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from jixiao.outcomes.reportfiles import Chart, Part, Report, Table, cell_text, render_pdf, render_xlsx

ROWS = tuple((i, f"SFS-A{i:02}", f"示范市第{i}局 & <处>", 100 - i * 0.37, 1234567 + i, 73.0769) for i in range(1, 201))
TABLE = Table(("排名", "代码", "名称", "总分", "金额（元）", "占比"), ROWS,
              ("int", "text", "text", "number", "yuan", "percent"),
              total_row=("合计", None, None, None, 246913600, None))
CHARTS = (Chart("stacked", ("A 类", "B 类"), (("优秀", (3.0, 2.0)), ("良好", (10.0, 7.0))), title="等次分布",
                unit="个"),
          Chart("hbar", ("诉求响应率", "预算执行率"), (("得分率", (91.5, 78.25)),), title="得分率", unit="%"),
          Chart("line", ("2024", "2025"), (("优秀", (15.0, None)),), title="历年"),
          Chart("bar", ("a",), (("x", (1.0,)),)))


def _report(**changes: object) -> Report:
    parts = (Part("一、总览", "总览", ("示范市2025年度综合绩效考核共考核 68 个单位。", "=cmd()"), TABLE, CHARTS,
                  in_pdf_rows=120),
             Part("二、说明", "说明", ("仅有文字。",)))
    return Report("示范市2025年度综合绩效考核年度报告", "绩效考核办公室 · 已定稿", "生成时间：2026-12-04 12:00",
                  **({"parts": parts, "footer": "数据来源：Jixiao"} | changes))  # type: ignore[arg-type]


def test_cells_round_half_up() -> None:
    assert cell_text(12.345, "number") == "12.35"  # binary 12.3449999... would round down
    assert cell_text(2.675, "number") == "2.68"
    assert cell_text(73.0769, "percent") == "73.08%"
    assert cell_text(1234567.5, "yuan") == "1,234,568"
    assert cell_text(None) == "—"
    assert cell_text(float("nan"), "number") == "—"
    assert cell_text(3) == "3"
    assert cell_text(0.5) == "0.50"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext reads the PDF back")
def test_pdf_text_pages_and_numbers(tmp_path: Path) -> None:
    data = render_pdf(_report())
    assert data[:5] == b"%PDF-"
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.count("\f")
    assert pages >= 3  # 120 rows of the table do not fit one page
    assert "示范市2025年度综合绩效考核年度报告" in text
    assert "共考核 68 个单位" in text
    assert "1,234,568" in text
    assert "73.08%" in text
    assert "99.63" in text
    squeezed = text.replace(" ", "")
    assert "第1页/共" in squeezed
    assert f"第{pages}页/共{pages}页" in squeezed
    assert "& <处>" in text  # escaped for the markup, printed as written
    assert "共200行，PDF仅列前120行" in squeezed
    assert "SFS-A121" not in text


def test_workbook_sheets_frozen_filtered_formatted() -> None:
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(_report())))
    assert book.sheetnames == ["总览", "说明"]
    assert book.properties.title == "示范市2025年度综合绩效考核年度报告"
    ws = book["总览"]
    assert ws["A1"].value == "一、总览"
    assert ws["A1"].font.bold
    assert ws["A3"].value == "=cmd()"
    assert ws["A3"].data_type == "s"  # text, not a formula
    header = 5  # title, two paragraphs, a blank row
    assert [c.value for c in ws[header]] == list(TABLE.headers)
    assert ws.freeze_panes == f"A{header + 1}"
    assert ws.auto_filter.ref == f"A{header}:F{header + 200}"
    first = header + 1
    assert ws.cell(first, 4).value == pytest.approx(99.63)
    assert ws.cell(first, 4).number_format == "0.00"
    assert ws.cell(first, 5).number_format == "#,##0"
    assert ws.cell(first, 6).number_format == '0.00"%"'
    assert ws.cell(first, 1).number_format == "0"
    total = header + 201
    assert ws.cell(total, 1).value == "合计"
    assert ws.cell(total, 1).font.bold
    assert ws.cell(total, 5).value == 246913600
    assert ws.column_dimensions["C"].width > ws.column_dimensions["A"].width  # long names, counted two a character
    assert ws.column_dimensions["C"].width >= 20
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == f"${header}:${header}"


@pytest.mark.parametrize("name", ["", "a" * 32, "结果[1]", "a/b", "总览"])
def test_sheet_names_excel_refuses(name: str) -> None:
    parts = (Part("一", "总览"), Part("二", name))
    with pytest.raises(ValueError, match="sheet name"):
        render_xlsx(_report(parts=parts))


def test_a_chart_of_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="chart kind"):
        render_pdf(_report(parts=(Part("一", "一", charts=(Chart("pie", ("a",), (("x", (1.0,)),)),)),)))
