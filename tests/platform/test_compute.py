"""Computing a cycle: the database's results equal ``jixiao score`` on the same data exported to files,
and recomputing changes nothing."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from jixiao.cli import main as cli_main
from jixiao.collection.services import do_set_target, do_set_value
from jixiao.cycles.errors import CycleStateError
from jixiao.results.data import export_cycle_files
from jixiao.results.models import Result
from jixiao.results.services import do_compute_cycle, result_explanation


def _db_table(cycle: Any) -> dict[str, dict[str, Any]]:
    out = {}
    for r in Result.objects.filter(cycle=cycle).select_related("subject"):
        out[r.subject.code] = {
            "total": round(r.total, 2),
            "rank": r.rank,
            "grade": r.grade,
            "flags": r.flags,
            **r.points,
        }
    return out


def _cli_table(cycle: Any, tmp_path: Path) -> pl.DataFrame:
    files = export_cycle_files(cycle, tmp_path)
    out = tmp_path / "scores.csv"
    status = cli_main(
        [
            "score",
            str(files["scheme"]),
            "--units",
            str(files["units"]),
            "--values",
            str(files["values"]),
            "--ratings",
            str(files["ratings"]),
            "--targets",
            str(files["targets"]),
            "--out",
            str(out),
        ]
    )
    assert status == 0
    return pl.read_csv(out, infer_schema_length=0)


def assert_results_equal_jixiao_score(cycle: Any, tmp_path: Path) -> dict[str, dict[str, Any]]:
    """Every stored result equals the CLI's score table on the cycle's data exported to files."""
    db = _db_table(cycle)
    cli = _cli_table(cycle, tmp_path)
    assert set(db) == set(cli["unit"].to_list())
    node_codes = [n.code for n in cycle.scheme.engine.nodes]
    for row in cli.iter_rows(named=True):
        mine = db[row["unit"]]
        assert mine["total"] == pytest.approx(float(row["total"]), abs=1e-9)
        assert mine["rank"] == int(row["rank"])
        assert mine["grade"] == (row["grade"] or "")
        assert mine["flags"] == (row["flags"] or "")
        for code in node_codes:
            theirs = row[code]
            if theirs in (None, ""):
                assert mine[code] is None or math.isnan(mine[code])
            else:
                assert mine[code] == pytest.approx(float(theirs), abs=1e-9)
    return db


def test_the_database_results_equal_jixiao_score_on_the_exported_files(world: Any, tmp_path: Path) -> None:
    cycle = world.open
    a = world.subject(cycle, world.unit_a)
    do_set_target(a, "RESP", actor=None, floor=70, target=95)  # a negotiated target
    do_set_value(a, "MAJOR", 1, actor=None)  # a veto
    do_set_value(world.subject(cycle, world.unit_b), "INNOV", 3, actor=None)  # a bonus
    do_compute_cycle(cycle, actor=None)
    db = assert_results_equal_jixiao_score(cycle, tmp_path)
    assert "veto:MAJOR" in db["A"]["flags"]


def test_recomputing_is_idempotent(world: Any) -> None:
    cycle = world.open
    do_compute_cycle(cycle, actor=None)
    first = _db_table(cycle)
    ids = set(Result.objects.filter(cycle=cycle).values_list("subject_id", flat=True))
    do_compute_cycle(cycle, actor=None)
    assert _db_table(cycle) == first
    assert set(Result.objects.filter(cycle=cycle).values_list("subject_id", flat=True)) == ids
    assert Result.objects.filter(cycle=cycle).count() == 3


def test_a_published_cycle_is_not_recomputed(world: Any) -> None:
    with pytest.raises(CycleStateError) as exc:
        do_compute_cycle(world.published, actor=None)
    assert exc.value.code == "cycle_state"


def test_the_explanation_comes_from_the_engine(world: Any) -> None:
    result = Result.objects.get(cycle=world.published, subject__code="A")
    text = result_explanation(result)
    assert "市场监管局" in text
    assert result_explanation(result, "en") != text
    result.refresh_from_db()
    assert result.explanation == text
