"""``jixiao weights ahp|entropy|critic`` and ``jixiao allocate``: the file-only commands of weight methods and of a
bonus pool's split (no Django). Exit statuses: 0 done; 1 an AHP matrix that is not consistent (CR >= 0.10: the
weights are still written, with the judgements to revisit); 2 bad input, nothing written."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import polars as pl

EXIT_INCONSISTENT, EXIT_BAD_INPUT = 1, 2


def _fail(command: str, message: str) -> int:
    print(f"jixiao {command}: {message}", file=sys.stderr)
    print("Nothing was written.", file=sys.stderr)
    return EXIT_BAD_INPUT


def read_cells(path: str) -> list[list[str]]:
    """The cells of a .csv (UTF-8 or GBK) or .xlsx (first sheet) as text."""
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"{p.name}: file not found")
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl

        book = openpyxl.load_workbook(p, read_only=True, data_only=True)
        try:
            return [["" if c is None else str(c).strip() for c in row] for row in book.worksheets[0].iter_rows(
                values_only=True)]
        finally:
            book.close()
    if p.suffix.lower() not in (".csv", ".txt"):
        raise ValueError(f"{p.name}: unsupported file type {p.suffix!r}; use .csv or .xlsx")
    import csv

    raw = p.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError(f"{p.name}: neither UTF-8 nor GBK text")
    return [[c.strip() for c in row] for row in csv.reader(text.splitlines()) if any(c.strip() for c in row)]


def read_matrix(path: str) -> tuple[list[str], list[list[float]]]:
    """A square comparison matrix: the first row and column name the criteria, cells like ``3`` or ``1/3``."""
    rows = read_cells(path)
    name = Path(path).name
    if len(rows) < 2:
        raise ValueError(f"{name}: a matrix needs a header row and at least one criterion")
    criteria = [c for c in rows[0][1:] if c]
    matrix: list[list[float]] = []
    for r, row in enumerate(rows[1:], start=2):
        if row[0] != criteria[r - 2] if r - 2 < len(criteria) else True:
            raise ValueError(f"{name}: row {r}: the criterion {row[0]!r} should be {criteria[r - 2]!r} (the row "
                             "order follows the header)" if r - 2 < len(criteria) else
                             f"{name}: row {r}: more rows than criteria in the header")
        cells = []
        for c, cell in enumerate(row[1:len(criteria) + 1], start=2):
            try:
                cells.append(float(Fraction(cell.replace(" ", ""))))
            except (ValueError, ZeroDivisionError):
                raise ValueError(f"{name}: row {r}, column {c}: {cell!r} is not a number like 3 or 1/3") from None
        if len(cells) != len(criteria):
            raise ValueError(f"{name}: row {r}: {len(cells)} judgements for {len(criteria)} criteria")
        matrix.append(cells)
    if len(matrix) != len(criteria):
        raise ValueError(f"{name}: {len(criteria)} criteria in the header but {len(matrix)} rows")
    return criteria, matrix


def cmd_weights(argv: Sequence[str]) -> int:
    from jixiao.engine.weights import MatrixError, ahp

    p = argparse.ArgumentParser(prog="jixiao weights", description="Weights by AHP, the entropy method or CRITIC.")
    sub = p.add_subparsers(dest="method", required=True)
    a = sub.add_parser("ahp", help="AHP from a pairwise comparison matrix (.csv or .xlsx)")
    a.add_argument("matrix")
    a.add_argument("--out", help="write criterion,weight here (.csv or .xlsx)")
    for method in ("entropy", "critic"):
        m = sub.add_parser(method, help=f"{method} weights from a cycle's values")
        m.add_argument("scheme", help="scheme file (.yaml) or the name of a shipped template")
        m.add_argument("--values", required=True, help="values file: unit,indicator,value")
        m.add_argument("--out", help="write indicator,weight here (.csv or .xlsx)")
    args = p.parse_args(argv)
    command = f"weights {args.method}"
    if args.method != "ahp":
        return _data_weights(args, command)
    try:
        criteria, matrix = read_matrix(args.matrix)
        result = ahp(matrix, names=criteria)
        table = pl.DataFrame({"criterion": criteria, "weight": [round(w, 6) for w in result.weights]})
        _write(table, args.out)
    except (ValueError, MatrixError) as exc:
        return _fail(command, str(exc))
    print(f"lambda_max = {result.lambda_max:.4f}, CI = {result.ci:.4f}, CR = {result.cr:.4f}", file=sys.stderr)
    if not result.consistent:
        print(f"CR = {result.cr:.4f} >= 0.10: the judgements are not consistent; the furthest from the weights:",
              file=sys.stderr)
        for i, j, aij, implied in result.worst:
            print(f"  {criteria[i]} : {criteria[j]} = {aij:g}, the weights imply {implied:.2f}", file=sys.stderr)
        return EXIT_INCONSISTENT
    return 0


def _write(table: pl.DataFrame, out: str | None) -> None:
    from jixiao.engine.report import write_table

    if out:
        write_table(table, out)
    else:
        sys.stdout.write(table.write_csv())


def _data_weights(args: argparse.Namespace, command: str) -> int:
    from jixiao.engine import EngineError
    from jixiao.engine.schemefile import load_scheme, load_template
    from jixiao.engine.tables import read_table
    from jixiao.engine.verification import higher_is_better
    from jixiao.engine.weights import critic, entropy

    try:
        scheme = load_scheme(args.scheme) if Path(args.scheme).exists() or args.scheme.endswith(
            (".yaml", ".yml")) else load_template(args.scheme)
        values = read_table(args.values, ["unit", "indicator", "value"], numeric=["value"])
    except (EngineError, KeyError, ValueError) as exc:
        return _fail(command, str(exc.args[0] if isinstance(exc, KeyError) else exc))
    codes = [leaf.code for leaf in scheme.measured_leaves if leaf.rule is not None and leaf.rule.type != "rating"]
    wide = (values.filter(pl.col("indicator").is_in(codes)).pivot("indicator", index="unit", values="value",
                                                                     aggregate_function="first"))
    # Indicators most units lack (those of one unit category) would leave no unit with every value: left out.
    present = [c for c in codes if c in wide.columns and wide[c].null_count() * 2 <= wide.height]
    sparse = [c for c in codes if c in wide.columns and c not in present]
    if not present:
        return _fail(command, f"{Path(args.values).name}: no value of the scheme's measured indicators")
    complete = wide.select("unit", *present).drop_nulls()
    if complete.height < 2:
        return _fail(command, "fewer than 2 units have a value of every indicator; nothing to weigh")
    method = entropy if args.method == "entropy" else critic
    weights, flat = method(complete.select(present).to_numpy(), [higher_is_better(scheme, c) for c in present])
    table = pl.DataFrame({"indicator": present, "weight": [round(w, 6) for w in weights]})
    try:
        _write(table, args.out)
    except ValueError as exc:
        return _fail(command, str(exc))
    left = wide.height - complete.height
    print(f"{args.method}: {len(present)} indicators over {complete.height} units"
          + (f" ({left} units left out for a missing value)" if left else ""), file=sys.stderr)
    if sparse:
        print(f"left out, most units have no value: {', '.join(sparse)}", file=sys.stderr)
    for j in flat:
        print(f"warning: {present[j]} has no spread (every unit the same): weight 0", file=sys.stderr)
    return 0


def cmd_allocate(argv: Sequence[str]) -> int:
    from jixiao.engine.allocation import parse_coefficients, split

    p = argparse.ArgumentParser(prog="jixiao allocate", description="Split a bonus pool by grade coefficients and "
                                "headcount, in whole yuan that add up to the pool (largest remainder).")
    p.add_argument("results", help="a jixiao score output (.csv or .xlsx): unit, rank, grade and the rest")
    p.add_argument("--pool", required=True, help="the pool in whole yuan, e.g. 1000000")
    p.add_argument("--coefficients", required=True, help='e.g. "优秀=1.2,良好=1,合格=0.8,不合格=0"')
    p.add_argument("--headcount", help="file unit,headcount (1 each without it)")
    p.add_argument("--out", required=True, help="output (.csv or .xlsx)")
    args = p.parse_args(argv)
    try:
        pool_text = args.pool.replace(",", "").replace("，", "").strip()
        if not pool_text.isdigit():
            raise ValueError(f"--pool: {args.pool!r} is not a whole number of yuan")
        pool = int(pool_text)
        coefficients = parse_coefficients(args.coefficients)
        rows = read_cells(args.results)
        header, body = rows[0], rows[1:]
        for column in ("unit", "rank", "grade"):
            if column not in header:
                raise ValueError(f"{Path(args.results).name}: missing column {column!r}")
        table = pl.DataFrame([dict(zip(header, r + [""] * (len(header) - len(r)), strict=True)) for r in body],
                             schema=dict.fromkeys(header, pl.String))
        unknown = sorted(set(table["grade"].to_list()) - set(coefficients))
        if unknown:
            raise ValueError(f"--coefficients: no coefficient for {', '.join(repr(g) for g in unknown)}")
        heads = _headcounts(args.headcount) if args.headcount else {}
        codes = table["unit"].to_list()
        missing = [c for c in heads if c not in set(codes)]
        if missing:
            raise ValueError(f"{Path(args.headcount).name}: {', '.join(missing[:5])} not in the results")
        ranks = [int(r) if r.isdigit() else 10**9 for r in table["rank"].to_list()]
        units = [(c, r, coefficients[g], heads.get(c, 1))
                 for c, r, g in zip(codes, ranks, table["grade"].to_list(), strict=True)]
        amounts = split(pool, units)
        out = table.with_columns(coefficient=pl.Series([float(u[2]) for u in units]),
                                 headcount=pl.Series([u[3] for u in units]),
                                 amount=pl.Series([amounts[c] for c in codes]))
        _write(out, args.out)
    except ValueError as exc:
        return _fail("allocate", str(exc))
    print(f"{pool:,} yuan split among {len(codes)} units; {sum(amounts.values()):,} allocated", file=sys.stderr)
    return 0


def _headcounts(path: str) -> dict[str, int]:
    rows = read_cells(path)
    name = Path(path).name
    if not rows or [c.lower() for c in rows[0][:2]] != ["unit", "headcount"]:
        raise ValueError(f"{name}: the header must be unit,headcount")
    out: dict[str, int] = {}
    for r, row in enumerate(rows[1:], start=2):
        if len(row) < 2 or not row[1].isdigit():
            raise ValueError(f"{name}: row {r}, column headcount: {row[1] if len(row) > 1 else ''!r} is not a "
                             "whole number")
        if row[0] in out:
            raise ValueError(f"{name}: row {r}: unit {row[0]} twice")
        out[row[0]] = int(row[1])
    return out
