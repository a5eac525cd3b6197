"""Paper questionnaires typed into a file: an .xlsx workbook or a .csv (UTF-8, or GBK/GB18030 as Excel saves it in
China), one questionnaire a row. Columns by header: the unit code (单位代码 / unit), Q1..Qn, optionally the seconds
taken (用时 / seconds) and the respondent (受访者 / respondent)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from jixiao.core.errors import ImportRefusedError

UNIT = ("单位代码", "unit", "单位")
SECONDS = ("用时", "seconds", "用时(秒)", "用时（秒）")
RESPONDENT = ("受访者", "respondent")


def _table(name: str, data: bytes) -> list[list[Any]]:
    if name.lower().endswith(".xlsx"):
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return [list(row) for row in csv.reader(io.StringIO(text))]
    raise ImportRefusedError([(name, None, None, _("the file is neither UTF-8 nor GBK text"))])


def _cell(cells: list[Any], i: int | None) -> Any:
    return cells[i] if i is not None and i < len(cells) else None


def read_responses(name: str, data: bytes, questions: int) -> list[tuple[Any, ...]]:
    """The rows of a file as ``do_load_survey_responses`` takes them (row number as the spreadsheet shows it)."""
    table = _table(name, data)
    if not table:
        raise ImportRefusedError([(name, None, None, _("the file is empty"))])
    header = [str(c or "").strip() for c in table[0]]
    lower = [h.lower() for h in header]

    def column(names: tuple[str, ...]) -> int | None:
        return next((i for i, h in enumerate(lower) if h in {n.lower() for n in names}), None)

    unit = column(UNIT)
    qs = [column((f"q{k}", f"题{k}")) for k in range(1, questions + 1)]
    missing = ([UNIT[0]] if unit is None else []) + [f"Q{k}" for k, i in enumerate(qs, start=1) if i is None]
    if missing:
        raise ImportRefusedError([(name, 1, m, _("column missing")) for m in missing])
    seconds, respondent = column(SECONDS), column(RESPONDENT)
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(c not in (None, "") for c in cells):
            continue
        answers = [_cell(cells, i) for i in qs]
        answers = [int(a) if isinstance(a, float) and a.is_integer() else a for a in answers]
        rows.append((number, str(_cell(cells, unit) or "").strip(), answers, _cell(cells, seconds),
                     str(_cell(cells, respondent) or "")))
    return rows
