"""Benchmark: the monitoring job (``run_monitoring``) on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jixiao_bench_mon .venv/bin/python bench/monitoring.py \
        [--units 3000] [--indicators 60] [--months 12] [--repeat 3]

Generates N units x M indicators x the months of period values (default 3,000 x 60 x 12 = 2.16M) straight into
a fresh database (bulk ``COPY``: generating is not what is timed): cumulative values on the linear plan with a
unit-and-indicator factor around 1 (sd 6 %), 2 % of the pairs lagging (factor 0.7: red), 0.1 % of the values
extreme (x 5: an anomaly among their category's peers). Then times ``run_monitoring`` twice and checks that the
second run created no warning, escalation step or order; ``--repeat`` times, the job's output removed in
between, printing the best and the median (this machine's timings vary by about 20 % from run to run).

The database named in DATABASE_URL is dropped and created again: point it at a scratch database (its name must
start with ``jixiao_bench``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cycle import copy_frame, recreate_database

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jixiao_bench_mon"
#: (rule written in the scheme, the annual target the plan runs to) by indicator number modulo 3.
RULES = (
    ("{type: linear, floor: 60, target: 100}", 100.0),
    ("{type: ratio, target: 100}", 100.0),
    ("{type: linear, floor: 20, target: 5}", 5.0),  # lower is better
)


def scheme_yaml(indicators: int) -> str:
    """A scheme of ``indicators`` planned indicators (linear higher, ratio, linear lower) in groups of 10."""
    lines = [f"id: bench-monitoring-{indicators}", f"name: bench monitoring {indicators}", "tree:"]
    for g in range((indicators + 9) // 10):
        lines += [f"  - code: G{g}", f"    name: group {g}", f"    weight: {10 + g}", "    children:"]
        for k in range(g * 10, min(indicators, g * 10 + 10)):
            lines.append(f"      - {{code: I{k:03}, name: indicator {k}, weight: {1 + k % 5}, "
                         f"rule: {RULES[k % 3][0]}}}")
    lines += ["grades:", "  - {name: A, min: 90}", "  - {name: B, min: 60}", "  - {name: C, min: 0}"]
    return "\n".join(lines) + "\n"


def setup(units: int, indicators: int, months: int, rng: np.random.Generator) -> object:
    """The org, the scheme, the open cycle and its period values; returns the cycle."""
    from django.db import connection

    from jixiao.cycles.models import Cycle, Subject
    from jixiao.cycles.services import do_create_cycle, do_open_cycle
    from jixiao.org.choices import Level
    from jixiao.org.models import Category, Unit
    from jixiao.schemes.services import do_import_scheme

    t0 = time.perf_counter()
    cats = {c: Category.objects.get_or_create(code=c, defaults={"name": c})[0] for c in ("A", "B")}
    scheme = do_import_scheme(scheme_yaml(indicators), actor=None)
    root = Unit.objects.create(code="MON-ROOT", name="root", level=Level.CITY, path="/MON-ROOT/")
    made = Unit.objects.bulk_create(
        [Unit(code=f"MON-U{k:06}", name=f"unit {k}", level=Level.DEPARTMENT, parent=root,
              category=cats["A" if k % 3 else "B"], path=f"/MON-ROOT/MON-U{k:06}/") for k in range(units)],
        batch_size=5000)
    cycle = do_create_cycle("BENCH-MON", "bench monitoring", scheme, actor=None, year=2026, units=made)
    do_open_cycle(cycle, actor=None)
    ids = np.array(list(Subject.objects.filter(cycle=cycle).order_by("pk").values_list("pk", flat=True)))
    n_pairs = len(ids) * indicators
    factor = rng.normal(1.0, 0.06, n_pairs)
    factor[rng.random(n_pairs) < 0.02] = 0.7
    targets = np.array([RULES[k % 3][1] for k in range(indicators)])
    lower = np.array([k % 3 == 2 for k in range(indicators)])
    # Lagging for a lower-is-better indicator is being above the plan.
    factor = np.where(np.tile(lower, len(ids)), 2.0 - factor, factor)
    subject = np.repeat(ids, indicators)
    indicator = np.tile(np.arange(indicators), len(ids))
    parts = []
    for k in range(1, months + 1):
        value = targets[indicator] * k / 12 * factor * rng.normal(1.0, 0.01, n_pairs)
        extreme = rng.random(n_pairs) < 0.001
        value[extreme] *= 5
        parts.append(pl.DataFrame({"subject_id": subject, "indicator_no": indicator, "period": k,
                                   "value": np.round(value, 3)}))
    values = pl.concat(parts).with_columns(
        indicator=pl.format("I{}", pl.col("indicator_no").cast(pl.Utf8).str.zfill(3)),
        cycle_id=pl.lit(cycle.pk, dtype=pl.Int64), version=pl.lit(1), note=pl.lit(""),
        entered_at=pl.lit("2026-06-30T00:00:00+00:00")).drop("indicator_no")
    copy_frame("monitoring_periodvalue", values)
    with connection.cursor() as cursor:
        # A year's values have been vacuumed by autovacuum long before the job reads them; freshly copied rows
        # would make the first read set every row's hint bits (writing the whole table) instead.
        cursor.execute("VACUUM ANALYZE monitoring_periodvalue")
        cursor.execute("ANALYZE")
        cursor.execute("CHECKPOINT")  # and the load's dirty pages written out, not competing with the job's I/O
    print(f"generated {len(ids):,} units x {indicators} indicators x {months} months = {values.height:,} period "
          f"values in {time.perf_counter() - t0:.1f} s")
    return Cycle.objects.get(pk=cycle.pk)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--units", type=int, default=3000)
    p.add_argument("--indicators", type=int, default=60)
    p.add_argument("--months", type=int, default=12, choices=range(1, 13), metavar="1..12")
    p.add_argument("--repeat", type=int, default=3, help="attempts (the machine's noise is +-20 %%)")
    args = p.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        raise SystemExit("bench/monitoring.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    recreate_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from jixiao.monitoring.models import Warning
    from jixiao.monitoring.services import run_monitoring

    call_command("migrate", verbosity=0)
    cycle = setup(args.units, args.indicators, args.months, np.random.default_rng(2026))
    firsts, seconds = [], []
    for attempt in range(1, args.repeat + 1):
        if attempt > 1:
            forget(cycle)
        (first, c1), (second, c2) = [timed(run_monitoring, cycle) for _ in range(2)]
        firsts.append(first)
        seconds.append(second)
        print(f"#{attempt} first run: {first:.2f} s: assessed {c1['assessed']:,}, green {c1['green']:,}, yellow "
              f"{c1['yellow']:,}, red {c1['red']:,}, anomalies {c1['anomaly']:,}, jumps {c1['jump']:,}; warnings "
              f"created {c1['created']:,}, escalation steps {c1['escalation_steps']:,}, orders proposed "
              f"{c1['orders_proposed']:,}")
        print(f"#{attempt} second run: {second:.2f} s: warnings created {c2['created']:,}, updated "
              f"{c2['updated']:,}, unchanged {c2['unchanged']:,}, escalation steps {c2['escalation_steps']:,}, "
              f"orders proposed {c2['orders_proposed']:,}; warnings stored {Warning.objects.count():,}")
        if (c2["created"], c2["escalation_steps"], c2["orders_proposed"]) != (0, 0, 0) \
                or Warning.objects.count() != c1["created"]:
            print("FAILED: the second run created warnings, steps or orders")
            return 1
    print(f"first run (creating everything): best {min(firsts):.2f} s, median {statistics.median(firsts):.2f} s; "
          f"second run (nothing new): best {min(seconds):.2f} s, median {statistics.median(seconds):.2f} s "
          f"over {args.repeat} attempts; the second runs created no warning, step or order")
    return 0


def timed(run: Any, cycle: object) -> tuple[float, dict[str, int]]:
    t0 = time.perf_counter()
    counts = run(cycle)
    return time.perf_counter() - t0, counts


def forget(cycle: object) -> None:
    """The job's output removed (warnings, orders, escalations), as before its first run, and the table state
    settled the same way as after the load."""
    from django.db import connection

    from jixiao.monitoring.models import Escalation, Order, Warning

    for model in (Warning, Order, Escalation):
        model.objects.filter(cycle=cycle).delete()
    with connection.cursor() as cursor:
        for table in ("monitoring_warning", "monitoring_order", "monitoring_escalation",
                      "monitoring_escalationstep", "monitoring_orderlog"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("CHECKPOINT")


if __name__ == "__main__":
    sys.exit(main())
