"""示范市's use of its results: the years before the platform (units 2021-2024 from the office's workbook, staff
2023-2024 from a GBK CSV), the units' project budgets of 2025, the 2025 allocations (a bonus pool, budget
adjustments whose cut waits for the unit's improvement plan, honours, the unqualified list confirmed; project
ratings proposed), the staff reserve pool, and weight proposals (entropy, AHP)."""

from __future__ import annotations

import csv
import random
import tempfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from jixiao.cycles.models import Cycle, Subject
from jixiao.outcomes.choices import Method, PlanKind
from jixiao.outcomes.services.common import result_rows
from jixiao.outcomes.services.files import do_import_budgets, do_import_history
from jixiao.outcomes.services.improvement import do_submit_improvement_plan
from jixiao.outcomes.services.plans import (
    DEFAULT_COEFFICIENTS,
    DEFAULT_PART,
    DEFAULT_PERCENTS,
    do_confirm_plan,
    do_propose_plan,
)
from jixiao.outcomes.services.weights import do_suggest_ahp, do_suggest_weights
from jixiao.results.models import Result

#: The share of 优秀 among category A units each year before the platform: the quota was loosened in 2024.
TOP_SHARE = {2021: 0.10, 2022: 0.12, 2023: 0.15, 2024: 0.24}
PROJECTS = ("信息化系统运维", "专项业务经费", "重点项目建设", "宣传培训", "办公场所改造", "第三方服务采购")


IMPROVEMENT = (
    "一、问题原因：安全生产监管责任落实不到位，隐患排查流于形式。\n"
    "二、改进措施：1. 建立重点企业“一企一档”，每季度全覆盖检查；2. 开展全员安全监管业务培训，年内不少于40学时；"
    "3. 引入第三方机构开展隐患排查复核。\n"
    "三、责任分工：局主要负责人负总责，分管副局长具体负责，监管科室按季度报告进展。\n"
    "四、完成时限：2026年6月底前完成整改，12月底前形成长效机制。")


def _grade(total: float) -> str:
    return "良好" if total >= 80 else "合格" if total >= 60 else "不合格"


def _unit_history(rng: random.Random, last: Cycle) -> list[list[Any]]:
    """Earlier years from 2025's totals with noise: category A's 优秀 follows the totals; category B's goes round
    the units in turn whatever their totals (轮流坐庄), which the rotation check is there to find."""
    rows = result_rows(last)
    out: list[list[Any]] = []
    for year in sorted(TOP_SHARE):
        totals = {r.code: round(min(99.0, r.total + rng.gauss(0, 2.0) - (2025 - year) * 0.3), 2) for r in rows}
        for cat in ("A", "B"):
            units = sorted((r for r in rows if r.category == cat), key=lambda r: (-totals[r.code], r.code))
            k = max(1, round((TOP_SHARE[year] if cat == "A" else 0.15) * len(units)))
            if cat == "A":
                top = {r.code for r in units[:k]}
            else:
                turn = sorted(r.code for r in units)
                start = (year - 2021) * k
                top = {turn[(start + i) % len(turn)] for i in range(k)}
            for rank, r in enumerate(units, start=1):
                grade = "优秀" if r.code in top else _grade(totals[r.code])
                out.append([year, "单位", r.code, r.name, cat, totals[r.code], rank, grade])
    return out


def _staff_history(rng: random.Random, staff: Cycle) -> list[list[Any]]:
    out: list[list[Any]] = []
    for r in Result.objects.filter(cycle=staff).select_related("subject"):
        for year in (2023, 2024):
            best = r.grade == "优秀" and rng.random() < 0.85
            grade = "优秀" if best or rng.random() < 0.08 else ("称职" if r.total >= 65 else "基本称职")
            out.append([year, "个人", r.subject.code, r.subject.name, r.subject.category, "", "", grade])
    return out


def _xlsx(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _budgets(rng: random.Random, last: Cycle) -> list[list[Any]]:
    out: list[list[Any]] = []
    for r in result_rows(last):
        for k, name in enumerate(rng.sample(PROJECTS, rng.randint(2, 3)), start=1):
            amount = rng.randrange(300, 12_000) * 1000
            score = None if rng.random() < 0.08 else round(min(100.0, max(35.0, rng.gauss(r.total - 6, 9))), 1)
            out.append([r.code, f"{r.code}-P{k}", f"{r.name.removeprefix('示范市')}{name}", amount,
                        "" if score is None else score])
    return out


def _ahp_matrix(path: Path) -> Path:
    rows = [["", "诉求响应率", "诉求解决率", "群众满意率"], ["诉求响应率", "1", "1/2", "1/2"],
            ["诉求解决率", "2", "1", "1"], ["群众满意率", "2", "1", "1"]]
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def load_demo_outcomes(office: Any) -> None:
    rng = random.Random(13)
    last = Cycle.objects.get(code="SFS-2025")
    staff = Cycle.objects.get(code="SFS-2025-STAFF")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        do_import_history(_xlsx(folder / "2021-2024年度市直部门考核结果.xlsx",
                                ["年度", "对象类型", "代码", "名称", "类别", "总分", "排名", "等次"],
                                _unit_history(rng, last)), actor=office)
        staff_file = folder / "2023-2024年度工作人员考核等次.csv"
        with staff_file.open("w", encoding="gb18030", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["年度", "对象类型", "代码", "名称", "类别", "总分", "排名", "等次"])
            writer.writerows(_staff_history(rng, staff))
        do_import_history(staff_file, actor=office)
        do_import_budgets(last, _xlsx(folder / "2025年度部门项目预算及绩效评价得分.xlsx",
                                      ["单位代码", "项目编号", "项目名称", "预算金额（元）", "评价得分"],
                                      _budgets(rng, last)), actor=office)
        do_suggest_ahp(last, "HOTLINE", _ahp_matrix(folder / "接诉即办两两比较.csv"), actor=office)
    do_suggest_weights(last, Method.ENTROPY, actor=office)
    confirmed: list[tuple[str, dict[str, Any]]] = [
        (PlanKind.BONUS, {"pool": 6_800_000, "coefficients": DEFAULT_COEFFICIENTS, "headcount_source": "staff"}),
        (PlanKind.BUDGET, {"percents": DEFAULT_PERCENTS, "cut_waits_for_plan": True}),
        (PlanKind.HONOUR, {"honour": "2025年度绩效考核先进单位", "grades": ["优秀"], "top": None}),
        (PlanKind.UNQUALIFIED, {"grades": ["不合格"],
                                "measure": "约谈主要负责人，取消当年评优评先资格，限期提交改进计划"}),
    ]
    for kind, params in confirmed:
        plan = do_propose_plan(last, kind, params, actor=office)
        do_confirm_plan(plan, actor=office, comment="经市考核委员会2026年1月28日会议审定")
    do_propose_plan(last, PlanKind.PART, {"percents": DEFAULT_PART}, actor=office)
    vetoed = next(r for r in result_rows(last) if r.grade == "不合格")
    do_submit_improvement_plan(Subject.objects.get(pk=vetoed.subject_id), IMPROVEMENT, actor=office)
    reserve = do_propose_plan(staff, PlanKind.RESERVE, {"years": 3, "grades": ["优秀"]}, actor=office)
    do_confirm_plan(reserve, actor=office, comment="报组织部门备案，列入优秀年轻干部储备库")
