"""Reading the files of the 12345 hotline (工单导出, 响应时限) into text frames, and saying what is wrong with
them in Chinese or English. ``tickets`` turns the text into typed, checked tickets; this module only finds the
columns and the cells.

- A CSV file is UTF-8 (with or without the BOM) or GBK/GB18030, which is what Chinese Excel writes for "CSV":
  the bytes are decoded as UTF-8 first and as GB18030 when that fails (GB18030 is a superset of GBK, and bytes
  that happen to be valid UTF-8 are almost never meant as GBK). Polars then reads UTF-8 bytes.
- An Excel file is read from its first sheet; a date-time cell becomes ``YYYY-MM-DD HH:MM:SS`` text, rounded
  to the second (Excel stores a fraction of a day, openpyxl gives it back with a stray microsecond).
- Header names are matched ignoring case, spaces and a BOM, against the canonical (English) name and its
  Chinese names. Rows are numbered as a spreadsheet does: the header is row 1. Rows with every wanted cell
  empty are dropped after numbering, so the rows after them keep their numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from jixiao.engine.errors import InputError, InputProblem

ROW = "_row"
#: At most this many problems are listed; the rest are counted in one summary line.
MAX_LISTED = 20
CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
LANGS = ("zh", "en")

#: The problems' words, keyed by language. ``where`` places a reason at a row and column.
MESSAGES: dict[str, dict[str, str]] = {
    "zh": {
        "not_found": "找不到文件：{path}",
        "folder": "是文件夹，不是文件",
        "suffix": "不支持的文件类型“{suffix}”，请使用 .csv 或 .xlsx",
        "empty": "文件是空的",
        "no_rows": "只有表头，没有数据行",
        "encoding": "既不是 UTF-8 也不是 GBK 编码的文本",
        "xlsx": "不是可读取的 .xlsx 工作簿（{why}）",
        "ragged": "有 {n} 个字段，而表头有 {width} 个",
        "malformed": "不是格式正确的 CSV 文件",
        "missing_column": "缺少必需的列“{name}”（表头为：{have}）",
        "required": "不能为空",
        "duplicate_id": "工单编号“{value}”重复（第 {first} 行已有）",
        "datetime": "无法识别的日期时间“{value}”",
        "before": "“{value}”早于受理时间“{received}”",
        "satisfaction": "无法识别的满意度“{value}”（应为 满意、基本满意 或 不满意）",
        "transfers": "转办次数“{value}”不是非负整数",
        "hours": "时限“{value}”不是大于 0 的小时数",
        "duplicate_rule": "与第 {first} 行的规则重复（同一分类、同一紧急程度）",
        "more": "…… 另有 {n} 处问题",
        "no_rule": "紧急程度“{urgency}”没有响应时限（{n} 件工单）；请在时限文件中为它加一条规则",
        "header_have": "无",
    },
    "en": {
        "not_found": "file not found: {path}",
        "folder": "is a folder, not a file",
        "suffix": "unsupported file type {suffix!r}; use .csv or .xlsx",
        "empty": "the file is empty",
        "no_rows": "has a header but no data rows",
        "encoding": "is neither UTF-8 nor GBK text",
        "xlsx": "is not a readable .xlsx workbook ({why})",
        "ragged": "has {n} fields where the header has {width}",
        "malformed": "is not a well-formed CSV file",
        "missing_column": "missing column {name!r} (the header has: {have})",
        "required": "must not be empty",
        "duplicate_id": "duplicate id {value!r} (already at row {first})",
        "datetime": "not a date and time: {value!r}",
        "before": "{value!r} is before the received time {received!r}",
        "satisfaction": "unknown satisfaction {value!r} (use 满意, 基本满意 or 不满意, or satisfied, "
                        "basically satisfied, dissatisfied)",
        "transfers": "not a whole number of transfers: {value!r}",
        "hours": "not a number of hours above 0: {value!r}",
        "duplicate_rule": "repeats the rule of row {first} (same category and urgency)",
        "more": "... and {n} more problems",
        "no_rule": "urgency {urgency!r} has no response time limit ({n} tickets); add a rule for it to the SLA file",
        "header_have": "(none)",
    },
}


def message(lang: str, key: str, **values: object) -> str:
    """The problem ``key`` in ``lang`` with its ``values`` filled in.

    >>> message("zh", "datetime", value="2026-13-01")
    '无法识别的日期时间“2026-13-01”'
    >>> message("en", "datetime", value="2026-13-01")
    "not a date and time: '2026-13-01'"
    """
    return MESSAGES["en" if lang == "en" else "zh"][key].format(**values)


@dataclass(frozen=True)
class TicketProblem(InputProblem):
    """An ``InputProblem`` that reads in the platform's language: ``工单.csv 第 5 行“受理时间”列：原因``."""

    lang: str = "zh"

    def __str__(self) -> str:
        if self.lang == "en":
            return super().__str__()
        place = self.file
        if self.row is not None:
            place += f" 第 {self.row} 行"
        if self.column is not None:
            place += f"“{self.column}”列"
        return f"{place}：{self.reason}"


