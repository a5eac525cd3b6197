"""Reading the input tables (CSV or Excel) into Polars frames, with every problem named by file,
row and column. Rows count as a spreadsheet does: the header is row 1.

A CSV file is UTF-8, with or without the byte-order mark Excel writes; an Excel file is read from
its first sheet. Column names are matched without regard to case or surrounding spaces; other
columns are ignored. Code columns come back as stripped text, numeric columns as Float64 (null for
an empty cell) with a Boolean ``<col>__pct`` telling that the cell was written as a percentage
("95%", or an Excel cell formatted as a percentage, whose stored 0.95 is read as 95).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import polars as pl

from jixiao.engine.errors import InputError, InputProblem

ROW = "_row"
MAX_LISTED = 20
XLSX_SUFFIXES = (".xlsx", ".xlsm")


def read_table(path: str | Path, columns: Sequence[str], numeric: Sequence[str] = (),
               codes: Mapping[str, Sequence[str]] | None = None, unstripped: Sequence[str] = ()) -> pl.DataFrame:
    """Read ``path`` and return its ``columns`` (codes as text, ``numeric`` ones as numbers) and ``_row``.

    ``codes`` names columns whose cells should all be one of the given codes (the units of the units
    file, the indicators of the scheme). A CSV whose cells all match is read straight into Polars
    ``Enum`` columns, which is much faster and smaller than text; any other file comes back as text,
    and the caller finds and names the cells that do not match.

    Text cells come back stripped of surrounding spaces, except in the ``unstripped`` columns: a caller
    that looks every cell of such a column up (a million unit codes) strips only the cells it does not
    find, rather than every cell first. A row whose cells are all empty or spaces is dropped either way.
    """
    p = Path(path)
    label = p.name
    if not p.exists():
        raise InputError([InputProblem(label, None, None, f"file not found: {p}")])
    if p.is_dir():
        raise InputError([InputProblem(label, None, None, "is a folder, not a file")])
    suffix = p.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        frame = _read_xlsx(p, label, columns, numeric)
    elif suffix in (".csv", ".txt"):
        frame = _read_csv(p, label, columns, numeric, codes or {})
    else:
        raise InputError([InputProblem(label, None, None,
                                       f"unsupported file type {p.suffix!r}; use .csv (UTF-8) or .xlsx")])
    return _finish(frame, label, columns, numeric, unstripped)


def _header_map(label: str, header: Sequence[str], columns: Sequence[str]) -> dict[str, str]:
    """Map each wanted column to the file's own header spelling; refuse when one is missing."""
    found: dict[str, str] = {}
    for h in header:
        key = str(h).strip().lstrip("\ufeff").lower() if h is not None else ""
        if key in columns and key not in found:
            found[key] = str(h)
    absent = [c for c in columns if c not in found]
    if absent:
        have = ", ".join(str(h) for h in header if h is not None) or "(none)"
        raise InputError([InputProblem(label, 1, c, f"missing column {c!r} (the header has: {have})")
                          for c in absent])
    return found


