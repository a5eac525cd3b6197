"""Benchmark of the scoring engine, and of `jixiao score` end to end, against one DuckDB query.

    .venv/bin/python bench/engine.py                      # 1,000,000 subjects x 20 indicators
    .venv/bin/python bench/engine.py --subjects 10000     # a quick run
    .venv/bin/python bench/engine.py --skip-generate      # reuse the files in --out-dir
    .venv/bin/python bench/engine.py --skip-generate --profile   # + cProfile of the command

Generates units.csv, values.csv (long: one row per unit x indicator, all linear), ratings.csv and
scheme.yaml in --out-dir, then measures, each in a fresh process:

1. the engine in memory: build_population + score + result_frame on frames already read;
2. the command end to end: `jixiao score ... --out result.csv` (wall time, peak RSS);
3. DuckDB doing the same job from the same CSV files in one query written with COPY, twice: writing the same
   table as the command (every node's points as a column; goal: the command <= 0.8x) and writing only total,
   rank and grade (goal <= 1.5x). Each is a process timed from start to exit, as the command is; the query's
   own time is printed too;

and checks that DuckDB's totals, ranks and grades agree with the engine's, and that the two result files have
the same columns. "values" below are the rows of values.csv plus ratings.csv.
"""

from __future__ import annotations

import argparse
import compileall
import json
import math
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import yaml

from engine_duckdb import run_duckdb

ROOT = Path(__file__).resolve().parent.parent
JIXIAO = ROOT / ".venv" / "bin" / "jixiao"
GOAL_SECONDS_20M = 15.0
GOAL_PEAK_BYTES = 4 * 1024**3
#: jixiao score's time over DuckDB's, each a process from start to exit: writing the same table, and writing
#: only total, rank and grade.
GOAL_SAME, GOAL_NARROW = 0.8, 1.5
RATING_CODE = "LEAD"
GROUPS = {"superior": 0.5, "peer": 0.2, "public": 0.3}
GRADES = [
    {"name": "优秀", "min": 90, "quota": 0.15},
    {"name": "良好", "min": 80},
    {"name": "合格", "min": 60},
    {"name": "不合格", "min": 0},
]


# --------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------

def indicator_specs(m: int) -> list[dict[str, Any]]:
    """M linear indicators: about 3 in 5 in group CORE, the rest in group WORK; every third is
    'lower is better'. Deterministic in m, so a scheme can be rebuilt without the files."""
    out = []
    n_core = max(1, round(m * 0.6)) if m > 1 else 1
    for j in range(m):
        if j % 3 == 2:  # lower is better, e.g. days to approve
            floor, target = 30.0, float(5 + j % 4)
        else:
            floor, target = float(50 + 5 * (j % 4)), 100.0
        out.append({"code": f"I{j + 1:02d}", "name": f"指标{j + 1}", "weight": 1 + j % 3,
                    "group": "CORE" if j < n_core else "WORK", "floor": floor, "target": target})
    return out


def scheme_dict(m: int) -> dict[str, Any]:
    specs = indicator_specs(m)

    def leaves(group: str) -> list[dict[str, Any]]:
        return [{"code": s["code"], "name": s["name"], "weight": s["weight"],
                 "rule": {"type": "linear", "floor": s["floor"], "target": s["target"]}}
                for s in specs if s["group"] == group]

    tree: list[dict[str, Any]] = [{"code": "CORE", "name": "核心指标", "weight": 50, "children": leaves("CORE")}]
    if leaves("WORK"):
        tree.append({"code": "WORK", "name": "重点工作", "weight": 30, "children": leaves("WORK")})
    tree.append({"code": RATING_CODE, "name": "领导评价", "weight": 20,
                 "rule": {"type": "rating", "scale": [0, 100], "groups": dict(GROUPS), "trim": 1}})
    return {"id": "bench", "name": "基准测试方案", "scale": 100, "missing": "zero", "ranking": "category",
            "tree": tree, "grades": GRADES}


