"""``jixiao tickets indicators``: the hotline's rates per unit from a ticket export, without the database (and
without importing Django, so it starts fast). The platform's ``jixiao tickets import`` is a Django command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

EXIT_BAD_INPUT = 2


def _lang_default() -> str:
    lang = os.environ.get("JIXIAO_LANG") or os.environ.get("LANG", "")
    return "en" if lang.lower().startswith("en") else "zh"


def _indicators_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="jixiao tickets indicators",
        description="Response, resolution and satisfaction rates per responsible unit from a 12345 ticket export "
                    "(.csv UTF-8 or GBK, or .xlsx), for the tickets received in a period.")
    p.add_argument("file", help="ticket export: id, received_at, ... (English or Chinese headers)")
    p.add_argument("--period", required=True, help="2026, 2026-03, 2026-Q1 or 2026-03-01..2026-03-31")
    p.add_argument("--sla", help="response time limits: category,urgency,hours (default: 紧急 2 h, 一般 24 h)")
    p.add_argument("--satisfied", default="满意,基本满意",
                   help="the satisfaction answers counted as satisfied, comma-separated (default: 满意,基本满意)")
    p.add_argument("--out", required=True, help="write the rates here (.csv or .xlsx)")
    p.add_argument("--lang", choices=("zh", "en"), default=_lang_default(),
                   help="language of the messages (default: zh, or en when LANG is English)")
    return p


def _say_problems(exc: Exception, lang: str) -> None:
    from jixiao.engine.errors import InputError, InputProblem

    items: list[InputProblem | str] = list(exc.items) if isinstance(exc, InputError) else [str(exc)]
    n = sum(item.count if isinstance(item, InputProblem) else 1 for item in items)
    head = f"输入有 {n} 处问题：" if lang == "zh" else f"{n} problem{'s' if n != 1 else ''} in the input:"
    print(f"jixiao tickets indicators: {head}", file=sys.stderr)
    for item in items:
        print(f"  {item}", file=sys.stderr)
    print("未写入任何文件。" if lang == "zh" else "Nothing was written.", file=sys.stderr)


def cmd_indicators(argv: Sequence[str]) -> int:
    """Read, restrict to the period, count and write; exit 2 with the problems (and nothing written) on bad
    input."""
    from jixiao.engine.errors import EngineError
    from jixiao.engine.report import write_table
    from jixiao.engine.ticketrates import Sla, indicators, read_sla, without_unit
    from jixiao.engine.tickets import in_period, parse_period, read_tickets

    args = _indicators_parser().parse_args(argv)
    lang = args.lang
    satisfied = tuple(w.strip() for w in args.satisfied.replace("，", ",").split(",") if w.strip())
    try:
        start, end = parse_period(args.period, lang=lang)
        if not args.out.lower().endswith((".csv", ".xlsx")):
            raise ValueError(f"--out {args.out}: 输出文件须为 .csv 或 .xlsx" if lang == "zh"
                             else f"--out {args.out}: the output must end in .csv or .xlsx")
        if not satisfied:
            raise ValueError("--satisfied 不能为空" if lang == "zh" else "--satisfied must name at least one answer")
        sla = read_sla(args.sla, lang=lang) if args.sla else Sla()
        tickets = in_period(read_tickets(args.file, lang=lang), start, end)
        table = indicators(tickets, sla, satisfied=satisfied, lang=lang)
        write_table(table, args.out)
    except (EngineError, ValueError) as exc:
        _say_problems(exc, lang)
        return EXIT_BAD_INPUT
    left_out = without_unit(tickets)
    if lang == "zh":
        line = (f"{tickets.height:,} 件工单，{table.height:,} 个承办单位；{left_out:,} 件无承办单位未计入；"
                f"已写入 {args.out}")
    else:
        line = (f"{tickets.height:,} tickets, {table.height:,} responsible units; {left_out:,} without a unit not "
                f"counted; written to {args.out}")
    print(line, file=sys.stderr)
    return 0