def _read_csv(p: Path, label: str, columns: Sequence[str], numeric: Sequence[str],
              codes: Mapping[str, Sequence[str]]) -> pl.DataFrame:
    with p.open("rb") as fh:
        head = fh.read(65536)
    if not head.strip():
        raise InputError([InputProblem(label, None, None, "the file is empty")])
    try:
        first = head.decode("utf-8-sig").splitlines()[0]
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:
            raise InputError([InputProblem(label, None, None, "is not UTF-8 text; save it from Excel as "
                                           "'CSV UTF-8' (a GBK/ANSI file would garble Chinese names)")]) from None
        first = head[: exc.start].decode("utf-8-sig").splitlines()[0]
    header = next(csv.reader([first]))
    names = _header_map(label, header, columns)
    wanted = {names[c]: c for c in columns}
    schema: dict[str, pl.DataType] = {names[c]: pl.Float64() for c in numeric}
    schema.update({names[c]: pl.Enum(list(v)) for c, v in codes.items() if c in names})
    try:
        # Fast path: Polars parses numbers and codes. On any problem, fall back to text to say where.
        frame = pl.read_csv(p, infer_schema=False, columns=list(wanted), schema_overrides=schema)
        frame = frame.rename(wanted)
        return frame.with_columns(pl.lit(False).alias(f"{c}__pct") for c in numeric)
    except pl.exceptions.ComputeError as exc:
        text = str(exc)
        if "invalid utf-8" in text:
            raise InputError([InputProblem(label, None, None, "is not UTF-8 text; save it from Excel as "
                                           "'CSV UTF-8'")]) from None
        if "more fields" in text or "ragged" in text:
            raise InputError(_ragged_rows(p, label)) from None
    try:
        frame = pl.read_csv(p, infer_schema=False, columns=list(wanted))
    except pl.exceptions.ComputeError:
        raise InputError(_ragged_rows(p, label)) from None
    frame = frame.rename(wanted)
    return _parse_text_numbers(frame, label, numeric)


def _ragged_rows(p: Path, label: str) -> list[InputProblem]:
    problems: list[InputProblem] = []
    with p.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        width = len(next(reader, []))
        for row in reader:
            if len(row) != width and any(cell.strip() for cell in row):
                problems.append(InputProblem(label, reader.line_num, None,
                                             f"has {len(row)} fields where the header has {width}"))
                if len(problems) >= MAX_LISTED:
                    break
    return problems or [InputProblem(label, None, None, "is not a well-formed CSV file")]


def _parse_text_numbers(frame: pl.DataFrame, label: str, numeric: Sequence[str]) -> pl.DataFrame:
    """Parse numeric text columns as ``jixiao.engine.values.parse_number`` does, a whole column at once:
    full-width digits, '1,234', '95%' (95, marked as a percentage); '9,5' is ambiguous; bad cells are named."""
    from jixiao.engine.values import FULL_WIDTH_FROM, FULL_WIDTH_TO, THOUSANDS_PATTERN

    problems: list[InputProblem] = []
    frame = frame.with_row_index(ROW, offset=2)
    for c in numeric:
        raw = pl.col(c).str.replace_many(list(FULL_WIDTH_FROM), list(FULL_WIDTH_TO)).str.strip_chars()
        pct = raw.str.ends_with("%").fill_null(False)
        digits = raw.str.strip_suffix("%").str.strip_chars()
        commas = digits.str.contains(",", literal=True).fill_null(False)
        grouped = digits.str.contains(THOUSANDS_PATTERN).fill_null(False)
        num = (pl.when(commas & ~grouped).then(None)
               .otherwise(digits.str.replace_all(",", "", literal=True).cast(pl.Float64, strict=False)))
        num = pl.when(num.is_finite()).then(num).otherwise(None)
        frame = frame.with_columns(num.alias(f"{c}__num"), pct.alias(f"{c}__pct"),
                                   (commas & ~grouped).alias(f"{c}__ambiguous"))
        bad = frame.filter(pl.col(f"{c}__num").is_null() & (pl.col(c).str.strip_chars().str.len_chars() > 0))
        for row, cell, ambiguous in bad.select(ROW, c, f"{c}__ambiguous").head(MAX_LISTED).iter_rows():
            cell = cell.strip()
            problems.append(InputProblem(label, row, c, f"{cell!r} is ambiguous: write the decimal point as '.' "
                                         "(9.5) and the thousands as 1,234" if ambiguous
                                         else f"{cell!r} is not a number"))
        if bad.height > MAX_LISTED:
            problems.append(InputProblem(label, None, c, f"... and {bad.height - MAX_LISTED} more cells "
                                         "that are not numbers", count=bad.height - MAX_LISTED))
        frame = frame.drop(c, f"{c}__ambiguous").rename({f"{c}__num": c})
    if problems:
        raise InputError(problems)
    return frame.drop(ROW)


