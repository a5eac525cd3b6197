"""The report files from plain values (no database): the PDF's text and pages, the workbook's sheets, frozen
headers, filters, widths, number formats, text that looks like a formula, and names Excel refuses."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from jixiao.outcomes.reportfiles import Chart, Part, Report, Table, cell_text, render_pdf, render_xlsx

NOTES = {2: "=cmd()", 3: "+1", 4: "-2", 5: "@SUM(A1)",
         7: "这是一段很长的备注文字，用来检验表格中的长文本是否会按中文规则换行而不会溢出页面的右边界。"}
FIRST = (1, "SFS-A01", "示范市第1局 & <处>", 12.345, 1234567, 73.0769, "备注")
ROWS = (FIRST, *((i, f"SFS-A{i:02}", f"示范市第{i}局", 100 - i * 0.37, 1234567 + i, 73.0769, NOTES.get(i, "—"))
                 for i in range(2, 201)))
TABLE = Table(("排名", "代码", "名称", "总分", "金额（元）", "占比", "备注"), ROWS,
              ("int", "text", "text", "number", "yuan", "percent", "text"),
              total_row=("合计", None, None, None, 246913600, None, None))
CHARTS = (Chart("stacked", ("A 类", "B 类"), (("优秀", (3.0, 2.0)), ("良好", (10.0, None))), title="等次分布",
                unit="个"),
          Chart("hbar", ("诉求响应率", "预算执行率"), (("得分率", (91.5, 78.25)),), title="得分率", unit="%"),
          Chart("line", ("2023", "2024", "2025"), (("优秀", (12.0, 15.0, None)), ("良好", (40.0, None, 38.5))),
                title="历年"),
          Chart("bar", tuple(f"示范市第{i}局" for i in range(1, 13)), (("2024", tuple(80.0 + i for i in range(12))),
                                                                    ("2025", (None, *(81.0 + i for i in range(11))))),
                title="总分", unit="分"))
PARAGRAPH = ("示范市2025年度综合绩效考核共考核 68 个单位，其中 A 类 40 个、B 类 28 个，"
             "考核依据《示范市综合绩效考核办法》。")


def _report(**changes: object) -> Report:
    parts = (Part("一、总览", "总览", (PARAGRAPH, "=cmd()"), TABLE, CHARTS, in_pdf_rows=120),
             Part("二、全部单位", "全部单位", table=TABLE),
             Part("三、说明", "说明", ("仅有文字：a < b & c > d。",)))
    return Report("示范市2025年度综合绩效考核年度报告", "绩效考核办公室 · 已定稿", "生成时间：2026-12-04 12:00",
                  **({"parts": parts, "footer": "数据来源：Jixiao"} | changes))  # type: ignore[arg-type]


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def _pdftotext(pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_cells_round_half_up() -> None:
    assert cell_text(12.345, "number") == "12.35"  # binary 12.3449999... would round down
    assert cell_text(2.675, "number") == "2.68"
    assert cell_text(73.0769, "percent") == "73.08%"
    assert cell_text(1234567.5, "yuan") == "1,234,568"
    assert cell_text(None) == "—"
    assert cell_text(float("nan"), "number") == "—"
    assert cell_text(3) == "3"
    assert cell_text(0.5) == "0.50"


def test_the_pdf_is_a4_pages_with_a_long_table_across_them() -> None:
    data = render_pdf(_report())
    assert data[:5] == b"%PDF-"
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in data
    assert _pages(data) >= 8  # 120 rows, then all 200, do not fit a few pages


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext reads the PDF back")
def test_pdf_text_pages_and_numbers(tmp_path: Path) -> None:
    data = render_pdf(_report())
    text = _pdftotext(data, tmp_path, "-layout")
    pages = _pages(data)
    assert text.count("\f") == pages
    assert "示范市2025年度综合绩效考核年度报告" in text
    squeezed = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", PARAGRAPH) in squeezed  # wrapped over lines, every character there
    assert "12.35" in text  # 12.345 rounded half up
    assert "1,234,567" in text
    assert "73.08%" in text
    assert "246,913,600" in text  # the total row
    assert "第1页/共" in squeezed
    assert f"第{pages}页/共{pages}页" in squeezed
    assert "数据来源：Jixiao" in text
    assert "示范市第1局 & <处>" in text  # escaped for the markup, printed as written
    assert "a < b & c > d" in text
    assert "=cmd()" in text
    assert "共200行，PDF仅列前120行" in squeezed
    assert "SFS-A121" in text  # in the second part, which prints them all
    assert text.count("SFS-A121") == 1


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext reads the PDF back")
def test_the_header_row_is_repeated_on_each_page_of_a_table(tmp_path: Path) -> None:
    text = _pdftotext(render_pdf(_report(parts=(Part("全部", "全部", table=TABLE),))), tmp_path)
    pages = [page for page in text.split("\f") if "SFS-A" in page]
    assert len(pages) >= 4
    assert all("金额（元）" in page and "占比" in page for page in pages)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext reads the PDF back")
def test_a_wide_table_stays_inside_the_page(tmp_path: Path) -> None:
    headers = ("单位名称", *(f"第{k}项指标得分（分）" for k in range(1, 16)), "奖金（元）")
    rows = tuple(("示范市人力资源和社会保障局", *(123.456 * k for k in range(1, 16)), 123456789) for _ in range(30))
    wide = Table(headers, rows, ("text", *["number"] * 15, "yuan"))
    pdf = render_pdf(_report(parts=(Part("宽表", "宽表", table=wide),)))
    boxes = _pdftotext(pdf, tmp_path, "-bbox")
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes))
    assert right <= 595.28 - 51.0 + 0.5  # A4 less the 18 mm margin
    assert "123,456,789" in boxes
    assert "1851.84" in boxes  # 123.456 * 15, whole: numbers never wrap


def test_workbook_sheets_frozen_filtered_formatted() -> None:
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(_report())))
    assert book.sheetnames == ["总览", "全部单位", "说明"]
    assert book.properties.title == "示范市2025年度综合绩效考核年度报告"
    assert book.properties.creator == "Jixiao"
    ws = book["总览"]
    assert ws["A1"].value == "一、总览"
    assert ws["A1"].font.bold
    assert ws["A2"].value == PARAGRAPH
    assert "A2:G2" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A3"].value == "=cmd()"
    assert ws["A3"].data_type == "s"  # text, not a formula
    header = 5  # title, two paragraphs, a blank row
    assert [c.value for c in ws[header]] == list(TABLE.headers)
    assert ws.cell(header, 1).font.bold
    assert ws.freeze_panes == f"A{header + 1}"
    assert ws.auto_filter.ref == f"A{header}:G{header + 200}"
    first = header + 1
    assert ws.cell(first, 4).value == pytest.approx(12.345)  # kept exact; the format shows 2 decimals
    assert ws.cell(first, 4).number_format == "0.00"
    assert ws.cell(first, 5).number_format == "#,##0"
    assert ws.cell(first, 6).value == pytest.approx(73.0769)
    assert ws.cell(first, 6).number_format == '0.00"%"'
    assert ws.cell(first, 1).number_format == "0"
    for i, note in NOTES.items():
        cell = ws.cell(header + i, 7)
        assert (cell.value, cell.data_type) == (note, "s")
    total = header + 201
    assert ws.cell(total, 1).value == "合计"
    assert ws.cell(total, 1).font.bold
    assert ws.cell(total, 5).value == 246913600
    assert ws.cell(total, 5).number_format == "#,##0"
    assert int(ws.auto_filter.ref.rsplit("G", 1)[1]) < total  # the total row is not filtered or sorted
    assert ws.column_dimensions["C"].width > ws.column_dimensions["A"].width  # names, counted two a character
    assert ws.column_dimensions["G"].width >= 60  # the long note, capped
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == f"${header}:${header}"


def test_a_sheet_without_a_table_holds_its_paragraphs() -> None:
    ws = openpyxl.load_workbook(io.BytesIO(render_xlsx(_report())))["说明"]
    assert [ws["A1"].value, ws["A2"].value] == ["三、说明", "仅有文字：a < b & c > d。"]
    assert ws.freeze_panes is None
    assert ws.auto_filter.ref is None


@pytest.mark.parametrize("name", ["", "a" * 32, "结果[1]", "a/b", "a:b", "a*b", "a?b", "a\\b", "'a", "History",
                                  "总览", "全部单位"])
def test_sheet_names_excel_refuses(name: str) -> None:
    parts = (Part("一", "总览"), Part("二", "全部单位"), Part("三", name))
    with pytest.raises(ValueError, match="sheet name"):
        render_xlsx(_report(parts=parts))


def test_sheet_names_are_unique_whatever_their_case() -> None:
    with pytest.raises(ValueError, match="'summary' is used twice"):
        render_xlsx(_report(parts=(Part("一", "Summary"), Part("二", "summary"))))


def test_a_chart_of_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="chart kind 'pie'"):
        render_pdf(_report(parts=(Part("一", "一", charts=(Chart("pie", ("a",), (("x", (1.0,)),)),)),)))


@pytest.mark.parametrize("render", [render_pdf, render_xlsx])
def test_a_row_short_of_a_cell_is_refused(render: object) -> None:
    table = Table(("a", "b"), (("x", 1), ("y",)))
    with pytest.raises(ValueError, match="row 2 has 1 cells for 2 headers"):
        render(_report(parts=(Part("一", "一", table=table),)))  # type: ignore[operator]


def test_a_series_short_of_a_value_is_refused() -> None:
    chart = Chart("bar", ("a", "b"), (("x", (1.0,)),))
    with pytest.raises(ValueError, match="series 'x' has 1 values for 2 categories"):
        render_pdf(_report(parts=(Part("一", "一", charts=(chart,)),)))


def test_a_sample_report_renders(tmp_path: Path) -> None:
    """Empty parts, a chart without series and a table without rows are printed as what they are."""
    parts = (Part("空", "空"), Part("无数据", "无数据", charts=(Chart("line", (), ()),), table=Table(("a", "b"), ())))
    report = _report(parts=parts, footer="")
    assert render_pdf(report)[:5] == b"%PDF-"
    ws = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))["无数据"]
    assert ws.auto_filter.ref == "A3:B3"
