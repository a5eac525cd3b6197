"""Benchmark: compute and store a cycle on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jixiao_bench .venv/bin/python bench/cycle.py [--quick]

Two cases, each generated straight into a fresh database (bulk ``COPY``: generating is not what is timed),
then computed twice through ``do_compute_cycle`` (load in bulk, score, replace the results in bulk, audit):

- 3,000 units x 60 indicators (59 measured, one rating with 3 rater groups x 3 raters), goal <= 5 s;
- 100,000 people x 10 indicators, goal <= 30 s.

The database named in DATABASE_URL is dropped and created again: point it at a scratch database.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jixiao_bench"
RULES = ["linear", "ratio", "threshold", "bands", "deduction"]


def recreate_database(url: str) -> None:
    """Drop and create the scratch database (connecting to the server's ``postgres`` database)."""
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    if not name.startswith("jixiao_bench"):
        raise SystemExit(f"refusing to drop {name!r}: the bench database's name must start with jixiao_bench")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def scheme_yaml(scheme_id: str, leaves: int, rating: bool) -> str:
    """A scheme with ``leaves`` indicators in groups of 10, of every rule type, some only for category A or
    B, optionally one rating indicator, with a bonus, a penalty, a veto and a quota."""
    lines = [f"id: {scheme_id}", f"name: bench {leaves}", "tree:"]
    measured = leaves - (1 if rating else 0)
    for g in range((measured + 9) // 10):
        lines += [f"  - code: G{g}", f"    name: group {g}", f"    weight: {10 + g}", "    children:"]
        for k in range(g * 10, min(measured, g * 10 + 10)):
            rule = RULES[k % len(RULES)]
            only = ", only: [A]" if k % 7 == 3 else ", only: [B]" if k % 11 == 5 else ""
            body = {
                "linear": "{type: linear, floor: 60, target: 100}",
                "ratio": "{type: ratio, target: 100}",
                "threshold": "{type: threshold, target: 90, partial: 0.5}",
                "bands": "{type: bands, direction: lower, "
                "bands: [{limit: 1, score: 1}, {limit: 2, score: 0.6}]}",
                "deduction": "{type: deduction, per: 0.5}",
            }[rule]
            lines.append(
                f"      - {{code: I{k:03}, name: indicator {k}, weight: {1 + k % 5}{only}, rule: {body}}}"
            )
    if rating:
        lines.append(
            "  - {code: RATE, name: rating, weight: 20, rule: {type: rating, scale: [0, 100], "
            "groups: {superior: 0.5, peer: 0.2, public: 0.3}, trim: 1}}"
        )
    lines += [
        "bonus: {codes: [BON1, BON2], cap: 5}",
        "penalty: {codes: [PEN1], cap: 10}",
        "veto: {codes: [VETO], grade: D}",
        "grades:",
        "  - {name: A, min: 90, quota: 0.15}",
        "  - {name: B, min: 80}",
        "  - {name: C, min: 60}",
        "  - {name: D, min: 0}",
    ]
    return "\n".join(lines) + "\n"


def copy_frame(table: str, frame: pl.DataFrame) -> None:
    """Bulk-insert a frame with COPY (the bench's generator; user writes go through the services)."""
    from django.db import connection

    buf = io.BytesIO()
    frame.write_csv(buf, include_header=False, quote_style="non_numeric")
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy,
    ):
        copy.write(buf.getvalue())


def measured_values(
    rng: np.random.Generator, scheme: object, subjects: pl.DataFrame, cycle_id: int
) -> pl.DataFrame:
    """One value per subject and measured indicator (2% missing), plus sparse bonus, penalty and veto
    values."""
    n = subjects.height
    parts = []
    for leaf in scheme.measured_leaves:  # type: ignore[attr-defined]
        rule = leaf.rule.type
        v = {
            "linear": rng.normal(85, 10, n),
            "ratio": rng.normal(95, 8, n),
            "threshold": rng.normal(92, 4, n),
            "bands": rng.gamma(2.0, 0.6, n),
            "deduction": rng.poisson(0.6, n).astype(float),
        }[rule]
        v = np.clip(v, 0, None)
        keep = rng.random(n) > 0.02
        parts.append(
            pl.DataFrame(
                {
                    "subject_id": subjects["id"].filter(keep),
                    "indicator": leaf.code,
                    "value": np.round(v[keep], 2),
                }
            )
        )
    sparse = (("BON1", 0.05, 1, 3), ("BON2", 0.05, 1, 3), ("PEN1", 0.03, 1, 4), ("VETO", 0.002, 1, 1))
    for code, share, lo, hi in sparse:
        keep = rng.random(n) < share
        parts.append(
            pl.DataFrame(
                {
                    "subject_id": subjects["id"].filter(keep),
                    "indicator": code,
                    "value": rng.integers(lo, hi + 1, int(keep.sum())).astype(float),
                }
            )
        )
    values = pl.concat(parts)
    return values.with_columns(
        cycle_id=pl.lit(cycle_id, dtype=pl.Int64),
        source=pl.lit("import"),
        entered_at=pl.lit("2026-01-01T00:00:00+00:00"),
        note=pl.lit(""),
        evidence=pl.lit(""),
    )


def ratings_frame(rng: np.random.Generator, subjects: pl.DataFrame, cycle_id: int) -> pl.DataFrame:
    """Three raters in each of three groups for every subject."""
    ids = subjects["id"].to_numpy()
    rows = []
    for group in ("superior", "peer", "public"):
        for r in range(3):
            scores = np.round(rng.normal(80, 10, len(ids)).clip(0, 100))
            rows.append(
                pl.DataFrame(
                    {
                        "subject_id": ids,
                        "indicator": "RATE",
                        "group": group,
                        "rater": f"{group}-{r}",
                        "score": scores,
                    }
                )
            )
    return pl.concat(rows).with_columns(
        cycle_id=pl.lit(cycle_id, dtype=pl.Int64), rated_at=pl.lit("2026-01-01T00:00:00+00:00")
    )


def setup_case(
    name: str, n: int, leaves: int, rating: bool, people: bool, rng: np.random.Generator
) -> object:
    """Generate the org, the scheme, the cycle with its subjects and its data; return the open cycle."""
    from jixiao.cycles.models import Cycle, Subject
    from jixiao.cycles.services import do_create_cycle, do_open_cycle
    from jixiao.org.choices import Level
    from jixiao.org.models import Category, Person, Unit
    from jixiao.schemes.services import do_import_scheme

    t0 = time.perf_counter()
    cats = {c: Category.objects.get_or_create(code=c, defaults={"name": c})[0] for c in ("A", "B")}
    scheme = do_import_scheme(scheme_yaml(f"bench-{name}", leaves, rating), actor=None)
    root = Unit.objects.create(code=f"{name}-ROOT", name=name, level=Level.CITY, path=f"/{name}-ROOT/")
    n_units = n if not people else max(1, n // 50)
    units = Unit.objects.bulk_create(
        [
            Unit(
                code=f"{name}-U{k:06}",
                name=f"unit {k}",
                level=Level.DEPARTMENT,
                parent=root,
                category=cats["A" if k % 3 else "B"],
                path=f"/{name}-ROOT/{name}-U{k:06}/",
            )
            for k in range(n_units)
        ],
        batch_size=5000,
    )
    if people:
        unit_ids = [u.pk for u in Unit.objects.filter(code__startswith=f"{name}-U").order_by("code")]
        posts = ["enforcement", "service", "administration", "technical", "logistics"]
        copy_frame(
            "org_person",
            pl.DataFrame(
                {
                    "code": [f"{name}-P{k:07}" for k in range(n)],
                    "name": [f"person {k}" for k in range(n)],
                    "post_type": [posts[k % 5] for k in range(n)],
                    "unit_id": [unit_ids[k % len(unit_ids)] for k in range(n)],
                    "active": [True] * n,
                }
            ),
        )
        # Staff appraisal scores people by post type: the bench scheme's A/B become two of the post types.
        cycle = do_create_cycle(
            f"BENCH-{name}", name, scheme, actor=None, year=2026, subject_kind="person", people=[]
        )
        copy_frame(
            "cycles_subject",
            pl.DataFrame(
                {
                    "cycle_id": [cycle.pk] * n,
                    "code": [f"{name}-P{k:07}" for k in range(n)],
                    "name": [f"person {k}" for k in range(n)],
                    "category": ["A" if k % 3 else "B" for k in range(n)],
                    "unit_id": [unit_ids[k % len(unit_ids)] for k in range(n)],
                }
            ).with_columns(
                person_id=pl.Series(
                    list(
                        Person.objects.filter(code__startswith=f"{name}-P")
                        .order_by("code")
                        .values_list("pk", flat=True)
                    )
                )
            ),
        )
    else:
        cycle = do_create_cycle(f"BENCH-{name}", name, scheme, actor=None, year=2026, units=units)
    do_open_cycle(cycle, actor=None)
    subjects = pl.DataFrame(
        {
            "id": pl.Series(
                list(Subject.objects.filter(cycle=cycle).values_list("id", flat=True)), dtype=pl.Int64
            )
        }
    )
    values = measured_values(rng, scheme.engine, subjects, cycle.pk)
    copy_frame("collection_value", values)
    n_ratings = 0
    if rating:
        ratings = ratings_frame(rng, subjects, cycle.pk)
        copy_frame("collection_rating", ratings)
        n_ratings = ratings.height
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"{name}: generated {subjects.height:,} subjects, {len(scheme.engine.leaves)} indicators, "
        f"{values.height:,} values, {n_ratings:,} ratings in {time.perf_counter() - t0:.1f} s"
    )
    return Cycle.objects.get(pk=cycle.pk)


def time_compute(name: str, cycle: object, goal: float) -> list[float]:
    from jixiao.results.models import Result
    from jixiao.results.services import do_compute_cycle, score_cycle

    t0 = time.perf_counter()
    score_cycle(cycle)  # type: ignore[arg-type]
    load_and_score = time.perf_counter() - t0
    times = []
    for _ in range(2):
        t0 = time.perf_counter()
        stored = do_compute_cycle(cycle, actor=None)  # type: ignore[arg-type]
        times.append(time.perf_counter() - t0)
    assert stored == Result.objects.filter(cycle=cycle).count()
    verdict = "meets" if max(times) <= goal else "MISSES"
    print(
        f"{name}: compute and store {stored:,} results: {times[0]:.2f} s, recompute {times[1]:.2f} s "
        f"(of which load + score {load_and_score:.2f} s); goal <= {goal:.0f} s: {verdict}"
    )
    return times


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="a tenth of the sizes (a smoke test)")
    args = p.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        raise SystemExit("bench/cycle.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    recreate_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    scale = 10 if args.quick else 1
    rng = np.random.default_rng(2026)
    wide = setup_case("units", 3000 // scale, 60, True, False, rng)
    time_compute("3,000 units x 60 indicators" if scale == 1 else "units (quick)", wide, 5)
    tall = setup_case("people", 100_000 // scale, 10, False, True, rng)
    time_compute("100,000 people x 10 indicators" if scale == 1 else "people (quick)", tall, 30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
