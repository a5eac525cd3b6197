"""The score table and its files: columns ``unit, name, category, total, rank, grade, flags`` and then
one column per tree node (points earned, empty where the node does not apply), in tree order.

Text that came from input (unit codes and names, categories, grade names, flags) is written so that a
spreadsheet never runs it as a formula (``sheets``): a string cell in .xlsx, a leading single quote in .csv
when it starts with = + - @, a tab or a carriage return.

Flags, separated by "; ": ``missing:CODE,CODE`` (indicators without a value, scored 0), or under
``missing: exclude`` ``excluded:CODE,CODE`` (without a value, so not applicable), ``veto:CODE``,
``quota:GRADE`` (the subject reached GRADE's minimum but its quota was full, or a tie straddled its
edge). Figures are rounded to 2 decimals for display only.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import unicodedata
from pathlib import Path
from typing import TextIO

import polars as pl

from jixiao.engine.score import Population, ScoreResult
from jixiao.engine.sheets import FORMULA_PATTERN, csv_safe, xlsx_row

FIXED_COLUMNS = ("unit", "name", "category", "total", "rank", "grade", "flags")
XLSX_MAX_ROWS = 1_048_575


def result_frame(result: ScoreResult) -> pl.DataFrame:
    """The score table as a Polars frame (one row per subject, in input order)."""
    scheme = result.scheme
    pop = result.population
    leaves = scheme.leaves
    cols: dict[str, object] = {
        "unit": _text_column(pop, "unit"),
        "name": _text_column(pop, "name"),
        "category": _text_column(pop, "category"),
        "total": result.total,
        "rank": result.rank,
        "grade": pl.Series("grade", result.grade_names().tolist(), dtype=pl.String),
    }
    # Under `missing: exclude` a missing indicator is not applicable; it is flagged `excluded` so the
    # data gap stays visible without claiming it cost points.
    gap = "x" if scheme.missing == "exclude" else "m"
    # Only the columns where some subject is flagged take part (most are all False: no text made for them).
    parts = {name: column for name, column in (
        *((f"{gap}{j}", result.missing[:, j]) for j in range(len(leaves))),
        *((f"v{k}", result.veto_hits[:, k]) for k in range(result.veto_hits.shape[1])),
        *((f"q{g}", result.grading.demoted[:, g]) for g in range(len(scheme.grades))),
    ) if column.any()}
    flag_parts = pl.DataFrame(parts)

    def joined(prefix: str, names: list[str]) -> pl.Expr:
        items = [pl.when(pl.col(f"{prefix}{i}")).then(pl.lit(name)) for i, name in enumerate(names)
                 if f"{prefix}{i}" in parts]
        if not items:
            return pl.lit(None, dtype=pl.String)
        body = pl.concat_str(items, separator=",", ignore_nulls=True)
        return pl.when(body != "").then(pl.lit(f"{_FLAG_WORD[prefix]}:") + body)

    if parts:
        flags = flag_parts.select(pl.concat_str([
            joined(gap, [leaf.code for leaf in leaves]),
            joined("v", list(scheme.veto.codes)),
            joined("q", [g.name for g in scheme.grades]),
        ], separator="; ", ignore_nulls=True).fill_null("").alias("flags"))["flags"]
    else:
        flags = pl.repeat("", pop.size, dtype=pl.String, eager=True).alias("flags")
    cols["flags"] = flags
    for k, node in enumerate(scheme.nodes):
        cols[node.code] = result.earned[:, k]
    frame = pl.DataFrame(cols)
    node_codes = [node.code for node in scheme.nodes]
    # Rounded for display only (half away from zero, as people round); ranks used the exact values.
    return frame.with_columns(pl.col("total").round(2), pl.col(node_codes).round(2).fill_nan(None))


def _text_column(pop: Population, key: str) -> pl.Series:
    """One of the subjects' text columns as a Polars column, taken as it is when it came from Polars."""
    column = pop.text[key]
    if isinstance(column, pl.Series):
        return column.cast(pl.String).rename(key)
    return pl.Series(key, column.tolist(), dtype=pl.String)


