"""A report (年度考核报告) as a PDF and as one Excel workbook, from plain values: no Django, no database.

A ``Report`` is a title and numbered ``Part``s; a part has paragraphs, charts and one table. The PDF (reportlab)
prints everything in reportlab's built-in CID font STSong-Light, which needs no font file on the machine that makes
the PDF and is shown by every PDF reader with its own Song typeface; charts are drawn as vectors; a table repeats
its header row on each page, wraps long text, and is fitted to the page (a smaller font when the columns need it);
each page carries the footer and 第 N 页 / 共 M 页. The workbook has a sheet per part: the title, the paragraphs,
then the table with its header frozen, a filter over the rows (the total row below it), column widths fitted to
the text (a Chinese character counts two), numbers formatted (2 decimals, percentages, whole yuan with separators)
and kept as numbers, and text that begins like a formula kept as text.

Numbers are shown rounded half up (as people round): 12.345 -> 12.35, through ``Decimal`` of the value's shortest
representation (``str(12.345)``), not of the binary float just below it.
"""

from jixiao.outcomes.reportfiles.model import Chart, Part, Report, Table, cell_text, check_report, check_sheets
from jixiao.outcomes.reportfiles.pdf import render_pdf
from jixiao.outcomes.reportfiles.workbook import render_xlsx

__all__ = ["Chart", "Part", "Report", "Table", "cell_text", "check_report", "check_sheets", "render_pdf", "render_xlsx"]
