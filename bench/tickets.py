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
#: Tickets exported without a category: what the classification step classifies.
UNLABELLED = 0.05
#: A year of a big city's tickets (10,000 a day): the indicators step runs over this many.
YEAR = 3_650_000


def streets(n: int) -> list[tuple[str, str, str]]:
    """``n`` street offices in 16 districts: (unit code, district, street)."""
    return [(f"ST{k:03}", f"第{k % 16 + 1}区", f"第{k + 1}街道") for k in range(n)]


def generate_csv(path: Path, n: int, n_streets: int) -> float:
    """The export as the hotline system writes it: English headers, UTF-8, times ``YYYY-mm-dd HH:MM:SS``."""
    import polars as pl

    from jixiao.hotline.sample import generate

    t0 = time.perf_counter()
    frame = generate(n, seed=2025, start=datetime(2025, 1, 1), end=datetime(2026, 1, 1), streets=streets(n_streets),
                     unlabelled=UNLABELLED)
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


def train(args: argparse.Namespace) -> str:
    """A model on the labelled tickets (the newest 50,000; 3-fold cross-validation)."""
    from jixiao.hotline.services.classify import do_train_classifier

    model = do_train_classifier(actor=None, folds=3, limit=50_000)
    return (f"trained on {model.tickets:,} tickets, {model.classes} categories: cross-validated accuracy "
            f"{model.accuracy:.3f}, macro-F1 {model.macro_f1:.3f}")


def classify(args: argparse.Namespace) -> str:
    """Every ticket without a category, through the platform (read, classify, write back, audit)."""
    from jixiao.hotline.services.classify import do_classify_tickets

    t0 = time.perf_counter()
    counts = do_classify_tickets(actor=None)
    seconds = time.perf_counter() - t0
    return (f"{counts['tickets']:,} tickets classified ({counts['tickets'] / seconds:,.0f}/s, goal >= 5,000/s): "
            f"{counts['classified']:,} given a category, {counts['review']:,} to review")


def classify_engine(args: argparse.Namespace) -> str:
    """The engine alone on 200,000 ticket texts (the model of ``train``), without the database's part."""
    from jixiao.engine.classify import classify as run
    from jixiao.hotline.models import Ticket
    from jixiao.hotline.services.classify import current_model, keyword_rules

    texts = list(Ticket.objects.values_list("text", flat=True)[:200_000])
    model, rules = current_model(), keyword_rules()
    t0 = time.perf_counter()
    run(texts, model=model, rules=rules)
    seconds = time.perf_counter() - t0
    return f"engine: {len(texts):,} texts in {seconds:.2f} s ({len(texts) / seconds:,.0f}/s)"


def fill_year() -> int:
    """Copies of the imported tickets under new numbers (same times, so within the year) up to ``YEAR``: the
    set-up of the indicators step, not timed."""
    from django.db import connection

    from jixiao.hotline.models import Ticket

    have = Ticket.objects.count()
    columns = [f.column for f in Ticket._meta.concrete_fields if f.column not in ("id", "number")]
    names = ", ".join(columns)
    k = 0
    with connection.cursor() as cursor:
        while have < YEAR:
            k += 1
            take = min(YEAR - have, 1_000_000)
            cursor.execute(f"INSERT INTO hotline_ticket (number, {names}) SELECT number || '-{k}', {names} "
                           f"FROM hotline_ticket WHERE number NOT LIKE '%%-%%' ORDER BY id LIMIT {take}")
            have += take
    cursor = connection.cursor()
    cursor.execute("ANALYZE hotline_ticket")
    return have


def indicators(args: argparse.Namespace) -> str:
    """The three rates of every unit over the year's tickets: the platform's read (COPY) and the engine's rates,
    as the cycle's figures are computed."""
    from datetime import date

    from jixiao.hotline.services.figures import rates

    filled = fill_year()
    t0 = time.perf_counter()
    table = rates(date(2025, 1, 1), date(2025, 12, 31))
    seconds = time.perf_counter() - t0
    return (f"(after filling the table to {filled:,} tickets, not timed) rates of {table.height} units over "
            f"{int(table['received'].sum()):,} tickets with a unit in {seconds:.2f} s (goal <= 10 s); "
            f"peak RSS {peak_mb():,.0f} MB")


#: Timed steps after the import, in order: name -> function(args) returning a line to print.
STEPS: dict[str, Callable[[argparse.Namespace], str]] = {
    "train": train, "classify": classify, "classify (engine)": classify_engine, "indicators": indicators}


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
