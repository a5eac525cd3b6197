"""The ``jixiao`` command. ``score``, ``templates`` and ``outliers`` run on the engine alone and never import Django,
so they start fast; every other subcommand is a Django management command run underneath.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence

# Exit statuses: 0 success, 2 bad input (scheme or files), 1 anything unexpected.
EXIT_BAD_INPUT = 2

ENGINE_COMMANDS = {"score", "templates", "outliers", "tickets", "weights", "allocate"}
#: The ``tickets`` subcommands that run on the engine alone: (module, function); the others go to Django.
TICKET_COMMANDS = {"indicators": ("jixiao.engine.ticketcli", "cmd_indicators"),
                   "train": ("jixiao.engine.classify", "cmd_train"),
                   "classify": ("jixiao.engine.classify", "cmd_classify")}


def _lang_default() -> str:
    lang = os.environ.get("JIXIAO_LANG") or os.environ.get("LANG", "")
    return "en" if lang.lower().startswith("en") else "zh"


def _score_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="jixiao score",
        description="Score a population from files: a scheme (YAML) and units, values and ratings "
                    "(.csv UTF-8 or .xlsx, first sheet).")
    p.add_argument("scheme", help="scheme file (.yaml), or the name of a shipped template")
    p.add_argument("--units", required=True, help="units file: unit,name,category")
    p.add_argument("--values", help="values file: unit,indicator,value")
    p.add_argument("--ratings", help="ratings file: unit,indicator,group,rater,score")
    p.add_argument("--targets", help="negotiated targets: unit,indicator,floor,target")
    p.add_argument("--out", help="write the score table here (.csv or .xlsx) instead of printing it")
    p.add_argument("--explain", metavar="CODE", help="print how this unit's score came about")
    p.add_argument("--lang", choices=("zh", "en"), default=_lang_default(),
                   help="language of the explanation (default: zh, or en when LANG is English)")
    p.add_argument("-v", "--verbose", action="store_true", help="report each step and its time on stderr")
    return p


def cmd_score(argv: Sequence[str]) -> int:
    from pathlib import Path

    from jixiao.engine import EngineError, explain, read_inputs, result_frame, score, write_table
    from jixiao.engine.report import print_table
    from jixiao.engine.schemefile import load_scheme, load_template

    args = _score_parser().parse_args(argv)
    started = time.perf_counter()
    last = [started]

    def step(what: str) -> None:
        if args.verbose:
            now = time.perf_counter()
            print(f"  {now - last[0]:6.2f} s  {what}", file=sys.stderr)
            last[0] = now

    try:
        scheme = load_scheme(args.scheme) if Path(args.scheme).exists() or args.scheme.endswith(
            (".yaml", ".yml")) else load_template(args.scheme)
        step(f"scheme {scheme.id}: {len(scheme.leaves)} indicators")
        pop = read_inputs(scheme, args.units, args.values, args.ratings, args.targets)
        step(f"read and checked the inputs: {pop.size:,} units")
        if args.explain and args.explain not in set(pop.codes.tolist()):
            print(f"jixiao score: --explain {args.explain}: no such unit in {Path(args.units).name}",
                  file=sys.stderr)
            return EXIT_BAD_INPUT
        result = score(scheme, pop)
        step("scored, ranked and graded")
        frame = result_frame(result)
        step("built the table")
        if args.out:
            write_table(frame, args.out)
            step(f"wrote {args.out}")
            print(f"{frame.height:,} units scored; table written to {args.out}", file=sys.stderr)
        elif not args.explain:
            print_table(frame, sys.stdout)
        if args.explain:
            sys.stdout.write(explain(result, args.explain, args.lang))
    except EngineError as exc:
        print(f"jixiao score: {exc}", file=sys.stderr)
        print("Nothing was written.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyError as exc:
        print(f"jixiao score: {exc.args[0]}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ValueError as exc:  # e.g. an output path with the wrong extension
        print(f"jixiao score: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


def _outliers_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="jixiao outliers",
        description="Find values far from their peers' (the same files as jixiao score): the modified z-score "
                    "(0.6745 (x - median) / MAD) or the z-score, per indicator and category (or all units). "
                    "Groups of fewer than 5 units with a value are not assessed.")
    p.add_argument("values", help="values file: unit,indicator,value (.csv UTF-8 or .xlsx)")
    p.add_argument("--units", required=True, help="units file: unit,name,category")
    p.add_argument("--method", choices=("modz", "z"), default="modz",
                   help="modz: modified z-score, flagged above 3.5 (default); z: z-score, flagged above 3.0")
    p.add_argument("--threshold", type=float, help="flag when |score| is above this (default: 3.5 modz, 3.0 z)")
    p.add_argument("--by", choices=("category", "all"), default="category",
                   help="compare each unit with its category (default) or with all units")
    p.add_argument("--out", help="write unit,indicator,value,score here (.csv or .xlsx) instead of printing it")
    return p


def cmd_outliers(argv: Sequence[str]) -> int:
    import polars as pl

    from jixiao.engine import EngineError
    from jixiao.engine.errors import InputError, InputProblem
    from jixiao.engine.outliers import outliers
    from jixiao.engine.report import write_table
    from jixiao.engine.tables import ROW, read_table

    args = _outliers_parser().parse_args(argv)
    if args.threshold is not None and not args.threshold > 0:
        print(f"jixiao outliers: --threshold must be above 0; got {args.threshold:g}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        units = read_table(args.units, ["unit", "name", "category"])
        values = read_table(args.values, ["unit", "indicator", "value"], numeric=["value"])
        known = set(units["unit"].to_list())
        unknown = values.filter(~pl.col("unit").is_in(list(known)))
        if unknown.height:
            from pathlib import Path

            raise InputError([InputProblem(Path(args.values).name, int(r[ROW]), "unit",
                                           f"unit {r['unit']!r} is not in {Path(args.units).name}")
                              for r in unknown.head(20).iter_rows(named=True)])
        group = pl.col("category") if args.by == "category" else pl.lit("all")
        frame = values.join(units.select("unit", "category"), on="unit", how="left").with_columns(
            group=group).select("unit", "indicator", "value", "group")
        flagged = outliers(frame, method=args.method, threshold=args.threshold)
        table = flagged.select("unit", "indicator", "value", pl.col("score").round(4))
        checked = frame.filter(pl.col("value").is_not_null()).height
        if args.out:
            write_table(table, args.out)
        else:
            sys.stdout.write(table.write_csv())
        print(f"{table.height:,} of {checked:,} values flagged ({args.method}, |score| > "
              f"{args.threshold if args.threshold is not None else (3.5 if args.method == 'modz' else 3.0):g}, "
              f"by {args.by})" + (f"; written to {args.out}" if args.out else ""), file=sys.stderr)
    except EngineError as exc:
        print(f"jixiao outliers: {exc}", file=sys.stderr)
        print("Nothing was written.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ValueError as exc:
        print(f"jixiao outliers: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


def cmd_templates(argv: Sequence[str]) -> int:
    from jixiao.engine import EngineError
    from jixiao.engine.schemefile import list_templates, template_text

    p = argparse.ArgumentParser(prog="jixiao templates", description="List or show the shipped scheme templates.")
    sub = p.add_subparsers(dest="action")
    show = sub.add_parser("show", help="print one template's YAML")
    show.add_argument("name")
    args = p.parse_args(argv)
    try:
        if args.action == "show":
            sys.stdout.write(template_text(args.name))
            return 0
        listed = list_templates()
        width = max((len(name) for name, _ in listed), default=0)
        for name, scheme in listed:
            print(f"{name:{width}}  {len(scheme.leaves):3} indicators  {scheme.name}")
    except KeyError as exc:
        print(f"jixiao templates: {exc.args[0]}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except EngineError as exc:
        print(f"jixiao templates: {exc}", file=sys.stderr)
        return 1
    return 0


USAGE = """usage: jixiao COMMAND [ARGS]