_FLAG_WORD = {"m": "missing", "x": "excluded", "v": "veto", "q": "quota"}


def write_table(frame: pl.DataFrame, path: str | Path) -> None:
    """Write the table to .csv (UTF-8 with the BOM Excel needs for Chinese) or .xlsx, atomically:
    the file appears whole or not at all."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(f"{p.name}: the output must end in .csv or .xlsx")
    if suffix == ".xlsx" and frame.height > XLSX_MAX_ROWS:
        raise ValueError(f"{p.name}: {frame.height:,} rows do not fit in an Excel sheet; write .csv instead")
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".jixiao-", suffix=suffix, dir=p.parent)
    os.close(fd)
    try:
        if suffix == ".csv":
            write_csv(frame, tmp)
        else:
            write_xlsx(frame, tmp)
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


#: Rows made ready and written at a time: the two-place decimals of a million rows' figures would take 16 bytes
#: each at once; a block at a time they take the same memory over and over.
WRITE_ROWS = 1 << 17


def write_csv(frame: pl.DataFrame, path: str | Path) -> None:
    """UTF-8 with the BOM Excel needs for Chinese, 2-decimal figures, and text a spreadsheet cannot take
    for a formula (``sheets.csv_safe``)."""
    text = [name for name, dtype in frame.schema.items() if dtype in (pl.String, pl.Categorical, pl.Enum)]
    floats = [name for name, dtype in frame.schema.items() if dtype in (pl.Float64, pl.Float32)]
    # Figures as decimals of two places: written as integers with the point set, twice as fast as formatting
    # each float to two places, with the same digits (a NaN or infinity keeps the float's own words).
    decimals = bool(floats) and frame.select(pl.all_horizontal(pl.col(c).is_finite() | pl.col(c).is_null()
                                                               for c in floats).all()).item()
    ready = [*(_csv_safe_column(name) for name in text),
             *((pl.col(c).round(2).cast(pl.Decimal(38, 2)) for c in floats) if decimals else ())]
    own_header = any(csv_safe(name) != name for name in frame.columns)
    with open(path, "wb") as fh:
        if own_header:  # a header a spreadsheet would read as a formula: written here, the rows by Polars after it
            header = io.StringIO()
            csv.writer(header, lineterminator="\n").writerow([csv_safe(name) for name in frame.columns])
            fh.write(header.getvalue().encode("utf-8-sig"))
        for at in range(0, max(frame.height, 1), WRITE_ROWS):
            first = at == 0 and not own_header
            frame.slice(at, WRITE_ROWS).with_columns(ready).write_csv(fh, include_header=first, include_bom=first,
                                                                      float_precision=2)


def _csv_safe_column(name: str) -> pl.Expr:
    c = pl.col(name).cast(pl.String)
    return pl.when(c.str.contains(FORMULA_PATTERN)).then(pl.lit("'") + c).otherwise(c).alias(name)


def write_xlsx(frame: pl.DataFrame, path: str | Path, sheet: str = "scores") -> None:
    """A sheet as an office expects it: bold frozen header, sensible widths, 2-decimal numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.freeze_panes = "B2"
    for i, name in enumerate(frame.columns):
        width = 14 if name not in ("name", "flags") else 28
        ws.column_dimensions[_col_letter(i)].width = width
    xlsx_row(ws, frame.columns, font=Font(bold=True))
    for row in frame.iter_rows():
        xlsx_row(ws, row)
    wb.save(path)


def _col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def print_table(frame: pl.DataFrame, out: TextIO) -> None:
    """A plain aligned table for a terminal, wide characters counted as two columns."""
    rows = [[_fmt(v) for v in row] for row in frame.iter_rows()]
    header = list(frame.columns)
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(header)]
    numeric = [dt.is_numeric() for dt in frame.dtypes]

    def line(cells: list[str]) -> str:
        parts = []
        for i, c in enumerate(cells):
            pad = " " * (widths[i] - _width(c))
            parts.append(pad + c if numeric[i] else c + pad)
        return "  ".join(parts).rstrip()

    out.write(line(header) + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for r in rows:
        out.write(line(r) + "\n")


def _fmt(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.2f}"
    return str(v)
