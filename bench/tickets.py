"""Benchmark: a city hotline's year of tickets imported from a CSV export, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jixiao_bench_tickets .venv/bin/python bench/tickets.py \
        [--tickets 1000000] [--streets 120] [--skip-generate]

Generates ``--tickets`` synthetic tickets of 2025 (``jixiao.hotline.sample.generate``: the shipped category tree,
``--streets`` street offices as units) to ``bench/out/tickets.csv`` (not timed), sets up the units and the
category tree (not timed), then times ``do_import_tickets`` of the CSV (goal: 1,000,000 within 60 s), and the
same file again (every ticket unchanged). Prints seconds, tickets/s and the peak RSS. ``STEPS`` holds the timed
steps after the import, each a function ``(args) -> str``: classification and indicators are added there.

The database named in DATABASE_URL is dropped and created again: point it at a scratch database (its name must
start with ``jixiao_bench``).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cycle import recreate_database

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jixiao_bench_tickets"
OUT = Path(__file__).resolve().parent / "out"
GOAL_SECONDS = 60.0


def streets(n: int) -> list[tuple[str, str, str]]:
    """``n`` street offices in 16 districts: (unit code, district, street)."""
    return [(f"ST{k:03}", f"第{k % 16 + 1}区", f"第{k + 1}街道") for k in range(n)]


def generate_csv(path: Path, n: int, n_streets: int) -> float:
    """The export as the hotline system writes it: English headers, UTF-8, times ``YYYY-mm-dd HH:MM:SS``."""
    import polars as pl

    from jixiao.hotline.sample import generate

    t0 = time.perf_counter()
    frame = generate(n, seed=2025, start=datetime(2025, 1, 1), end=datetime(2026, 1, 1), streets=streets(n_streets))
    frame = frame.with_columns(pl.col("co_units").str.replace_all(r"\|", ";"))
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_csv(path, datetime_format="%Y-%m-%d %H:%M:%S")
    return time.perf_counter() - t0


def setup(n_streets: int) -> None:
    """The city, its street offices and the shipped category tree."""
    from jixiao.hotline.services.taxonomy import load_shipped_taxonomy
    from jixiao.org.choices import Level
    from jixiao.org.models import Unit

    root = Unit.objects.create(code="CITY", name="示范市", level=Level.CITY, path="/CITY/")
    Unit.objects.bulk_create([Unit(code=code, name=f"{district}{street}办事处", level=Level.STREET, parent=root,
                                   path=f"/CITY/{code}/") for code, district, street in streets(n_streets)])
    load_shipped_taxonomy()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def import_once(path: Path, label: str) -> tuple[float, Any]:
    from jixiao.hotline.services.tickets import do_import_tickets

    t0 = time.perf_counter()
    batch = do_import_tickets(path, actor=None)
    seconds = time.perf_counter() - t0
    print(f"{label}: {batch.rows:,} tickets in {seconds:.2f} s ({batch.rows / seconds:,.0f}/s): "
          f"{batch.created:,} new, {batch.updated:,} updated, {batch.unchanged:,} unchanged, "
          f"{batch.unmatched_units:,} unknown units, {batch.unmatched_categories:,} unknown categories; "
          f"peak RSS {peak_mb():,.0f} MB")
    return seconds, batch


#: Timed steps after the import, in order: name -> function(args) returning a line to print.
STEPS: dict[str, Callable[[argparse.Namespace], str]] = {}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tickets", type=int, default=1_000_000)
    p.add_argument("--streets", type=int, default=120)
    p.add_argument("--skip-generate", action="store_true", help="reuse bench/out/tickets.csv")
    args = p.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        raise SystemExit("bench/tickets.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    recreate_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    import django

    django.setup()
    from django.core.management import call_command

    csv_path = OUT / "tickets.csv"
    if not (args.skip_generate and csv_path.exists()):
        seconds = generate_csv(csv_path, args.tickets, args.streets)
        print(f"generated {args.tickets:,} tickets ({csv_path.stat().st_size / 1e6:,.0f} MB) in {seconds:.1f} s")
    call_command("migrate", verbosity=0)
    setup(args.streets)
    first, _batch = import_once(csv_path, "import")
    again, _batch = import_once(csv_path, "re-import")
    for name, step in STEPS.items():
        t0 = time.perf_counter()
        line = step(args)
        print(f"{name}: {time.perf_counter() - t0:.2f} s {line}")
    ok = first <= GOAL_SECONDS * args.tickets / 1_000_000
    print(f"import {first:.1f} s, re-import {again:.1f} s (goal <= {GOAL_SECONDS:.0f} s a million): "
          f"{'OK' if ok else 'SLOW'}; peak RSS {peak_mb():,.0f} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