Scoring from files (no database):
  score SCHEME --units F [--values F] [--ratings F] [--targets F] [--out F] [--explain CODE]
  templates [show NAME]          list the shipped scheme templates, or print one
  outliers VALUES --units F [--method modz|z] [--threshold T] [--by category|all] [--out F]
                                 values far from their peers' (modified z-score or z-score)
  tickets indicators FILE --period P --out F [--sla F] [--satisfied W,W]
                                 hotline rates per unit from a ticket export
  tickets train|classify ...     train or apply the ticket classifier
  weights ahp MATRIX [--out F]   AHP weights and consistency ratio of a pairwise comparison matrix
  weights entropy|critic SCHEME --values F [--out F]
                                 weights from a cycle's values (entropy method, CRITIC)
  allocate RESULTS --pool YUAN --coefficients "优秀=1.2,..." [--headcount F] --out F
                                 split a bonus pool by grade and headcount (largest remainder)

The platform (database):
  demo [--port N]                set up the demo city, compute its results and serve it
  serve [--port N]               serve the site with a production server
  import units|staff|values FILE import a file, all or nothing
  tickets import FILE            import a hotline ticket export, all or nothing
  compute CYCLE                  compute a cycle's results
  manage ARGS                    any Django management command

Run 'jixiao COMMAND --help' for a command's options.
"""


def main(argv: Sequence[str] | None = None) -> int:
    # NumPy asks the kernel for huge pages for its large arrays. Where the kernel then compacts memory on the spot
    # to find them (transparent huge pages with defrag "madvise", a common default), a fresh array of tens of
    # megabytes can stall for as long as the scoring takes; the engine writes each of its arrays once and reads it
    # a few times, which ordinary pages serve as well. Read when NumPy is first imported, so set before that.
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0
    if args[0] in ("--version", "version"):
        from jixiao import __version__

        print(f"jixiao {__version__}")
        return 0
    command, rest = args[0], args[1:]
    try:
        if command == "score":
            return cmd_score(rest)
        if command == "templates":
            return cmd_templates(rest)
        if command == "outliers":
            return cmd_outliers(rest)
        if command in ("weights", "allocate"):
            from jixiao.engine import weightscli

            return weightscli.cmd_weights(rest) if command == "weights" else weightscli.cmd_allocate(rest)
        if command == "tickets" and rest and rest[0] in TICKET_COMMANDS:
            import importlib

            module, function = TICKET_COMMANDS[rest[0]]
            return int(getattr(importlib.import_module(module), function)(rest[1:]))
    except BrokenPipeError:
        # The reader went away (`jixiao score ... | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return _django(command, rest)


def _django(command: str, rest: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError:  # pragma: no cover - Django is a dependency
        print("jixiao: Django is not installed", file=sys.stderr)
        return 1
    if command == "manage":
        execute_from_command_line(["jixiao", *rest])
    else:
        execute_from_command_line(["jixiao", command, *rest])
    return 0


def run() -> None:
    """The ``jixiao`` console command: ``main``, then the exit. After one of the engine's commands (which hold no
    server, connection or temporary file open: the outputs are written and renamed into place before they return),
    the process ends at once rather than taking its interpreter down piece by piece, which after scoring a million
    units means freeing millions of objects and arrays nobody will read (about a tenth of a second)."""
    args = sys.argv[1:]
    status = main(args)
    if args and args[0] in ENGINE_COMMANDS:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BrokenPipeError:  # the reader went away: nothing left to say
            pass
        os._exit(status)
    sys.exit(status)


if __name__ == "__main__":  # pragma: no cover
    run()
