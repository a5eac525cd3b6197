"""Weight methods and the bonus pool's split, with numbers worked by hand (the working is in the comments)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from jixiao.engine.allocation import parse_coefficients, split
from jixiao.engine.weights import MatrixError, ahp, critic, entropy

SRC = str(Path(__file__).resolve().parents[2] / "src")


def test_ahp_on_saatys_three_criteria_example() -> None:
    # A = [[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]]: geometric means of the rows 15^(1/3) = 2.4662, 1, 0.4055,
    # normalised 0.6370, 0.2583, 0.1047; A w = (1.9356, 0.7849, 0.3182) -> lambda_max = mean(Aw / w) = 3.0385;
    # CI = 0.0385 / 2 = 0.01926; CR = 0.01926 / 0.58 = 0.0332 (consistent).
    r = ahp([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
    assert [round(w, 3) for w in r.weights] == [0.637, 0.258, 0.105]
    assert r.lambda_max == pytest.approx(3.0385, abs=1e-4)
    assert r.ci == pytest.approx(0.01926, abs=1e-4)
    assert r.cr == pytest.approx(0.0332, abs=1e-4)
    assert r.consistent
    assert r.worst == []


def test_a_perfectly_consistent_matrix_gives_its_weights_back() -> None:
    w = [0.4, 0.3, 0.2, 0.1]
    r = ahp([[wi / wj for wj in w] for wi in w])
    assert r.weights == pytest.approx(w, abs=1e-12)
    assert r.lambda_max == pytest.approx(4, abs=1e-9)
    assert r.cr == pytest.approx(0, abs=1e-9)


def test_an_inconsistent_matrix_names_its_worst_judgements() -> None:
    # A > B (9), B > C (9) but C > A (9): a cycle. Every weight 1/3, so every judgement is 9x off; lambda_max =
    # 1 + 9 + 1/9 = 10.111, CI = (10.111 - 3) / 2 = 3.556, CR = 3.556 / 0.58 = 6.13.
    r = ahp([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]], names=["甲", "乙", "丙"])
    assert r.cr == pytest.approx(6.1303, abs=1e-3)
    assert not r.consistent
    assert len(r.worst) == 3
    assert all(abs(implied - 1) < 1e-9 for _i, _j, _a, implied in r.worst)


@pytest.mark.parametrize(("matrix", "message"), [
    ([[1, 3], [1 / 2, 1]], "甲 : 乙 = 3 and 乙 : 甲 = 0.5 are not reciprocal"),
    ([[1, -3], [-1 / 3, 1]], "甲 : 乙: a judgement must be a positive number"),
    ([[2, 3], [1 / 3, 1]], "甲 : 甲 must be 1"),
    ([[1, 3, 5], [1 / 3, 1, 3]], "the matrix must be square"),
])
def test_a_matrix_that_is_not_positive_and_reciprocal_is_refused(matrix: list[list[float]], message: str) -> None:
    with pytest.raises(MatrixError, match=message):
        ahp(matrix, names=["甲", "乙"])


# Two indicators over three units, already on [0, 1]: y1 = (0, 0.5, 1), y2 = (0, 0, 1).
TABLE = [[0.0, 0.0], [0.5, 0.0], [1.0, 1.0]]


def test_entropy_by_hand() -> None:
    # p1 = (0, 1/3, 2/3): 1/3 ln 1/3 = -0.3662041, 2/3 ln 2/3 = -0.2703101; e1 = 0.6365142 / ln 3 (1.0986123)
    # = 0.5793816, d1 = 0.4206184; p2 = (0, 0, 1): e2 = 0, d2 = 1. w = d / 1.4206184 = 0.2960819, 0.7039181.
    w, flat = entropy(TABLE, [True, True])
    assert w == pytest.approx([0.2960819, 0.7039181], abs=1e-7)
    assert flat == []
    # The first indicator better lower, given reversed: the same weights.
    w2, _ = entropy([[1.0, 0.0], [0.5, 0.0], [0.0, 1.0]], [False, True])
    assert w2 == pytest.approx(w, abs=1e-12)


def test_critic_by_hand() -> None:
    # sigma1 = sqrt(1/6) = 0.408248, sigma2 = sqrt(2/9) = 0.471405 (population);
    # r = 0.5 / sqrt(0.5 x 2/3) = 0.866025; c1 = 0.408248 x 0.133975 = 0.054695, c2 = 0.471405 x 0.133975 =
    # 0.063156; w = 0.464102, 0.535898.
    w, flat = critic(TABLE, [True, True])
    assert w == pytest.approx([0.464102, 0.535898], abs=1e-6)
    assert flat == []


def test_an_indicator_without_spread_weighs_nothing_and_is_named() -> None:
    for method in (entropy, critic):
        w, flat = method([[1.0, 7.0, 0.0], [2.0, 7.0, 1.0], [4.0, 7.0, 0.5]], [True, True, True])
        assert flat == [1]
        assert w[1] == 0
        assert sum(w) == pytest.approx(1)


def test_the_largest_remainder_adds_up_to_the_pool_and_breaks_ties_by_rank() -> None:
    # 1.2 : 1 : 1 of 1,000 = 375, 312.5, 312.5 -> 375, 312, 312 (999); the yuan left goes to the better rank (B).
    assert split(1000, [("A", 1, Fraction(6, 5), 1), ("C", 3, Fraction(1), 1), ("B", 2, Fraction(1), 1)]) == {
        "A": 375, "C": 312, "B": 313}
    # Headcount: 1.2 x 3 = 3.6 and 0.8 x 2 = 1.6 of 100 -> 69.23, 30.77 -> 69, 30, the yuan left to .77: 69, 31.
    assert split(100, [("A", 1, Fraction(6, 5), 3), ("B", 2, Fraction(4, 5), 2)]) == {"A": 69, "B": 31}
    # A grade worth 0 gets nothing; nobody with a share: all 0.
    assert split(10, [("A", 1, Fraction(1), 1), ("B", 2, Fraction(0), 5)]) == {"A": 10, "B": 0}
    assert split(10, [("A", 1, Fraction(0), 1)]) == {"A": 0}
    with pytest.raises(ValueError, match="negative"):
        split(-1, [("A", 1, Fraction(1), 1)])


def test_coefficients_are_read_and_bad_ones_refused() -> None:
    assert parse_coefficients("优秀=1.2,良好=1，合格=0.8,不合格=0") == {
        "优秀": Fraction(6, 5), "良好": Fraction(1), "合格": Fraction(4, 5), "不合格": Fraction(0)}
    for bad in ("优秀", "优秀=x", "优秀=-1", "优秀=1,优秀=2", ""):
        with pytest.raises(ValueError, match="--coefficients"):
            parse_coefficients(bad)


def jixiao(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jixiao.cli", *args], capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": SRC})


def test_the_commands_exit_codes_and_nothing_written_on_bad_input(tmp_path: Path) -> None:
    good, bad, cycle = tmp_path / "m.csv", tmp_path / "bad.csv", tmp_path / "cycle.csv"
    good.write_text(",质量,效率,满意\n质量,1,3,5\n效率,1/3,1,3\n满意,1/5,1/3,1\n", encoding="utf-8")
    bad.write_text(",质量,效率\n质量,1,3\n效率,1/2,1\n", encoding="utf-8")
    cycle.write_text(",质量,效率,满意\n质量,1,9,1/9\n效率,1/9,1,9\n满意,9,1/9,1\n", encoding="utf-8")
    done = jixiao("weights", "ahp", str(good), "--out", str(tmp_path / "w.csv"))
    assert done.returncode == 0, done.stderr
    assert "CR = 0.0332" in done.stderr
    with (tmp_path / "w.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["criterion", "weight"]
    assert [r[0] for r in rows[1:]] == ["质量", "效率", "满意"]
    refused = jixiao("weights", "ahp", str(bad), "--out", str(tmp_path / "x.csv"))
    assert refused.returncode == 2
    assert "质量 : 效率 = 3 and 效率 : 质量 = 0.5 are not reciprocal" in refused.stderr
    assert not (tmp_path / "x.csv").exists()
    inconsistent = jixiao("weights", "ahp", str(cycle))
    assert inconsistent.returncode == 1
    assert "CR = 6.1303" in inconsistent.stderr


def test_allocate_splits_a_score_output_to_the_yuan(tmp_path: Path) -> None:
    results = tmp_path / "results.csv"
    results.write_text("unit,name,category,total,rank,grade\nA,甲局,A,95,1,优秀\nB,乙局,A,85,2,良好\n"
                       "C,丙局,A,84,3,良好\nD,丁局,A,50,4,不合格\n", encoding="utf-8-sig")
    heads = tmp_path / "heads.csv"
    heads.write_text("unit,headcount\nA,10\nB,7\n", encoding="utf-8")
    out = tmp_path / "alloc.csv"
    done = jixiao("allocate", str(results), "--pool", "100,000", "--coefficients", "优秀=1.2,良好=1,合格=0.8,不合格=0",
                  "--headcount", str(heads), "--out", str(out))
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    # Shares 12, 7, 1, 0 of 20: 60,000, 35,000, 5,000, 0 exactly.
    assert [(r["unit"], r["headcount"], r["amount"]) for r in rows] == [
        ("A", "10", "60000"), ("B", "7", "35000"), ("C", "1", "5000"), ("D", "1", "0")]
    assert rows[0]["name"] == "甲局"  # the results' columns are kept
    missing = jixiao("allocate", str(results), "--pool", "100", "--coefficients", "优秀=1.2,良好=1",
                     "--out", str(tmp_path / "no.csv"))
    assert missing.returncode == 2
    assert "no coefficient for '不合格'" in missing.stderr
    assert not (tmp_path / "no.csv").exists()
    odd = jixiao("allocate", str(results), "--pool", "99.5", "--coefficients", "优秀=1,良好=1,不合格=0",
                 "--out", str(tmp_path / "no.csv"))
    assert odd.returncode == 2
    assert "whole number of yuan" in odd.stderr


def test_the_reserve_pool_counts_the_unbroken_run_ending_this_year() -> None:
    from jixiao.engine.allocation import consecutive

    best = {"优秀"}
    # 2021-2023 优秀, 2024 称职, 2025 优秀: the run ending in 2025 is 2025 alone.
    assert consecutive({2021: "优秀", 2022: "优秀", 2023: "优秀", 2024: "称职", 2025: "优秀"}, best, 2025) == [2025]
    # 2023, 2024, 2025 优秀: three years, listed oldest first.
    assert consecutive({2022: "称职", 2023: "优秀", 2024: "优秀", 2025: "优秀"}, best, 2025) == [2023, 2024, 2025]
    # A year without a result breaks the run (2024 missing), as does this year's own grade.
    assert consecutive({2023: "优秀", 2025: "优秀"}, best, 2025) == [2025]
    assert consecutive({2023: "优秀", 2024: "优秀", 2025: "称职"}, best, 2025) == []
    # Several grades can count.
    assert consecutive({2024: "良好", 2025: "优秀"}, {"优秀", "良好"}, 2025) == [2024, 2025]


def test_budget_changes_half_up_and_honours_by_rank() -> None:
    from jixiao.engine.allocation import budget_change, honoured, part_rating, round_half_up

    # 1,234,567 x -10 % = -123,456.7 -> -123,457; 1,000,005 x -10 % = -100,000.5 -> -100,001 (away from zero);
    # 2,000,010 x +2.5 % = 50,000.25 -> 50,000.
    assert budget_change(1_234_567, Fraction(-10)) == -123_457
    assert budget_change(1_000_005, Fraction(-10)) == -100_001
    assert budget_change(2_000_010, Fraction(5, 2)) == 50_000
    assert round_half_up(Fraction(5, 2)) == 3
    assert round_half_up(Fraction(-5, 2)) == -3
    rows = [("a", "A", 1, "优秀"), ("b", "A", 2, "优秀"), ("c", "A", 2, "优秀"), ("d", "A", 4, "良好"),
            ("e", "B", 1, "良好")]
    assert honoured(rows, {"优秀"}, 2) == ["a", "b", "c"]  # the tie at rank 2 is honoured whole
    assert honoured(rows, {"优秀", "良好"}, 1) == ["a", "e"]
    assert honoured(rows, {"良好"}, None) == ["d", "e"]
    assert [part_rating(s) for s in (100, 85, 84.999, 70, 69.9, 50, 49.99, 0, None)] == [
        "effective", "effective", "moderately_effective", "moderately_effective", "adequate", "adequate",
        "ineffective", "ineffective", "not_demonstrated"]
    with pytest.raises(ValueError, match="between 0 and 100"):
        part_rating(101)
