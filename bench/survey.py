"""Benchmark: a public satisfaction survey's responses loaded, checked and turned into indicator values, on
PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jixiao_bench_survey .venv/bin/python bench/survey.py \
        [--responses 100000] [--units 50] [--questions 6] [--tokens 3000]

Creates N category B units, the shipped ``city-annual`` scheme (SERVQ 服务对象满意度 comes from a survey), an open
cycle, a survey of ``--questions`` questions mapped to SERVQ and ``--tokens`` invitation tokens per unit (setting
up is not timed). Then times the two steps an office runs: ``do_load_survey_responses`` (all the responses in one
batch, all or nothing, with their seconds and respondent ids: 3 % too fast, 3 % straight-lined, 1 % typed in
twice) and ``do_compute_survey`` (the quality checks over every response, the exclusions written, one result and
one audited, versioned value per unit). Goal: both together within 10 s.

The database named in DATABASE_URL is dropped and created again: point it at a scratch database (its name must
start with ``jixiao_bench``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cycle import recreate_database

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jixiao_bench_survey"


def setup(units: int, questions: int, tokens: int) -> Any:
    """The units, the scheme, the open cycle, the survey and its tokens; returns the survey."""
    from jixiao.cycles.services import do_create_cycle, do_open_cycle
    from jixiao.engine.schemefile import template_text
    from jixiao.org.choices import Level
    from jixiao.org.models import Category, Unit
    from jixiao.schemes.services import do_import_scheme
    from jixiao.surveys.services import do_create_survey, do_issue_survey_tokens

    t0 = time.perf_counter()
    cat = Category.objects.create(code="B", name="支持保障型")
    root = Unit.objects.create(code="SV-ROOT", name="示范市", level=Level.CITY, path="/SV-ROOT/")
    made = Unit.objects.bulk_create(
        [Unit(code=f"SV-B{k:03}", name=f"单位{k}", level=Level.DEPARTMENT, parent=root, category=cat,
              path=f"/SV-ROOT/SV-B{k:03}/") for k in range(units)])
    scheme = do_import_scheme(template_text("city-annual"), actor=None)
    cycle = do_open_cycle(do_create_cycle("BENCH-SV", "bench survey", scheme, actor=None, year=2026, units=made),
                          actor=None)
    survey = do_create_survey(cycle, "满意度调查", [(f"问题{k}", "SERVQ") for k in range(1, questions + 1)],
                              actor=None)
    do_issue_survey_tokens(survey, tokens, actor=None)
    print(f"set up {units} units, {questions} questions, {units * tokens:,} tokens in {time.perf_counter() - t0:.1f} s")
    return survey


def rows(n: int, units: int, questions: int, rng: np.random.Generator) -> list[tuple[Any, ...]]:
    """``n`` responses: each unit its own level of satisfaction, answers around it; some too fast, some
    straight-lined, some typed in twice (the same respondent and answers)."""
    unit = rng.integers(0, units, n)
    level = rng.uniform(3.0, 4.6, units)[unit]
    answers = np.clip(np.rint(level[:, None] + rng.normal(0, 0.8, (n, questions))), 1, 5).astype(np.int8)
    straight = rng.random(n) < 0.03
    answers[straight] = answers[straight, :1]
    seconds = np.round(rng.uniform(40, 400, n), 1)
    seconds[rng.random(n) < 0.03] = 9.5
    respondent = np.arange(n)
    twice = np.flatnonzero(rng.random(n) < 0.01)
    twice = twice[twice > 0]
    respondent[twice] = respondent[twice - 1]
    answers[twice] = answers[twice - 1]
    unit[twice] = unit[twice - 1]
    texts = ["".join(map(str, a)) for a in answers.tolist()]
    codes = [f"SV-B{k:03}" for k in range(units)]
    return [(k + 2, codes[u], t, s, f"R{r}") for k, (u, t, s, r) in
            enumerate(zip(unit.tolist(), texts, seconds.tolist(), respondent.tolist(), strict=True))]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--responses", type=int, default=100_000)
    p.add_argument("--units", type=int, default=50)
    p.add_argument("--questions", type=int, default=6)
    p.add_argument("--tokens", type=int, default=3000, help="invitation tokens per unit (the response rate's base)")
    args = p.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        raise SystemExit("bench/survey.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    recreate_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from jixiao.collection.models import Value
    from jixiao.surveys.models import SurveyResponse
    from jixiao.surveys.services import do_compute_survey, do_load_survey_responses

    call_command("migrate", verbosity=0)
    survey = setup(args.units, args.questions, args.tokens)
    batch = rows(args.responses, args.units, args.questions, np.random.default_rng(2026))
    t0 = time.perf_counter()
    counts = do_load_survey_responses(survey, batch, actor=None, label="bench.xlsx")
    loaded = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {SurveyResponse._meta.db_table}")  # as autovacuum would have, before reading it
    t1 = time.perf_counter()
    results = do_compute_survey(survey, actor=None)
    computed = time.perf_counter() - t1
    excluded: dict[str, int] = {}
    for r in results:
        for reason, n in r.excluded.items():
            excluded[reason] = excluded.get(reason, 0) + n
    values = Value.objects.filter(cycle=survey.cycle, indicator="SERVQ").count()
    margins = [r.margin for r in results if r.margin is not None]
    print(f"loaded {counts['rows']:,} responses x {args.questions} answers in {loaded:.2f} s")
    print(f"computed in {computed:.2f} s: valid {sum(r.valid for r in results):,}, excluded "
          + ", ".join(f"{k} {v:,}" for k, v in sorted(excluded.items()))
          + f"; {values} values written; margins of error {min(margins):.2f}..{max(margins):.2f}")
    total = loaded + computed
    print(f"total {total:.2f} s (goal <= 10 s): {'OK' if total <= 10 else 'SLOW'}")
    return 0 if total <= 10 else 1


if __name__ == "__main__":
    raise SystemExit(main())
