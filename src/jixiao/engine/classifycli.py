"""``jixiao tickets train`` and ``jixiao tickets classify``: the ticket classifier on files, no Django.

Input files are .csv (UTF-8 with or without the BOM, or GBK/GB18030 as older Excel writes it) or .xlsx (first
sheet); header names are matched without regard to case. Bad input exits with status 2, names the file, row
and column, and writes nothing. Messages are in Chinese by default, English with ``--lang en`` (or LANG=en...).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from jixiao.engine.errors import EngineError, InputError, InputProblem

EXIT_BAD_INPUT = 2
MAX_LISTED = 20

# The Chinese of each user-facing message; the English is the key.
ZH = {
    "Nothing was written.": "未写入任何文件。",
    "{n:,} tickets, {classes} classes, {folds}-fold cross-validated accuracy {accuracy:.3f}, macro-F1 {f1:.3f}":
        "{n:,} 条工单，{classes} 个类别，{folds} 折交叉验证准确率 {accuracy:.3f}，宏平均 F1 {f1:.3f}",
    "model written to {path} ({size:,} bytes) in {seconds:.1f} s":
        "模型已写入 {path}（{size:,} 字节），用时 {seconds:.1f} 秒",
    "{n:,} tickets classified at {rate:,.0f} tickets/s; {review:,} for review (confidence below {threshold:g}); "
    "written to {path}":
        "已分类 {n:,} 条工单，每秒 {rate:,.0f} 条；{review:,} 条待人工复核（置信度低于 {threshold:g}）；已写入 {path}",
    "the file is empty": "文件为空",
    "file not found": "找不到文件",
    "unsupported file type {suffix!r}; use .csv or .xlsx": "不支持的文件类型 {suffix!r}；请使用 .csv 或 .xlsx",
    "missing column {column!r} (the header has: {have})": "缺少列 {column!r}（表头为：{have}）",
    "empty cell": "单元格为空",
    "has {got} fields where the header has {width}": "有 {got} 个字段，表头有 {width} 个",
    "... and {more} more empty cells": "……另有 {more} 个空单元格",
    "--threshold must be between 0 and 1": "--threshold 须在 0 与 1 之间",
    "the output must end in .csv or .xlsx": "输出文件须以 .csv 或 .xlsx 结尾",
    "row": "第 {row} 行",
    "column": "列 {column}",
}


def _lang_default() -> str:
    lang = os.environ.get("JIXIAO_LANG") or os.environ.get("LANG", "")
    return "en" if lang.lower().startswith("en") else "zh"


def _t(lang: str, english: str, **kw: object) -> str:
    return (ZH.get(english, english) if lang == "zh" else english).format(**kw)


def _problem(lang: str, file: str, row: int | None, column: str | None, reason: str) -> InputProblem:
    if lang == "zh":
        # InputProblem renders "file, row R, column C: reason"; the Chinese place is folded into the file part.
        place = [file] + ([ZH["row"].format(row=row)] if row is not None else []) + (
            [ZH["column"].format(column=column)] if column is not None else [])
        return InputProblem("，".join(place), None, None, reason)
    return InputProblem(file, row, column, reason)


def read_tickets(path: str | Path, columns: Sequence[str], *, lang: str = "en",
                 required: Sequence[str] | None = None) -> pl.DataFrame:
    """Read ``columns`` of a tickets file as text, in file order. A cell of a ``required`` column (default:
    all) that is empty is refused with its row; rows that are wholly empty are skipped."""
    p = Path(path)
    label = p.name
    if not p.is_file():
        raise InputError([_problem(lang, label, None, None, _t(lang, "file not found"))])
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from jixiao.engine.tables import read_table

        frame = read_table(p, list(columns))
        rows = list(range(2, frame.height + 2))
        frame = frame.with_columns(pl.Series("_row", rows, dtype=pl.Int64))
        blank = pl.all_horizontal([pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in columns])
        frame = frame.filter(~blank)
    elif suffix in (".csv", ".txt"):
        frame = _read_csv(p, label, columns, lang)
    else:
        raise InputError([_problem(lang, label, None, None,
                                   _t(lang, "unsupported file type {suffix!r}; use .csv or .xlsx", suffix=p.suffix))])
    problems: list[InputProblem] = []
    empty = 0
    for c in required if required is not None else columns:
        bad = frame.filter(pl.col(c).is_null() | (pl.col(c).str.strip_chars() == ""))
        empty += bad.height
        for row in bad["_row"].to_list():
            if len(problems) < MAX_LISTED:
                problems.append(_problem(lang, label, row, c, _t(lang, "empty cell")))
    if problems:
        if empty > len(problems):
            problems.append(_problem(lang, label, None, None,
                                     _t(lang, "... and {more} more empty cells", more=empty - len(problems))))
        raise InputError(problems)
    return frame.with_columns(pl.col(c).fill_null("").str.strip_chars() for c in columns).select(*columns, "_row")


def _read_csv(p: Path, label: str, columns: Sequence[str], lang: str) -> pl.DataFrame:
    raw = p.read_bytes()
    if not raw.strip():
        raise InputError([_problem(lang, label, None, None, _t(lang, "the file is empty"))])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")  # GBK and its superset; maps every byte sequence
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    keys = [h.strip().lstrip("\ufeff").lower() for h in header]
    absent = [c for c in columns if c not in keys]
    if absent:
        have = ", ".join(header) or "(none)"
        raise InputError([_problem(lang, label, 1, c, _t(lang, "missing column {column!r} (the header has: {have})",
                                                          column=c, have=have)) for c in absent])
    index = [keys.index(c) for c in columns]
    data: list[list[str]] = [[] for _ in columns]
    rows: list[int] = []
    problems: list[InputProblem] = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            problems.append(_problem(lang, label, number, None, _t(
                lang, "has {got} fields where the header has {width}", got=len(row), width=len(header))))
            if len(problems) >= MAX_LISTED:
                break
            continue
        for j, i in enumerate(index):
            data[j].append(row[i])
        rows.append(number)
    if problems:
        raise InputError(problems)
    frame = pl.DataFrame({c: pl.Series(c, d, dtype=pl.String) for c, d in zip(columns, data, strict=True)})
    return frame.with_columns(pl.Series("_row", rows, dtype=pl.Int64))


def _train_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="jixiao tickets train",
        description="Train a ticket classifier from labelled tickets (id,text,category; .csv UTF-8/GBK or .xlsx) "
                    "and report its cross-validated accuracy and macro-F1.")
    p.add_argument("file", help="labelled tickets: id,text,category")
    p.add_argument("--out", required=True, help="the model file to write (.npz)")
    p.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5; fewer when a "
                   "category has fewer examples)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--lang", choices=("zh", "en"), default=_lang_default(), help="language of the messages")
    return p


def cmd_train(argv: Sequence[str]) -> int:
    """``jixiao tickets train FILE --out MODEL [--folds 5]``; 0 on success, 2 on bad input."""
    from jixiao.engine.classify import train

    args = _train_parser().parse_args(argv)
    lang = args.lang
    prog = "jixiao tickets train"
    if args.folds < 2:
        print(f"{prog}: --folds >= 2", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        frame = read_tickets(args.file, ["id", "text", "category"], lang=lang)
        model, report = train(frame["text"].to_list(), frame["category"].to_list(), folds=args.folds,
                              seed=args.seed)
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp")
        try:
            model.save(tmp)
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
    except EngineError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        print(_t(lang, "Nothing was written."), file=sys.stderr)
        return EXIT_BAD_INPUT
    print(_t(lang, "{n:,} tickets, {classes} classes, {folds}-fold cross-validated accuracy {accuracy:.3f}, "
             "macro-F1 {f1:.3f}", n=report.n, classes=report.classes, folds=report.folds,
             accuracy=report.accuracy, f1=report.macro_f1))
    print(_t(lang, "model written to {path} ({size:,} bytes) in {seconds:.1f} s", path=args.out,
             size=out.stat().st_size, seconds=report.seconds))
    return 0


def _classify_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="jixiao tickets classify",
        description="Classify tickets (id,text; .csv UTF-8/GBK or .xlsx) with a trained model; writes "
                    "id,category,confidence,review (review: confidence below the threshold, for a person).")
    p.add_argument("file", help="tickets: id,text")
    p.add_argument("--model", required=True, help="a model written by jixiao tickets train")
    p.add_argument("--out", required=True, help="the table to write (.csv with BOM, or .xlsx)")
    p.add_argument("--threshold", type=float, default=0.6, help="confidence below which a ticket goes to review "
                   "(default 0.6)")
    p.add_argument("--lang", choices=("zh", "en"), default=_lang_default(), help="language of the messages")
    return p


def cmd_classify(argv: Sequence[str]) -> int:
    """``jixiao tickets classify FILE --model MODEL --out OUT [--threshold 0.6]``; 0 on success, 2 on bad input."""
    from jixiao.engine.classify import Model, classify
    from jixiao.engine.report import write_table

    args = _classify_parser().parse_args(argv)
    lang = args.lang
    prog = "jixiao tickets classify"
    if not 0.0 <= args.threshold <= 1.0:
        print(f"{prog}: {_t(lang, '--threshold must be between 0 and 1')}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if Path(args.out).suffix.lower() not in (".csv", ".xlsx"):
        print(f"{prog}: {Path(args.out).name}: {_t(lang, 'the output must end in .csv or .xlsx')}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        model = Model.load(args.model)
        frame = read_tickets(args.file, ["id", "text"], lang=lang, required=["id"])
        started = time.perf_counter()
        result = classify(frame["text"].to_list(), model=model, threshold=args.threshold,
                          ids=frame["id"].to_list())
        seconds = time.perf_counter() - started
        table = result.select("id", "category", pl.col("confidence").round(4), "review")
        write_table(table, args.out)
    except EngineError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        print(_t(lang, "Nothing was written."), file=sys.stderr)
        return EXIT_BAD_INPUT
    except ValueError as exc:  # write_table: too many rows for an Excel sheet
        print(f"{prog}: {exc}", file=sys.stderr)
        print(_t(lang, "Nothing was written."), file=sys.stderr)
        return EXIT_BAD_INPUT
    n = result.height
    print(_t(lang, "{n:,} tickets classified at {rate:,.0f} tickets/s; {review:,} for review (confidence below "
             "{threshold:g}); written to {path}", n=n, rate=n / seconds if seconds > 0 else float(n),
             review=int(result["review"].sum()), threshold=args.threshold, path=args.out), file=sys.stderr)
    return 0