@dataclass(frozen=True)
class Column:
    """A column of a hotline file: its canonical (English) name and the Chinese names exports use."""

    name: str
    zh: tuple[str, ...]


@dataclass(frozen=True)
class RawTable:
    """A file's wanted columns as stripped text (empty -> null), its ``_row``, and each found column's header
    as the file spelled it."""

    label: str
    frame: pl.DataFrame
    headers: Mapping[str, str]
    lang: str

    def column_label(self, name: str) -> str:
        """How problems name column ``name``: in Chinese, the header the file used when it is Chinese."""
        used = self.headers.get(name)
        if self.lang == "zh" and used is not None and not used.isascii():
            return used
        return name

    def problem(self, row: int | None, column: str | None, reason: str, count: int = 1) -> TicketProblem:
        label = self.column_label(column) if column is not None else None
        return TicketProblem(self.label, row, label, reason, count, lang=self.lang)


def _key(header: object) -> str:
    return "".join(str(header).lstrip("\ufeff").split()).lower() if header is not None else ""


def _fail(label: str, lang: str, key: str, row: int | None = None, **values: object) -> InputError:
    return InputError([TicketProblem(label, row, None, message(lang, key, **values), lang=lang)])


def read_raw(path: str | Path, columns: Sequence[Column], required: Sequence[str], *, lang: str) -> RawTable:
    """Read ``path`` (.csv or .xlsx) into a ``RawTable`` of the ``columns`` it has; a ``required`` column
    that is absent is refused (row 1). Absent optional columns are all null."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}; got {lang!r}")
    p = Path(path)
    label = p.name
    if not p.exists():
        raise _fail(label, lang, "not_found", path=p)
    if p.is_dir():
        raise _fail(label, lang, "folder")
    suffix = p.suffix.lower()
    def match(header: Sequence[object]) -> dict[str, int]:
        return _match_header(label, header, columns, required, lang)

    if suffix in CSV_SUFFIXES:
        header, found, picked = _read_csv(p, label, lang, match)
    elif suffix in XLSX_SUFFIXES:
        header, found, picked = _read_xlsx(p, label, lang, match)
    else:
        raise _fail(label, lang, "suffix", suffix=p.suffix or "(none)")
    names = {c.name for c in columns}
    picked = picked.with_columns(pl.lit(None, dtype=pl.String).alias(c.name) for c in columns if c.name not in found)
    picked = picked.select([c.name for c in columns]).with_row_index(ROW, offset=2)
    picked = picked.with_columns(pl.col(ROW).cast(pl.Int64), *[
        pl.col(n).str.strip_chars().replace("", None) for n in names])
    blank = pl.all_horizontal(pl.col(c.name).is_null() for c in columns)
    picked = picked.filter(~blank)
    if picked.height == 0:
        raise _fail(label, lang, "no_rows")
    return RawTable(label, picked, {name: str(header[i]) for name, i in found.items()}, lang)


def _match_header(label: str, header: Sequence[object], columns: Sequence[Column], required: Sequence[str],
                  lang: str) -> dict[str, int]:
    """The index of each wanted column in ``header`` (the first match when a name repeats)."""
    wanted: dict[str, str] = {}
    for c in columns:
        for alias in (c.name, *c.zh):
            wanted.setdefault(_key(alias), c.name)
    found: dict[str, int] = {}
    for i, h in enumerate(header):
        name = wanted.get(_key(h))
        if name is not None and name not in found:
            found[name] = i
    absent = [c for c in columns if c.name in required and c.name not in found]
    if absent:
        have = "、".join(str(h) for h in header if h) if lang == "zh" else ", ".join(str(h) for h in header if h)
        have = have or message(lang, "header_have")
        chinese = any(not str(h).isascii() for h in header if h)
        raise InputError([TicketProblem(label, 1, c.zh[0] if lang == "zh" and chinese else c.name,
                                        message(lang, "missing_column",
                                                name=c.zh[0] if lang == "zh" and chinese else c.name, have=have),
                                        lang=lang) for c in absent])
    return found


def decode(raw: bytes) -> tuple[str, bytes] | None:
    """``raw`` as text and as UTF-8 bytes without a BOM: UTF-8 when it is, else GB18030; None when neither.

    >>> decode("受理时间".encode("gbk"))[0], decode(b"\\xef\\xbb\\xbfid")[1]
    ('受理时间', b'id')
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            return None
        return text, text.encode("utf-8")
    return text, raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw


Matcher = Callable[[Sequence[object]], dict[str, int]]


