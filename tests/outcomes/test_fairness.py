"""The fairness checks of a cycle from what is stored (results, imported earlier years, the scheme of the year
before), on the small world. Category A's 优秀 went A (2022), A1 (2023), A (2024) although A's total stayed above
A1's every year: the top grade changed hands beyond what the totals explain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jixiao.outcomes.reports.fairness import fairness_checks
from jixiao.outcomes.services.files import do_import_history

from .conftest import write_csv


def _history(tmp_path: Path, world: Any) -> None:
    rows = [["年度", "对象类型", "代码", "名称", "类别", "总分", "等次"]]
    for year, top in ((2022, "A"), (2023, "A1"), (2024, "A")):
        rows += [[year, "单位", "A", "市场监管局", "A", 90, "优秀" if top == "A" else "良好"],
                 [year, "单位", "A1", "东城所", "A", 85, "优秀" if top == "A1" else "良好"],
                 [year, "单位", "B", "机关事务局", "B", 80, "良好"]]
    do_import_history(write_csv(tmp_path / "往年.csv", rows), actor=world.personas["admin"])


def test_checks_of_the_published_cycle(world: Any, tmp_path: Path, english: None) -> None:
    _history(tmp_path, world)
    checks = {c.key: c for c in fairness_checks(world.published)}
    assert list(checks) == ["ceiling", "quota", "inflation", "rotation", "raters", "renewal"]
    rotation = checks["rotation"]
    # Category A, pairs 2022-23, 2023-24, 2024-25: observed turnover 1, 1, 1 (2025 has no 优秀); by the totals
    # 0, 0, 1 (A leads every year; 2025 gives the grade to nobody) -> mean excess 2/3 >= 0.25, and A1's 2023
    # 优秀 with 85 below A's 90 is unexplained.
    assert rotation.flag
    assert [r[2:] for r in rotation.rows if r[0] == "category A"] == [(100.0, 0.0), (100.0, 0.0), (100.0, 100.0)]
    assert any("category A" in s for s in rotation.sentences)
    # Inflation: 优秀 is 1 of 3 subjects (33.33 %) in 2022-2024, none in 2025: no rise, and the latest year's
    # share (0 %) is not above 30 % -> nothing to flag.
    inflation = checks["inflation"]
    assert [r[:3] for r in inflation.rows] == [(2022, 3, pytest.approx(100 / 3)), (2023, 3, pytest.approx(100 / 3)),
                                              (2024, 3, pytest.approx(100 / 3)), (2025, 3, 0.0)]
    assert not inflation.flag
    assert not checks["quota"].flag  # nobody reached 优秀's 90
    assert checks["renewal"].sentences == ["No cycle of 2024 to compare the scheme with."]


def test_renewal_of_the_open_cycle_against_last_year(world: Any, english: None) -> None:
    renewal = next(c for c in fairness_checks(world.open) if c.key == "renewal")
    assert renewal.flag  # the same scheme as 2025: nothing renewed, below 15 %
    assert renewal.rows == []