def generate(out: Path, n: int, m: int, raters: int, seed: int) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    specs = indicator_specs(m)
    quality = rng.normal(0.80, 0.14, n)  # a unit's latent quality: spreads totals over the grades

    units = pl.DataFrame({"_i": np.arange(n, dtype=np.int64)}).select(
        unit=pl.lit("U") + pl.col("_i").cast(pl.String).str.zfill(7),
        name=pl.lit("单位") + pl.col("_i").cast(pl.String).str.zfill(7),
        category=pl.Series(np.where(rng.random(n) < 0.5, "A", "B")))
    units.write_csv(out / "units.csv")
    unit_codes = units["unit"]

    # values: one row per unit x indicator, unit-major, all in one vectorised pass.
    floors = np.array([s["floor"] for s in specs])
    targets = np.array([s["target"] for s in specs])
    frac = quality[:, None] + rng.normal(0.0, 0.12, (n, m))
    # Never below 0: the engine refuses a negative value where the scheme declares no range (days, shares).
    value = np.maximum(np.round(floors + frac * (targets - floors), 2), 0.0).reshape(-1)
    del frac
    ind_codes = pl.Series([s["code"] for s in specs], dtype=pl.String)
    pl.DataFrame({
        "unit": unit_codes.gather(np.repeat(np.arange(n, dtype=np.int64), m)),
        "indicator": ind_codes.gather(np.tile(np.arange(m, dtype=np.int64), n)),
        "value": value,
    }).write_csv(out / "values.csv")
    del value

    # ratings: `raters` per unit for the one rating indicator, dealt round the groups in turn.
    group_names = list(GROUPS)
    k = np.tile(np.arange(raters, dtype=np.int64), n)
    score = np.clip(np.round(100 * (np.repeat(quality, raters) + rng.normal(0.0, 0.08, n * raters))), 0, 100)
    rater_labels = pl.Series([f"{group_names[i % 3][:2]}{i // 3 + 1}" for i in range(raters)], dtype=pl.String)
    pl.DataFrame({
        "unit": unit_codes.gather(np.repeat(np.arange(n, dtype=np.int64), raters)),
        "indicator": pl.Series([RATING_CODE], dtype=pl.String).gather(np.zeros(n * raters, dtype=np.int64)),
        "group": pl.Series(group_names, dtype=pl.String).gather(k % 3),
        "rater": rater_labels.gather(np.tile(np.arange(raters, dtype=np.int64), n)),
        "score": score,
    }).write_csv(out / "ratings.csv")

    (out / "scheme.yaml").write_text(yaml.safe_dump(scheme_dict(m), allow_unicode=True, sort_keys=False),
                                     encoding="utf-8")
    meta = {"subjects": n, "indicators": m, "raters": raters, "seed": seed,
            "value_rows": n * m, "rating_rows": n * raters}
    (out / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return meta


# --------------------------------------------------------------------------------------------
# Stages, each run in its own process so its peak memory is its own
# --------------------------------------------------------------------------------------------

def _rss_now() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def _peak_self() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: kilobytes


def stage_engine(out: Path) -> dict[str, Any]:
    """The engine in memory: reading is excluded, frames typed as the engine's reader types them."""
    from jixiao.engine import build_population, load_scheme, result_frame, score

    scheme = load_scheme(out / "scheme.yaml")
    t0 = time.perf_counter()
    units = pl.read_csv(out / "units.csv", infer_schema=False)
    values = pl.read_csv(out / "values.csv", infer_schema=False, schema_overrides={"value": pl.Float64})
    ratings = pl.read_csv(out / "ratings.csv", infer_schema=False, schema_overrides={"score": pl.Float64})
    read_s = time.perf_counter() - t0
    rss_inputs = _rss_now()

    t0 = time.perf_counter()
    pop = build_population(scheme, units, values, ratings)
    t1 = time.perf_counter()
    result = score(scheme, pop)
    t2 = time.perf_counter()
    frame = result_frame(result)
    t3 = time.perf_counter()
    peak = _peak_self()

    pl.DataFrame({"unit": frame["unit"], "total": result.total, "rank": frame["rank"],
                  "grade": frame["grade"]}).write_parquet(out / "engine_raw.parquet")
    return {"seconds": t3 - t0, "build_population_s": t1 - t0, "score_s": t2 - t1, "result_frame_s": t3 - t2,
            "polars_read_s": read_s, "rss_inputs_bytes": rss_inputs, "peak_rss_bytes": peak,
            "units": frame.height}


def stage_profile(out: Path) -> None:
    """Where the command's time goes, line by line: run ``jixiao.cli.main`` under a tracer that times
    every line of ``src/jixiao`` (inclusive of what it calls, as line_profiler does), then print the
    lines that took at least 0.5% of the run, in file order, so each function's steps read top-down."""
    import linecache
    from collections import defaultdict
    from types import FrameType

    src = str(ROOT / "src" / "jixiao")
    clock = time.perf_counter
    spent: dict[tuple[str, int, str], float] = defaultdict(float)
    raised: dict[tuple[str, int, str], tuple[int, int]] = {}  # line -> (peak RSS it raised by, peak after)
    peak = [_peak_self()]

    def tracer(frame: FrameType, event: str, arg: object) -> Any:
        code = frame.f_code
        if not code.co_filename.startswith(src):
            return None
        state = [frame.f_lineno, clock()]

        def local(frame: FrameType, event: str, arg: object) -> Any:
            if event in ("line", "return"):
                now = clock()
                key = (code.co_filename, state[0], code.co_qualname)
                spent[key] += now - state[1]
                # The peak only grows; the innermost line running when it grew is the one to blame.
                now_peak = _peak_self()
                if now_peak > peak[0]:
                    before = raised.get(key, (0, 0))[0]
                    raised[key] = (before + now_peak - peak[0], now_peak)
                    peak[0] = now_peak
                state[0], state[1] = frame.f_lineno, clock()
            return local

        return local

    t0 = clock()
    sys.settrace(tracer)
    try:
        from jixiao.cli import main  # the imports the command does are timed too

        rc = main(command_argv(out)[1:])
    finally:
        sys.settrace(None)
    total = clock() - t0
    print(f"\nline profile of jixiao.cli.main (exit {rc}): {total:.2f} s traced; times include the lines' "
          "callees; lines under 0.5% are left out", file=sys.stderr)
    last_fn = None
    for (fname, line, fn), sec in sorted(spent.items()):
        if sec < 0.005 * total:
            continue
        if (fname, fn) != last_fn:
            print(f"  {Path(fname).relative_to(ROOT / 'src')} :: {fn}", file=sys.stderr)
            last_fn = (fname, fn)
        text = linecache.getline(fname, line).strip()
        print(f"    {sec:7.2f} s {100 * sec / total:5.1f}%  {line:4}  {text[:100]}", file=sys.stderr)
    print(f"\npeak RSS {_gb(peak[0]).strip()}; the lines that raised it by 50 MB or more (innermost line of "
          "src/jixiao running at the time):", file=sys.stderr)
    for (fname, line, fn), (by, after) in sorted(raised.items()):
        if by >= 50 * 1024**2:
            text = linecache.getline(fname, line).strip()
            print(f"    +{by / 1024**3:5.2f} GB -> {after / 1024**3:5.2f} GB  {Path(fname).name}:{line} {fn}: "
                  f"{text[:80]}", file=sys.stderr)


# --------------------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------------------

def command_argv(out: Path) -> list[str]:
    return [str(JIXIAO), "score", str(out / "scheme.yaml"), "--units", str(out / "units.csv"),
            "--values", str(out / "values.csv"), "--ratings", str(out / "ratings.csv"),
            "--out", str(out / "result.csv")]


def run_stage(name: str, out: Path) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, __file__, "--stage", name, "--out-dir", str(out)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"stage {name} failed ({proc.returncode}):\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def median_run(runs: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """The run with the median time (the lower middle one of an even number), with every run's time."""
    ordered = sorted(runs, key=lambda r: r[key])
    return {**ordered[(len(ordered) - 1) // 2], "all": [round(r[key], 3) for r in runs]}


def run_command(out: Path) -> dict[str, Any]:
    argv = command_argv(out)
    gnu_time = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    if gnu_time:
        argv = [gnu_time, "-v", *argv]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"jixiao score failed ({proc.returncode}):\n{proc.stderr}")
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    if found:
        peak = int(found.group(1)) * 1024
    else:  # the children's maximum so far; valid when this child is the largest yet
        peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) * 1024
    return {"seconds": seconds, "peak_rss_bytes": peak}


def _read_result_csv(path: Path) -> pl.DataFrame:
    frame = pl.read_csv(path, infer_schema=False, columns=None)
    frame = frame.rename({c: c.lstrip("\ufeff") for c in frame.columns})
    return frame.select("unit", pl.col("total").cast(pl.Float64), pl.col("rank").cast(pl.Int64), "grade")


def compare(out: Path) -> dict[str, Any]:
    eng = pl.read_parquet(out / "engine_raw.parquet")
    duck = pl.read_parquet(out / "duckdb_raw.parquet").with_columns(pl.col("rank").cast(pl.Int64),
                                                                    pl.col("grade").replace("", None))
    both = eng.join(duck, on="unit", how="full", suffix="_duck", coalesce=True)
    missing = both.filter(pl.col("total").is_null() | pl.col("total_duck").is_null()).height
    diff = both.select((pl.col("total") - pl.col("total_duck")).abs().max()).item()
    rank_bad = both.filter(pl.col("rank") != pl.col("rank_duck")).height
    grade_bad = both.filter(pl.col("grade").fill_null("") != pl.col("grade_duck").fill_null("")).height
    cmd = _read_result_csv(out / "result.csv")
    dcsv = _read_result_csv(out / "duckdb_result.csv")
    header = [c.lstrip("\ufeff") for c in pl.read_csv(out / "result.csv", n_rows=0).columns]
    same_columns = header == pl.read_csv(out / "duckdb_result.csv", n_rows=0).columns
    files = cmd.join(dcsv, on="unit", how="full", suffix="_duck", coalesce=True)
    file_diff = files.select((pl.col("total") - pl.col("total_duck")).abs().max()).item()
    file_rank_bad = files.filter(pl.col("rank") != pl.col("rank_duck")).height
    file_grade_bad = files.filter(pl.col("grade").fill_null("") != pl.col("grade_duck").fill_null("")).height
    counts = dict(duck.group_by("grade").len().iter_rows())
    grades = {g["name"]: counts.get(g["name"], 0) for g in GRADES}
    return {"units_engine": eng.height, "units_duckdb": duck.height, "units_unmatched": missing,
            "max_abs_total_diff": diff, "rank_mismatches": rank_bad, "grade_mismatches": grade_bad,
            "file_max_abs_total_diff": file_diff, "file_rank_mismatches": file_rank_bad,
            "file_grade_mismatches": file_grade_bad, "file_rows_command": cmd.height,
            "file_rows_duckdb": dcsv.height, "grades": grades, "same_columns": same_columns,
            "agree": bool(missing == 0 and diff is not None and diff <= 1e-6 and rank_bad == 0
                          and grade_bad == 0)}


def _gb(b: int) -> str:
    return f"{b / 1024**3:6.2f} GB"


def report(meta: dict[str, Any], gen_s: float | None, eng: dict[str, Any], cmd: dict[str, Any],
           same: dict[str, Any], narrow: dict[str, Any], cmp: dict[str, Any]) -> None:
    values = meta["value_rows"] + meta["rating_rows"]
    n, m = meta["subjects"], meta["indicators"]
    print()
    print(f"jixiao engine benchmark  (python {sys.version.split()[0]}, polars {pl.__version__}, "
          f"numpy {np.__version__}, duckdb {same['version']}, {os.cpu_count()} cores)")
    print(f"  subjects N = {n:,}   indicators M = {m}   ratings/unit = {meta['raters']}")
    print(f"  values = {meta['value_rows']:,} (values.csv) + {meta['rating_rows']:,} (ratings.csv) = {values:,}")
    if gen_s is not None:
        print(f"  generated in {gen_s:.1f} s")
    print()
    print("  each a process of its own, timed from start to exit (start-up, reading, checks, scoring, writing);")
    print("  the median of the runs counts:")
    print(f"  {'':44} {'seconds':>9} {'values/s':>14} {'peak RSS':>10}")
    rows = (("jixiao score (CSV -> CSV)", cmd["seconds"], cmd),
            (f"DuckDB, the same table ({same['threads']} threads)", same["wall_seconds"], same),
            (f"DuckDB, narrow: total, rank, grade ({narrow['threads']} threads)", narrow["wall_seconds"], narrow))
    for label, sec, fig in rows:
        print(f"  {label:44} {sec:9.2f} {values / sec:14,.0f} {_gb(fig['peak_rss_bytes']):>10}   "
              f"runs: {', '.join(f'{x:.2f}' for x in fig['all'])}")
    print(f"    DuckDB's query alone (after import and connect): the same table {same['seconds_query']:.2f} s, "
          f"narrow {narrow['seconds_query']:.2f} s")
    print(f"    engine in memory (frames already read, in its own process): {eng['seconds']:.2f} s = build_population "
          f"{eng['build_population_s']:.2f} + score {eng['score_s']:.2f} + result_frame {eng['result_frame_s']:.2f}; "
          f"polars read_csv beforehand {eng['polars_read_s']:.2f} s")
    ratio_same = cmd["seconds"] / same["wall_seconds"]
    ratio_narrow = cmd["seconds"] / narrow["wall_seconds"]
    scaled = cmd["seconds"] * 20_000_000 / values
    # The goal is for 20M values; a smaller run is judged on its time scaled up linearly.
    judged = cmd["seconds"] if values >= 20_000_000 else scaled
    print()
    print(f"  command / DuckDB same table = {ratio_same:.2f}   (goal <= {GOAL_SAME}: "
          f"{'MET' if ratio_same <= GOAL_SAME else 'NOT MET'})")
    print(f"  command / DuckDB narrow     = {ratio_narrow:.2f}   (goal <= {GOAL_NARROW}: "
          f"{'MET' if ratio_narrow <= GOAL_NARROW else 'NOT MET'})")
    print(f"  (against the query alone: {cmd['seconds'] / same['seconds_query']:.2f} and "
          f"{cmd['seconds'] / narrow['seconds_query']:.2f})")
    print(f"  command end to end = {cmd['seconds']:.1f} s for {values / 1e6:.1f}M values, {scaled:.1f} s scaled to "
          f"20M   (goal 20M values <= {GOAL_SECONDS_20M:.0f} s: "
          f"{'MET' if judged <= GOAL_SECONDS_20M else 'NOT MET'})")
    print(f"  command peak memory = {_gb(cmd['peak_rss_bytes']).strip()}   (goal <= 4 GB: "
          f"{'MET' if cmd['peak_rss_bytes'] <= GOAL_PEAK_BYTES else 'NOT MET'})")
    print()
    print(f"  check engine vs DuckDB ({cmp['units_engine']:,} units): max |total diff| = "
          f"{cmp['max_abs_total_diff']:.3g}, rank mismatches {cmp['rank_mismatches']}, grade mismatches "
          f"{cmp['grade_mismatches']}, unmatched units {cmp['units_unmatched']} -> "
          f"{'AGREE' if cmp['agree'] else 'DISAGREE'}")
    print(f"  check result.csv vs duckdb_result.csv (the same columns: {cmp['same_columns']}): max |total diff| = "
          f"{cmp['file_max_abs_total_diff']:.3g}, rank mismatches {cmp['file_rank_mismatches']}, "
          f"grade mismatches {cmp['file_grade_mismatches']}")
    print(f"  grades (DuckDB): {', '.join(f'{g} {c:,}' for g, c in cmp['grades'].items())}")
    line = {"bench": "jixiao-engine", "subjects": n, "indicators": m, "raters": meta["raters"], "values": values,
            "cores": os.cpu_count(),
            "engine_s": round(eng["seconds"], 3), "engine_build_population_s": round(eng["build_population_s"], 3),
            "engine_score_s": round(eng["score_s"], 3), "engine_result_frame_s": round(eng["result_frame_s"], 3),
            "command_s": round(cmd["seconds"], 3), "command_values_per_s": round(values / cmd["seconds"]),
            "command_peak_rss": cmd["peak_rss_bytes"],
            "duckdb_same_s": round(same["wall_seconds"], 3), "duckdb_same_query_s": round(same["seconds_query"], 3),
            "duckdb_narrow_s": round(narrow["wall_seconds"], 3),
            "duckdb_narrow_query_s": round(narrow["seconds_query"], 3),
            "duckdb_peak_rss": max(same["peak_rss_bytes"], narrow["peak_rss_bytes"]), "duckdb_threads": same["threads"],
            "command_over_duckdb_same": round(ratio_same, 3), "command_over_duckdb_narrow": round(ratio_narrow, 3),
            "command_s_scaled_20m": round(scaled, 3),
            "goal_same_met": ratio_same <= GOAL_SAME, "goal_narrow_met": ratio_narrow <= GOAL_NARROW,
            "goal_15s_met": judged <= GOAL_SECONDS_20M, "goal_4gb_met": cmd["peak_rss_bytes"] <= GOAL_PEAK_BYTES,
            "max_abs_total_diff": cmp["max_abs_total_diff"], "rank_mismatches": cmp["rank_mismatches"],
            "grade_mismatches": cmp["grade_mismatches"], "agree": cmp["agree"]}
    print()
    print("JSON " + json.dumps(line, ensure_ascii=False))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--subjects", type=int, default=1_000_000, help="units to generate (default 1,000,000)")
    p.add_argument("--indicators", type=int, default=20, help="linear indicators per unit (default 20)")
    p.add_argument("--raters", type=int, default=3,
                   help="ratings per unit for the rating indicator, dealt round superior/peer/public (default 3)")
    p.add_argument("--seed", type=int, default=20260101)
    p.add_argument("--out-dir", type=Path, default=ROOT / "bench" / "out")
    p.add_argument("--skip-generate", action="store_true", help="reuse the files already in --out-dir")
    p.add_argument("--runs", type=int, default=3, help="times each contender runs; the median counts (default 3)")
    p.add_argument("--profile", action="store_true", help="also print a line profile of the command (jixiao.cli.main)")
    p.add_argument("--stage", choices=("engine", "profile"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    out: Path = args.out_dir.resolve()

    if args.stage == "engine":
        print(json.dumps(stage_engine(out)))
        return 0
    if args.stage == "profile":
        stage_profile(out)
        return 0

    gen_s: float | None = None
    if args.skip_generate:
        meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    else:
        if args.subjects < 1 or args.indicators < 1 or args.raters < 1:
            p.error("--subjects, --indicators and --raters must be at least 1")
        print(f"generating {args.subjects:,} x {args.indicators} in {out} ...", file=sys.stderr)
        t0 = time.perf_counter()
        meta = generate(out, args.subjects, args.indicators, args.raters, args.seed)
        gen_s = time.perf_counter() - t0
    # The package byte-compiled as an install leaves it (./run does this too), so that no run pays for compiling it.
    compileall.compile_dir(ROOT / "src" / "jixiao", quiet=1)
    print("timing the engine in memory ...", file=sys.stderr)
    eng = run_stage("engine", out)
    print("timing the command end to end ...", file=sys.stderr)
    # Each contender runs --runs times in turn (command, same table, narrow, command, ...), so that a slow
    # moment of the machine falls on all of them alike; each is judged by its median run.
    runs: dict[str, list[dict[str, Any]]] = {"cmd": [], "same": [], "narrow": []}
    for k in range(args.runs):
        print(f"timing the command and DuckDB (the same table, the narrow query), run {k + 1} of {args.runs} ...",
              file=sys.stderr)
        runs["cmd"].append(run_command(out))
        runs["same"].append(run_duckdb(out, "same"))
        runs["narrow"].append(run_duckdb(out, "narrow"))
    cmd, same, narrow = (median_run(runs[k], "seconds" if k == "cmd" else "wall_seconds")
                         for k in ("cmd", "same", "narrow"))
    run_duckdb(out, "check")
    cmp = compare(out)
    report(meta, gen_s, eng, cmd, same, narrow, cmp)
    if args.profile:
        print("\nprofiling the command (line times of jixiao.cli.main) ...", file=sys.stderr)
        proc = subprocess.run([sys.executable, __file__, "--stage", "profile", "--out-dir", str(out)],
                              check=False)
        if proc.returncode != 0:
            return proc.returncode
    return 0 if cmp["agree"] and math.isfinite(cmp["max_abs_total_diff"]) else 1


if __name__ == "__main__":
    sys.exit(main())
