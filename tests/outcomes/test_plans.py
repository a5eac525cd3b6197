"""Allocations through the services, on the small world with numbers worked by hand. The 2025 cycle's results (all
合格): A 77.17 (rank 1 in A), A1 75.15 (rank 2 in A), B 75.15 (rank 1 in B)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jixiao.audit.models import AuditEvent
from jixiao.core.errors import PermissionDeniedError
from jixiao.outcomes.choices import PlanKind, PlanState
from jixiao.outcomes.errors import OutcomeInputError, OutcomeStateError
from jixiao.outcomes.models import BudgetLine, Plan
from jixiao.outcomes.reports.tables import plan_table
from jixiao.outcomes.services.files import do_import_budgets, do_import_history
from jixiao.outcomes.services.improvement import do_decide_improvement_plan, do_submit_improvement_plan
from jixiao.outcomes.services.plans import do_confirm_plan, do_propose_plan, do_withdraw_plan, read_headcounts
from jixiao.results.services import do_compute_cycle

from .conftest import write_csv

HEADS = {"A": 10, "A1": 5, "B": 3}


def _bonus(world: Any, pool: int = 1000, coefficients: str = "优秀=1.2,良好=1,合格=0.8,不合格=0") -> Plan:
    return do_propose_plan(world.published, PlanKind.BONUS, {"pool": pool, "coefficients": coefficients,
                                                            "headcounts": HEADS}, actor=world.personas["admin"])


def test_bonus_pool_split_by_largest_remainder(world: Any) -> None:
    # Every unit 合格 (0.8), so shares are 0.8 x headcount: 8, 4, 2.4 of 14.4. 1000 x 8 / 14.4 = 555.56,
    # 1000 x 4 / 14.4 = 277.78, 1000 x 2.4 / 14.4 = 166.67 -> floors 555 + 277 + 166 = 998; the 2 yuan left go to
    # the largest remainders .78 (A1) and .67 (B).
    plan = _bonus(world)
    amounts = {r["code"]: r["amount"] for r in plan.rows}
    assert amounts == {"A": 555, "A1": 278, "B": 167}
    assert plan.totals == {"pool": 1000, "allocated": 1000, "undistributed": 0, "headcount": 18}
    assert plan.state == PlanState.PROPOSED
    event = AuditEvent.objects.filter(action="outcomes.propose").get()
    assert event.after["totals"]["allocated"] == 1000
    table = plan_table(plan)
    assert table.total_row is not None
    assert table.total_row[-1] == 1000
    assert table.total_row[7] == 18


def test_bonus_refuses_a_grade_without_coefficient_and_changes_nothing(world: Any) -> None:
    with pytest.raises(OutcomeInputError, match="合格"):
        _bonus(world, coefficients="优秀=1.2,良好=1")
    with pytest.raises(OutcomeInputError, match="甲等"):
        _bonus(world, coefficients="甲等=1,合格=1")
    with pytest.raises(OutcomeInputError):
        _bonus(world, coefficients="合格=abc")
    with pytest.raises(OutcomeInputError):
        _bonus(world, pool=0)
    assert not Plan.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="outcomes.").exists()


def test_headcount_file_names_row_and_column(world: Any, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "人数.csv", [["单位", "人数"], ["A", "10"], ["A1", "5"], ["B", "3"]])
    assert read_headcounts(good, "人数.csv", {"A", "A1", "B"}) == HEADS
    bad = write_csv(tmp_path / "bad.csv", [["unit", "headcount"], ["A", "10"], ["A1", "五"], ["B", "3"]])
    with pytest.raises(OutcomeInputError, match=r"bad.csv.*3.*headcount"):
        read_headcounts(bad, "bad.csv", {"A", "A1", "B"})
    short = write_csv(tmp_path / "short.csv", [["unit", "headcount"], ["A", "10"]])
    with pytest.raises(OutcomeInputError, match="A1"):
        read_headcounts(short, "short.csv", {"A", "A1", "B"})


def test_confirm_needs_the_final_publication_and_fresh_results(closed_world: Any, english: None) -> None:
    world = closed_world
    admin = world.personas["admin"]
    provisional = do_propose_plan(world.open, PlanKind.BONUS, {"pool": 100, "coefficients": "合格=1",
                                                               "headcounts": HEADS}, actor=admin)
    with pytest.raises(OutcomeStateError, match="final publication"):
        do_confirm_plan(provisional, actor=admin)
    assert world.closed is not None
    plan = do_propose_plan(world.closed, PlanKind.BONUS, {"pool": 100, "coefficients": "合格=1",
                                                          "headcounts": HEADS}, actor=admin)
    do_compute_cycle(world.closed, actor=admin, reason="重算")  # the results are computed again
    with pytest.raises(OutcomeStateError, match="propose it again"):
        do_confirm_plan(plan, actor=admin)


def test_one_confirmed_allocation_of_a_kind(world: Any, english: None) -> None:
    admin = world.personas["admin"]
    first = do_confirm_plan(_bonus(world), actor=admin, comment="审定")
    assert first.state == PlanState.CONFIRMED
    confirm = AuditEvent.objects.filter(action="outcomes.confirm").get()
    assert confirm.after["rows"] == {"A": 555, "A1": 278, "B": 167}
    second = _bonus(world, pool=2000)
    with pytest.raises(OutcomeStateError, match="withdraw it first"):
        do_confirm_plan(second, actor=admin)
    with pytest.raises(OutcomeInputError):
        do_withdraw_plan(first, actor=admin)  # a confirmed one needs a reason
    do_withdraw_plan(first, actor=admin, reason="奖金总额调整")
    assert do_confirm_plan(second, actor=admin).state == PlanState.CONFIRMED


def test_only_the_office_proposes_and_confirms(world: Any) -> None:
    for persona in ("auditor", "operator_a", "leader"):
        with pytest.raises(PermissionDeniedError):
            do_propose_plan(world.published, PlanKind.BONUS, {"pool": 1, "coefficients": "合格=1"},
                            actor=world.personas[persona])
    plan = _bonus(world)
    with pytest.raises(PermissionDeniedError):
        do_confirm_plan(plan, actor=world.personas["auditor"])


def _budgets(world: Any, tmp_path: Path) -> None:
    rows = [["单位代码", "项目编号", "项目名称", "预算金额（元）", "评价得分"],
            ["A", "A-P1", "市场监管信息化", "1,234,567", "85"], ["B", "B-P1", "机关后勤保障", "1000005", ""],
            ["B", "B-P2", "公务用车运维", "200000", "49.9"]]
    do_import_budgets(world.published, write_csv(tmp_path / "预算.csv", rows, "gb18030"),
                      actor=world.personas["admin"])


def test_budget_cut_waits_for_the_accepted_improvement_plan(world: Any, tmp_path: Path, english: None) -> None:
    _budgets(world, tmp_path)
    admin = world.personas["admin"]
    plan = do_propose_plan(world.published, PlanKind.BUDGET, {"percents": "合格=-10", "cut_waits_for_plan": True},
                           actor=admin)
    # A: 1,234,567 x -10 % = -123,456.7 -> -123,457 (half up); B: 1,200,005 x -10 % = -120,000.5 -> -120,001.
    rows = {r["code"]: r for r in plan.rows}
    assert (rows["A"]["base"], rows["A"]["change"], rows["A"]["new"]) == (1234567, -123457, 1111110)
    assert (rows["B"]["base"], rows["B"]["change"]) == (1200005, -120001)
    assert "A1" not in rows  # no project budget
    assert plan.totals["cut"] == -243458
    assert plan.totals["without_budget"] == 1

    def effect() -> dict[str, str]:
        t = plan_table(plan)
        return {row[1]: row[-1] for row in t.rows}

    assert set(effect().values()) == {"waits for an improvement plan"}
    b = world.subject(world.published, world.unit_b)
    with pytest.raises(PermissionDeniedError):
        do_submit_improvement_plan(b, "压减一般性支出，优化项目结构，按季度报告进展。",
                                   actor=world.personas["operator_a"])
    improvement = do_submit_improvement_plan(b, "压减一般性支出，优化项目结构，按季度报告进展。",
                                             actor=world.personas["operator_b"])
    with pytest.raises(OutcomeInputError):
        do_decide_improvement_plan(improvement, actor=admin, accept=False)  # a return says what to revise
    do_decide_improvement_plan(improvement, actor=admin, accept=True, comment="同意")
    assert effect() == {"A": "waits for an improvement plan", "B": "yes"}


def test_budget_file_refused_whole_with_every_place_named(world: Any, tmp_path: Path) -> None:
    _budgets(world, tmp_path)
    rows = [["unit", "project", "name", "amount", "score"], ["A", "P1", "x", "12.5", ""], ["Z", "P2", "y", "1", ""],
            ["B", "P3", "z", "100", "101"], ["B", "P1", "w", "5", ""]]
    with pytest.raises(OutcomeInputError) as exc:
        do_import_budgets(world.published, write_csv(tmp_path / "b.csv", rows), actor=world.personas["admin"])
    text = exc.value.text
    assert "b.csv" in text
    assert "12.5" in text
    assert "Z" in text
    assert "101" in text
    assert "P1" in text
    assert BudgetLine.objects.filter(cycle=world.published).count() == 3  # the earlier file stands


def test_honours_and_unqualified_list(world: Any) -> None:
    admin = world.personas["admin"]
    honour = do_propose_plan(world.published, PlanKind.HONOUR, {"honour": "先进单位", "grades": ["合格"], "top": 1},
                             actor=admin)
    assert [r["code"] for r in honour.rows] == ["A", "B"]  # rank 1 of each category
    listed = do_propose_plan(world.published, PlanKind.UNQUALIFIED, {"grades": ["合格"], "measure": "约谈"},
                             actor=admin)
    assert {r["code"] for r in listed.rows} == {"A", "A1", "B"}


def test_reserve_pool_lists_the_consecutive_years(world: Any, tmp_path: Path) -> None:
    admin = world.personas["admin"]
    history = write_csv(tmp_path / "往年.csv", [["年度", "对象类型", "代码", "名称", "等次"],
                                                ["2023", "单位", "A", "市场监管局", "合格"],
                                                ["2024", "单位", "A", "市场监管局", "合格"],
                                                ["2023", "单位", "A1", "东城所", "合格"],
                                                ["2024", "单位", "A1", "东城所", "不合格"],
                                                ["2024", "单位", "B", "机关事务局", "合格"]])
    assert do_import_history(history, actor=admin) == 5
    three = do_propose_plan(world.published, PlanKind.RESERVE, {"years": 3, "grades": ["合格"]}, actor=admin)
    assert [(r["code"], r["years"]) for r in three.rows] == [("A", [2023, 2024, 2025])]
    two = do_propose_plan(world.published, PlanKind.RESERVE, {"years": 2, "grades": ["合格"]}, actor=admin)
    assert [(r["code"], r["years"]) for r in two.rows] == [("A", [2023, 2024, 2025]), ("B", [2024, 2025])]


def test_history_refused_with_places(world: Any, tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "h.csv", [["year", "kind", "code", "name", "grade"], ["1999", "单位", "A", "a", "合格"],
                                         ["2024", "团体", "B", "b", "合格"], ["2024", "单位", "C", "c", "合格"],
                                         ["2024", "单位", "C", "c", "优秀"]])
    with pytest.raises(OutcomeInputError) as exc:
        do_import_history(bad, actor=world.personas["admin"])
    assert "1999" in exc.value.text
    assert "团体" in exc.value.text
    assert "C" in exc.value.text


def test_project_ratings_by_score(world: Any, tmp_path: Path) -> None:
    _budgets(world, tmp_path)
    plan = do_propose_plan(world.published, PlanKind.PART, {"percents": "有效=+5,无效=-50,结果未证明=-10"},
                           actor=world.personas["admin"])
    rows = {r["project"]: (r["rating"], r["change"]) for r in plan.rows}
    # 85 -> effective, +5 % of 1,234,567 = 61,728.35 -> 61,728; no score -> not demonstrated, -10 % of 1,000,005 =
    # -100,000.5 -> -100,001; 49.9 -> ineffective, -50 % of 200,000.
    assert rows == {"A-P1": ("effective", 61728), "B-P1": ("not_demonstrated", -100001),
                    "B-P2": ("ineffective", -100000)}