def _read_csv(p: Path, label: str, lang: str, match: Matcher) -> tuple[list[str], dict[str, int], pl.DataFrame]:
    raw = p.read_bytes()
    if not raw.strip():
        raise _fail(label, lang, "empty")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    # Polars checks that the columns it reads are UTF-8, so a whole UTF-8 file is not decoded in Python: only
    # its first line here, and the file again when Polars finds it is not UTF-8 (GBK).
    data = raw
    head = _first_line(raw)
    if head is None:
        data, head = _to_utf8(raw, label, lang)
    header = next(csv.reader(io.StringIO(head)), [])
    if not any(h.strip() for h in header):
        raise _fail(label, lang, "empty")
    found = match(header)
    columns = list(found.values())
    try:
        # Only the wanted columns are parsed (the complaint's text is the bulk of an export and is not needed).
        frame = pl.read_csv(data, has_header=True, infer_schema=False, columns=columns)
    except pl.exceptions.ComputeError as exc:
        if "utf-8" not in str(exc).lower() or data is not raw:
            raise InputError(_ragged_rows(raw.decode("utf-8", errors="replace"), label, lang)) from None
        data, _ = _to_utf8(raw, label, lang)
        try:
            frame = pl.read_csv(data, has_header=True, infer_schema=False, columns=columns)
        except pl.exceptions.ComputeError:
            raise InputError(_ragged_rows(data.decode("utf-8"), label, lang)) from None
    return header, found, frame.rename(dict(zip(frame.columns, found, strict=True)))


def _first_line(raw: bytes) -> str | None:
    """The first lines of ``raw`` when they are UTF-8 (a character cut at the end of the sample is fine)."""
    sample = raw[:65536]
    try:
        return sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4 or len(sample) == len(raw):
            return None
        return sample[: exc.start].decode("utf-8")


def _to_utf8(raw: bytes, label: str, lang: str) -> tuple[bytes, str]:
    decoded = decode(raw)
    if decoded is None:
        raise _fail(label, lang, "encoding")
    text, data = decoded
    return data, text


def _ragged_rows(text: str, label: str, lang: str) -> list[InputProblem]:
    problems: list[InputProblem] = []
    reader = csv.reader(io.StringIO(text))
    width = len(next(reader, []))
    for number, row in enumerate(reader, start=2):
        if len(row) != width and any(cell.strip() for cell in row):
            problems.append(TicketProblem(label, number, None, message(lang, "ragged", n=len(row), width=width),
                                          lang=lang))
            if len(problems) >= MAX_LISTED:
                break
    return problems or [TicketProblem(label, None, None, message(lang, "malformed"), lang=lang)]


def _read_xlsx(p: Path, label: str, lang: str, match: Matcher) -> tuple[list[str], dict[str, int], pl.DataFrame]:
    from openpyxl import load_workbook  # imported here: CSV-only runs need not load it

    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, KeyError, openpyxl's InvalidFileException ... on a broken file
        raise _fail(label, lang, "xlsx", why=f"{type(exc).__name__}: {exc}") from None
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        first = next(rows, None)
        if first is None or all(v is None for v in first):
            raise _fail(label, lang, "empty")
        header = ["" if v is None else str(v) for v in first]
        found = match(header)
        data: dict[str, list[str | None]] = {name: [] for name in found}
        for values in rows:
            for name, i in found.items():
                data[name].append(cell_text(values[i]) if i < len(values) else None)
    finally:
        wb.close()
    return header, found, pl.DataFrame({name: pl.Series(v, dtype=pl.String) for name, v in data.items()})


def cell_text(v: object) -> str | None:
    """An Excel cell's value as the text a CSV export would hold.

    >>> cell_text(dt.datetime(2026, 3, 1, 7, 59, 59, 999_600)), cell_text(3.0), cell_text(2.5), cell_text(None)
    ('2026-03-01 08:00:00', '3', '2.5', None)
    """
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return (v + dt.timedelta(microseconds=500_000)).replace(microsecond=0).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.date):
        return v.strftime("%Y-%m-%d 00:00:00")
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float) and math.isfinite(v) and v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return str(v)


class Problems:
    """Problems found column by column; ``raise_if_any`` lists them by row (at most ``MAX_LISTED``) and
    counts the rest, so a file with a million bad cells still gives a short, useful answer."""

    def __init__(self, table: RawTable) -> None:
        self.table = table
        self.found: list[tuple[int, int, TicketProblem]] = []
        self.total = 0

    def add(self, bad: pl.DataFrame, column: str, order: int, reason: object) -> None:
        """Record the rows of ``bad`` (with ``_row``) as problems of ``column``; ``reason(row) -> str``."""
        if bad.height == 0:
            return
        self.total += bad.height
        for r in bad.sort(ROW).head(MAX_LISTED).iter_rows(named=True):
            text = reason(r) if callable(reason) else str(reason)
            self.found.append((int(r[ROW]), order, self.table.problem(int(r[ROW]), column, text)))

    def raise_if_any(self) -> None:
        if not self.found:
            return
        self.found.sort(key=lambda item: (item[0], item[1]))
        listed = [p for _, _, p in self.found[:MAX_LISTED]]
        rest = self.total - len(listed)
        if rest > 0:
            listed.append(self.table.problem(None, None, message(self.table.lang, "more", n=rest), count=rest))
        raise InputError(listed)