def _read_xlsx(p: Path, label: str, columns: Sequence[str], numeric: Sequence[str]) -> pl.DataFrame:
    from openpyxl import load_workbook  # imported here: CSV-only runs need not load it

    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, KeyError, openpyxl's InvalidFileException ... on a broken file
        why = f"is not a readable .xlsx workbook ({type(exc).__name__}: {exc})"
        raise InputError([InputProblem(label, None, None, why)]) from None
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows()
        header_cells = next(rows, None)
        if header_cells is None:
            raise InputError([InputProblem(label, None, None, "the first sheet is empty")])
        header = [c.value if c.value is None else str(c.value) for c in header_cells]
        names = _header_map(label, [h if h is not None else "" for h in header], columns)
        index = {c: header.index(names[c]) for c in columns}
        data: dict[str, list[object]] = {c: [] for c in columns}
        pct: dict[str, list[bool]] = {c: [] for c in columns}
        for cells in rows:
            values = [c.value for c in cells]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                # An empty row still takes its place so later rows keep their spreadsheet numbers.
                for c in columns:
                    data[c].append(None)
                    pct[c].append(False)
                continue
            for c in columns:
                i = index[c]
                cell = cells[i] if i < len(cells) else None
                v = cell.value if cell is not None else None
                is_pct = bool(cell is not None and isinstance(v, int | float) and not isinstance(v, bool)
                              and "%" in str(getattr(cell, "number_format", "") or ""))
                text = _cell_text(v, is_pct)
                # A column read as text keeps what Excel shows: a cell formatted as a percentage reads "95%".
                data[c].append(text + "%" if is_pct and c not in numeric and text is not None else text)
                pct[c].append(is_pct)
    finally:
        wb.close()
    frame = pl.DataFrame({c: pl.Series(c, data[c], dtype=pl.String) for c in columns})
    parsed = _parse_text_numbers(frame, label, numeric)
    # A cell formatted as a percentage in Excel is a percentage even though it holds a plain number.
    return parsed.with_columns((pl.col(f"{c}__pct") | pl.Series(pct[c], dtype=pl.Boolean)).alias(f"{c}__pct")
                               for c in numeric)


def _cell_text(v: object, is_pct: bool) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int | float):
        f = float(v) * (100 if is_pct else 1)
        if math.isfinite(f) and f == int(f) and abs(f) < 1e15:
            return str(int(f))
        return repr(round(f, 12)) if is_pct else repr(f)
    return str(v)


def _finish(frame: pl.DataFrame, label: str, columns: Sequence[str], numeric: Sequence[str],
            unstripped: Sequence[str] = ()) -> pl.DataFrame:
    frame = frame.with_row_index(ROW, offset=2)
    text_cols = [c for c in columns if c not in numeric and frame.schema[c] == pl.String]
    if stripped := [c for c in text_cols if c not in unstripped]:
        frame = frame.with_columns(pl.col(c).str.strip_chars() for c in stripped)

    # Rows with every cell empty (a spreadsheet's blank lines) carry nothing: drop them. An unstripped column's
    # cells are looked at (stripped) only on rows whose other cells are all empty.
    def empty(c: str) -> pl.Expr:
        if frame.schema[c] != pl.String:
            return pl.col(c).is_null()
        return pl.col(c).is_null() | ((pl.col(c).str.strip_chars() if c in unstripped else pl.col(c)) == "")

    kept = [c for c in columns if c not in unstripped]
    others = pl.all_horizontal([empty(c) for c in kept]) if kept else pl.lit(True)
    if not frame.select(others.any()).item():
        return frame
    blank = pl.all_horizontal([empty(c) for c in columns])
    if frame.select(blank.any()).item():
        frame = frame.filter(~blank)
    return frame
