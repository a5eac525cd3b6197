"""Write the example input files of every shipped scheme template into ``examples/<template>/``.

    python examples/generate.py

For each template: ``units.csv`` (unit, name, category), ``values.csv`` (unit, indicator, value) and
``ratings.csv`` (unit, indicator, group, rater, score), UTF-8 with a header; for core-leader-negative
also ``units.xlsx``, ``values.xlsx`` and ``ratings.xlsx`` with the same data on the first sheet (the
percentages there are cells formatted as percentages, as an office would keep them in Excel).

The data are invented but plausible for a prefecture-level city: every unit has a latent quality q
(standard normal, a few pinned so that each example shows an excellent unit, a failing one and a veto),
and every figure is a typical value moved by q plus noise, kept within what such a figure can be
(诉求响应率 82-100 %, 审批平均时长 3-25 天 ...). A few values are left out on purpose, so that the
scores show missing indicators, and each example has exactly one veto (一票否决) hit.

The output is deterministic (``random.Random`` with a fixed seed per template, fixed timestamps in
the workbooks), so running the script again changes no file.
"""

from __future__ import annotations

import csv
import io
import math
import random
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent

Unit = tuple[str, str, str]  # unit code, name, category

# A = 执法服务型 (enforcement / service), B = 支持保障型 (support), as Zhejiang classifies its
# departments (seeds/000). Districts and street offices serve the public directly and count as A.
DEPARTMENTS_A: list[Unit] = [
    ("GAJ", "市公安局", "A"),
    ("SCJGJ", "市市场监督管理局", "A"),
    ("STHJJ", "市生态环境局", "A"),
    ("JTYSJ", "市交通运输局", "A"),
    ("CGZFJ", "市城市管理执法局", "A"),
    ("WJW", "市卫生健康委员会", "A"),
    ("RSJ", "市人力资源和社会保障局", "A"),
    ("ZWFWJ", "市政务服务和大数据管理局", "A"),
    ("ZJJ", "市住房和城乡建设局", "A"),
    ("ZRZYJ", "市自然资源和规划局", "A"),
    ("YJJ", "市应急管理局", "A"),
    ("MZJ", "市民政局", "A"),
    ("JYJ", "市教育局", "A"),
    ("NYNCJ", "市农业农村局", "A"),
    ("SLJ", "市水利和湖泊局", "A"),
    ("WLJ", "市文化和旅游局", "A"),
    ("YBJ", "市医疗保障局", "A"),
]
DEPARTMENTS_B: list[Unit] = [
    ("ZFB", "市人民政府办公室", "B"),
    ("FGW", "市发展和改革委员会", "B"),
    ("CZJ", "市财政局", "B"),
    ("SJJ", "市审计局", "B"),
    ("TJJ", "市统计局", "B"),
    ("JGSW", "市机关事务服务中心", "B"),
    ("ZZB", "市委组织部", "B"),
    ("BB", "市委机构编制委员会办公室", "B"),
    ("GZW", "市人民政府国有资产监督管理委员会", "B"),
    ("SFJ", "市司法局", "B"),
    ("KJJ", "市科学技术局", "B"),
    ("LSJ", "市粮食和物资储备局", "B"),
    ("XFJ", "市信访局", "B"),
    ("DAG", "市档案馆", "B"),
]
CITY_DISTRICTS: list[Unit] = [
    ("DHQ", "东湖区人民政府", "A"),
    ("XJQ", "西江区人民政府", "A"),
    ("DHQ-BJ", "东湖区滨江街道办事处", "A"),
    ("XJQ-CN", "西江区城南街道办事处", "A"),
]
# The Jingzhou scheme (seeds/003) is shown with Jingzhou's own districts and street offices.
JINGZHOU_DISTRICTS: list[Unit] = [
    ("SSQ", "沙市区人民政府", "A"),
    ("JZQ", "荆州区人民政府", "A"),
    ("SSQ-ZS", "沙市区中山街道办事处", "A"),
    ("JZQ-XC", "荆州区西城街道办事处", "A"),
]
CITY_UNITS = DEPARTMENTS_A + CITY_DISTRICTS + DEPARTMENTS_B
JINGZHOU_UNITS = DEPARTMENTS_A + JINGZHOU_DISTRICTS + DEPARTMENTS_B

#: core-leader-negative's indicators measured in %: percentage cells (0.949 shown as 94.9%) in its workbooks.
PERCENT = {"RESP", "EXEC"}


@dataclass
class Example:
    """The input files of one template, as rows."""

    units: list[Unit]
    values: list[tuple[str, str, float]] = field(default_factory=list)
    ratings: list[tuple[str, str, str, str, float]] = field(default_factory=list)

    def value(self, unit: str, indicator: str, v: float | None) -> None:
        if v is not None:
            self.values.append((unit, indicator, v))


class Draw:
    """Figures of one unit: a typical value moved by the unit's quality q, plus noise, kept in range."""

    def __init__(self, rng: random.Random, q: float) -> None:
        self.rng = rng
        self.q = q

    def measure(self, mid: float, per_q: float, sd: float, lo: float, hi: float, digits: int = 1) -> float:
        v = mid + per_q * self.q + self.rng.gauss(0.0, sd)
        return round(min(max(v, lo), hi), digits)

    def count(self, mean: float, per_q: float = 0.9) -> int:
        """Incidents (Poisson), rarer the better the unit: mean x exp(-per_q x q)."""
        limit = math.exp(-mean * math.exp(-per_q * self.q))
        k, p = 0, self.rng.random()
        while p > limit:
            k += 1
            p *= self.rng.random()
        return k


def qualities(rng: random.Random, units: Sequence[Unit], pinned: dict[str, float]) -> dict[str, float]:
    """Each unit's latent quality: normal with sd 0.8, kept within +-1.8, except the pinned ones."""
    drawn = {code: min(max(rng.gauss(0.0, 0.8), -1.8), 1.8) for code, _, _ in units}
    drawn.update(pinned)
    return drawn


def rate(ex: Example, rng: random.Random, unit: str, indicator: str, q: float,
         groups: dict[str, tuple[str, int, float]], mid: float, per_q: float, sd: float) -> None:
    """Ratings on 0-100 from each group's raters (prefix, how many, the group's own leaning).

    A rater takes part with probability 0.9; about one rating in 15 is an outlier (a grudge or a
    favour), which is what trimming the highest and lowest is for.
    """
    for group, (prefix, raters, lean) in groups.items():
        for r in range(1, raters + 1):
            if rng.random() > 0.9:
                continue
            if rng.random() < 1 / 15:
                score = rng.choice([rng.uniform(30, 55), 100.0])
            else:
                score = mid + lean + per_q * q + rng.gauss(0.0, sd)
            ex.ratings.append((unit, indicator, group, f"{prefix}{r:02d}", round(min(max(score, 0), 100))))


def leave_out(ex: Example, rng: random.Random, indicators: Iterable[str], how_many: int) -> None:
    """Drop a few values of these indicators, so that the scores show missing data."""
    wanted = set(indicators)
    candidates = [i for i, row in enumerate(ex.values) if row[1] in wanted]
    for i in sorted(rng.sample(candidates, how_many), reverse=True):
        del ex.values[i]


# ------------------------------------------------------------------------------------------------
# The templates


def core_leader_negative() -> Example:
    """核心指标 60% + 领导评价 30% + 负面清单 10% (seeds/004)."""
    rng = random.Random(20260104)
    ex = Example(CITY_UNITS)
    q = qualities(rng, CITY_UNITS, {"ZWFWJ": 1.9, "SJJ": 1.6, "JTYSJ": 0.7, "XJQ-CN": -2.4})
    for code, _, cat in CITY_UNITS:
        d = Draw(rng, q[code])
        ex.value(code, "RESP", d.measure(95.5, 3, 1.5, 82, 100))
        ex.value(code, "DAYS", d.measure(8.5, -3.5, 2, 3, 25))
        ex.value(code, "EXEC", d.measure(92, 4, 3, 65, 100))
        if cat == "A":
            ex.value(code, "ONSITE", d.measure(0.9, -0.4, 0.3, 0.3, 3.5))
        ex.value(code, "NEG", d.count(0.35))
        rate(ex, rng, code, "LEAD", q[code], {"superior": ("L", 4, 0), "peer": ("P", 8, 2),
                                              "public": ("G", 10, -3)}, 86, 5, 4)
    leave_out(ex, rng, ["RESP", "DAYS", "EXEC", "ONSITE"], 2)
    for code, _, _ in CITY_UNITS:
        if q[code] > 0.8 and rng.random() < 0.6:
            ex.value(code, "INNOV", rng.choice([1, 2, 3]))
        if rng.random() < 0.15:
            ex.value(code, "REFORM", rng.choice([1, 1.5, 2]))
    for code in rng.sample([c for c, _, _ in CITY_UNITS if q[c] < 0], 2):
        ex.value(code, "ACCIDENT", rng.choice([2, 3, 4]))
    ex.value("JTYSJ", "MAJOR", 1)  # a major road-transport accident: 一票否决
    return ex


def balanced_scorecard() -> Example:
    """财务 / 公众（客户）/ 内部流程 / 学习与成长 (seeds/001, 002)."""
    rng = random.Random(20260101)
    ex = Example(CITY_UNITS)
    q = qualities(rng, CITY_UNITS, {"RSJ": 1.8, "CZJ": 1.6, "GZW": 0.6, "DHQ-BJ": -2.3})
    for code, _, cat in CITY_UNITS:
        d = Draw(rng, q[code])
        ex.value(code, "BUDGET_EXEC", d.measure(93, 4, 3, 60, 100))
        ex.value(code, "ADMIN_COST", d.measure(98, -5, 3, 85, 120))
        ex.value(code, "IDLE_FUNDS", d.measure(4.5, -2, 1.5, 0.2, 25))
        ex.value(code, "HOTLINE_DONE", d.measure(95.5, 3, 1.5, 80, 100))
        ex.value(code, "HOTLINE_SAT", d.measure(93, 3, 2, 75, 100))
        ex.value(code, "OPEN_TIMELY", d.measure(96, 2.5, 2, 80, 100))
        if cat == "A":
            ex.value(code, "APPROVE_DAYS", d.measure(11, -4, 2, 3, 25))
            ex.value(code, "TIME_CUT", d.measure(52, 8, 5, 15, 75))
        else:
            ex.value(code, "COORD", d.measure(93, 4, 2, 70, 100))
            ex.value(code, "INTCTRL", d.measure(6.2, 0.8, 0.5, 2, 8))  # of 8 points
        ex.value(code, "OVERDUE", d.count(0.8))
        ex.value(code, "TRAIN_HOURS", d.measure(40, 6, 4, 16, 72, 0))
        ex.value(code, "TRAIN_PASS", d.measure(99.5, 2, 1.5, 85, 100))
        ex.value(code, "INNOV_EVAL", d.measure(4.6, 0.7, 0.5, 1, 6))  # of 6 points
        rate(ex, rng, code, "SATIS", q[code], {"public": ("G", 12, -2), "third_party": ("T", 5, 0),
                                               "superior": ("L", 4, 1)}, 85, 5, 4)
    leave_out(ex, rng, ["BUDGET_EXEC", "HOTLINE_SAT", "OPEN_TIMELY", "TIME_CUT", "TRAIN_HOURS"], 3)
    for code, _, _ in CITY_UNITS:
        if q[code] > 0.7 and rng.random() < 0.5:
            ex.value(code, "INNOV", rng.choice([1, 2, 3]))
        if rng.random() < 0.12:
            ex.value(code, "HONOR", rng.choice([1, 2]))
    for code in rng.sample([c for c, _, _ in CITY_UNITS if q[c] < -0.3], 2):
        ex.value(code, "WARN", rng.choice([2, 3, 4]))
    ex.value("GZW", "DISCIPLINE", 1)  # a serious disciplinary case: 一票否决
    return ex


# Budget performance covers the departments' budgets, not the districts'.
BUDGET_UNITS = DEPARTMENTS_A + DEPARTMENTS_B
RESERVE_HOLDERS = {"LSJ": 0.12, "YJJ": 0.18, "WJW": 0.26, "JGSW": 0.15}  # 储备物资损耗率, %
INVESTMENT_UNITS = {"FGW", "ZJJ", "JTYSJ", "NYNCJ", "KJJ", "SLJ", "WLJ", "GZW"}
ECOLOGY_UNITS = {"STHJJ", "SLJ", "ZJJ", "NYNCJ", "ZRZYJ", "CGZFJ", "JTYSJ"}
INTERNAL_UNITS = {"TJJ", "SJJ", "ZZB", "BB"}  # no outside service population to cover
# No 服务对象满意度 survey was run for the archive this year; as a B unit it has no 满意度问卷 either,
# so the whole 满意度指标 group is left out for it and the other groups share its points.
UNRATED = {"DAG"}


def budget_performance() -> Example:
    """成本 / 产出 / 效益 / 满意度 (seeds/004, 002). Missing indicators are excluded by this scheme."""
    rng = random.Random(20260102)
    ex = Example(BUDGET_UNITS)
    q = qualities(rng, BUDGET_UNITS, {"ZWFWJ": 1.9, "CZJ": 1.5, "NYNCJ": 0.5, "XFJ": -2.4})
    for code, _, cat in BUDGET_UNITS:
        d = Draw(rng, q[code])
        ex.value(code, "C_EXEC", d.measure(93, 4, 3, 55, 100))
        ex.value(code, "C_UNITCOST", d.measure(100, -5, 4, 80, 130))
        ex.value(code, "C_CUT", d.measure(7.5, 2, 2, -3, 15))
        ex.value(code, "C_ADJUST", d.measure(7.5, -3.5, 3.5, 0, 40))
        ex.value(code, "C_AUDIT", d.count(0.6, 0.8))
        ex.value(code, "O_QTY", d.measure(96, 3, 3, 70, 105))
        ex.value(code, "O_QUAL", d.measure(98, 1.5, 1.2, 85, 100))
        ex.value(code, "O_TIME", d.measure(94.5, 3.5, 2.5, 60, 100))
        if code in RESERVE_HOLDERS:
            ex.value(code, "O_LOSS", d.measure(RESERVE_HOLDERS[code], -0.04, 0.03, 0.02, 0.6, 2))
        # Benefit: the expert's award for 长效机制建设 is out of the points the indicator holds for
        # this unit, which depend on which indicators the unit has data for (missing: exclude): its
        # siblings in 效益指标, and whether 满意度指标 applies at all (not for an unrated B unit).
        satisfaction = code not in UNRATED or cat == "A"
        benefit = 100 * 30 / (85 + (15 if satisfaction else 0))
        siblings = 0.0
        if code in INVESTMENT_UNITS:
            ex.value(code, "B_ECON", d.measure(2.3, 0.5, 0.4, 0.3, 4.5))
            siblings += 8
        if code not in INTERNAL_UNITS:
            ex.value(code, "B_SOCIAL", d.measure(93, 4, 3, 60, 100))
            siblings += 9
        if code in ECOLOGY_UNITS:
            ex.value(code, "B_ECO", d.measure(92, 5, 4, 60, 100))
            siblings += 7
        available = benefit * 6 / (6 + siblings)
        ex.value(code, "B_SUST", round(available * d.measure(0.8, 0.08, 0.05, 0.4, 1.0, 3), 1))
        if code not in UNRATED:
            rate(ex, rng, code, "S_RATING", q[code], {"public": ("G", 10, -2), "third_party": ("T", 4, 0),
                                                      "superior": ("L", 3, 1)}, 86, 5, 4)
        if cat == "A":
            ex.value(code, "S_SURVEY", d.measure(92.5, 3, 2, 75, 99))
    leave_out(ex, rng, ["C_UNITCOST", "C_CUT", "O_QUAL", "O_TIME"], 3)
    for code, _, _ in BUDGET_UNITS:
        if q[code] > 0.8 and rng.random() < 0.5:
            ex.value(code, "GRADE_A", rng.choice([1, 2]))
        if rng.random() < 0.08:
            ex.value(code, "PILOT", 1)
    for code in rng.sample([c for c, _, _ in BUDGET_UNITS if q[c] < -0.3], 2):
        ex.value(code, "IDLE", rng.choice([2, 3, 5]))
    ex.value(rng.choice([c for c, _, _ in BUDGET_UNITS if q[c] < 0]), "SELF_GAP", 3)
    ex.value("NYNCJ", "FRAUD", 1)  # agricultural subsidies claimed under false pretences: 一票否决
    return ex


def policy_service_law_governance_development() -> Example:
    """荆州 政策—服务—法治—治理—发展 (seeds/003)."""
    rng = random.Random(20260103)
    ex = Example(JINGZHOU_UNITS)
    q = qualities(rng, JINGZHOU_UNITS, {"SLJ": 1.9, "ZWFWJ": 1.7, "SFJ": 1.7, "ZJJ": 0.8, "JZQ-XC": -2.3})
    for code, _, cat in JINGZHOU_UNITS:
        d = Draw(rng, q[code])
        ex.value(code, "P_TASKS", d.measure(94, 3.5, 2.5, 65, 100))
        ex.value(code, "P_PROGRESS", d.measure(5.5, -3.5, 2.5, 0, 35))
        ex.value(code, "P_OVERDUE", d.count(0.3))
        rate(ex, rng, code, "S_SATIS", q[code], {"public": ("G", 12, -2), "third_party": ("T", 4, 0),
                                                 "superior": ("L", 4, 1)}, 86, 5, 4)
        ex.value(code, "S_HOTLINE", d.measure(93.5, 3, 2, 70, 100))
        if cat == "A":
            ex.value(code, "S_ONLINE", d.measure(85, 6, 4, 50, 100))
            ex.value(code, "L_TRAIN", d.measure(99.5, 2.5, 1.5, 80, 100))
            ex.value(code, "L_CORRECTED", d.count(0.25, 0.8))
        else:
            ex.value(code, "S_SUPPORT", d.measure(94, 3, 2, 75, 100))
            ex.value(code, "L_AUDIT_FIX", d.measure(92, 5, 4, 60, 100))
            ex.value(code, "L_CONTRACT", d.measure(100.5, 2, 1.5, 85, 100))
        ex.value(code, "L_DOCS", d.measure(99.5, 2, 1.5, 85, 100))
        ex.value(code, "L_EVAL", d.measure(4.6, 0.6, 0.5, 1.5, 6))  # of 6 points
        ex.value(code, "G_RECTIFY", d.measure(95, 3, 2.5, 65, 100))
        ex.value(code, "G_STAFF", d.measure(8, -3, 4, 0, 35))
        ex.value(code, "G_OPEN", d.measure(97, 2.5, 2, 80, 100))
        ex.value(code, "G_DISPUTE", d.measure(92, 3, 2.5, 70, 100))
        ex.value(code, "D_INNOV", d.measure(38, 7, 5, 0, 70))
        ex.value(code, "D_COST", d.measure(98, -5, 3, 85, 120))
        ex.value(code, "D_TEAM", d.measure(93, 4, 4, 60, 100))
    leave_out(ex, rng, ["P_TASKS", "S_ONLINE", "G_DISPUTE", "D_INNOV", "L_AUDIT_FIX"], 4)
    for code, _, _ in JINGZHOU_UNITS:
        if q[code] > 0.8 and rng.random() < 0.5:
            ex.value(code, "REFORM", rng.choice([1, 2]))
        if q[code] > 0 and rng.random() < 0.15:
            ex.value(code, "INNOV", rng.choice([1, 1.5, 2]))
        if rng.random() < 0.08:
            ex.value(code, "HONOR", 1)
    for code in rng.sample([c for c, _, _ in JINGZHOU_UNITS if q[c] < -0.3], 2):
        ex.value(code, "NOTICE", rng.choice([1, 2, 3]))
    ex.value("ZJJ", "V_SAFETY", 1)  # a fatal construction-site accident: capped at 合格
    return ex


def city_annual() -> Example:
    """示范市年度综合绩效考核: 行政业绩, 接诉即办, 行政质量, 自身建设, 综合评价, 负面清单 (seeds/000, 002, 003)."""
    rng = random.Random(20260105)
    ex = Example(CITY_UNITS)
    q = qualities(rng, CITY_UNITS, {"ZWFWJ": 1.9, "SCJGJ": 1.6, "CZJ": 1.7, "YJJ": 0.9, "DHQ-BJ": -2.4})
    for code, _, cat in CITY_UNITS:
        d = Draw(rng, q[code])
        ex.value(code, "TASK", d.measure(92, 4, 3, 60, 100))
        ex.value(code, "PROJ", d.measure(93, 5, 4, 55, 110))
        ex.value(code, "EXEC", d.measure(91, 4, 3, 60, 100))
        ex.value(code, "IDLE", d.measure(11, -4, 3, 1, 35))
        ex.value(code, "BIZENV", d.measure(82, 4, 3, 55, 98))
        ex.value(code, "DIGI", round(min(max(4.5 + 1.2 * q[code] + rng.gauss(0, 1), 0), 9)))
        ex.value(code, "RESP", d.measure(96, 2.5, 1.5, 82, 100))
        ex.value(code, "SOLVE", d.measure(86, 5, 3, 60, 100))
        ex.value(code, "SATIS", d.measure(88, 4, 3, 65, 100))
        if cat == "A":
            ex.value(code, "DAYS", d.measure(8.5, -3.5, 2, 3, 25))
            ex.value(code, "ONSITE", d.measure(0.9, -0.4, 0.3, 0.3, 3.5))
            ex.value(code, "CASE", d.measure(95.5, 2, 2, 80, 100))
        else:
            ex.value(code, "SERVQ", d.measure(88, 4, 3, 65, 100))
            ex.value(code, "COST", d.measure(3, -2, 2, -5, 15))
        ex.value(code, "OPEN", d.measure(98.5, 1, 1, 90, 100))
        ex.value(code, "RECT", d.measure(92, 5, 4, 55, 100))
        ex.value(code, "TRAIN", d.measure(97, 3, 3, 70, 100))
        ex.value(code, "INTEG", d.measure(2.2, 0.2, 0.15, 0.5, 2.5, 2))  # of 2.5 points
        ex.value(code, "NEG", d.count(0.5))
        rate(ex, rng, code, "EVAL", q[code], {"superior": ("L", 5, 0), "peer": ("P", 8, 2),
                                              "public": ("G", 12, -3)}, 86, 5, 4)
    leave_out(ex, rng, ["PROJ", "BIZENV", "CASE", "SERVQ", "RECT"], 4)
    for code, _, _ in CITY_UNITS:
        if q[code] > 0.8 and rng.random() < 0.6:
            ex.value(code, "INNOV", rng.choice([1, 2, 3]))
        if rng.random() < 0.15:
            ex.value(code, "REFORM", rng.choice([1, 1.5, 2]))
        if q[code] > 1 and rng.random() < 0.3:
            ex.value(code, "HONOR", 1)
    for code in rng.sample([c for c, _, _ in CITY_UNITS if q[c] < 0], 3):
        ex.value(code, rng.choice(["SAFETY", "COMPLAINT"]), rng.choice([1, 2, 3]))
    ex.value("YJJ", "MAJOR", 1)  # a major production-safety accident: 一票否决
    return ex


#: Street offices of three urban districts (category A) and the towns of a rural one (乡镇, category B).
STREETS: list[Unit] = [
    (f"{district}-{k:02}", f"{name}{street}街道办事处", "A")
    for district, name in (("DHQ", "东湖区"), ("XJQ", "西江区"), ("NHQ", "南湖区"))
    for k, street in enumerate(("滨江", "城南", "和平", "新华", "解放", "光明"), start=1)
] + [(f"BSQ-{k:02}", f"北山区{town}镇人民政府", "B")
     for k, town in enumerate(("青石", "柳河", "桃源", "双龙", "白马", "长岭"), start=1)]


def street_hotline() -> Example:
    """街道（乡镇）年度考核: 接诉即办's three rates of each street office's 12345 tickets, 基层治理, 为民服务
    (seeds/000)."""
    rng = random.Random(20260312)
    ex = Example(STREETS)
    q = qualities(rng, STREETS, {"DHQ-01": 1.8, "XJQ-04": -2.2})
    for code, _, _ in STREETS:
        d = Draw(rng, q[code])
        ex.value(code, "RESP", d.measure(96.5, 2, 1.5, 85, 100))
        ex.value(code, "SOLVE", d.measure(84, 6, 4, 55, 100))
        ex.value(code, "SATIS", d.measure(88, 5, 3.5, 60, 100))
        ex.value(code, "GRID", d.measure(92, 4, 3, 65, 100))
        ex.value(code, "HAZARD", d.measure(95.5, 3, 2.5, 70, 100))
        ex.value(code, "PROACT", d.measure(85, 10, 8, 30, 100))
        ex.value(code, "HALL", d.measure(97, 1.5, 1.2, 85, 100))
        ex.value(code, "CARE", d.measure(96, 5, 4, 60, 100))
    leave_out(ex, rng, ["PROACT", "HALL"], 1)
    for code in rng.sample([c for c, _, _ in STREETS if q[c] < 0], 2):
        ex.value(code, "EXPOSED", rng.choice([1, 2]))
    ex.value("NHQ-03", "MAJOR", 1)  # a fatal fire in a rented flat: 一票否决
    return ex


TEMPLATES: dict[str, tuple[Callable[[], Example], bool]] = {
    # name: (generator, also write .xlsx)
    "core-leader-negative": (core_leader_negative, True),
    "balanced-scorecard": (balanced_scorecard, False),
    "budget-performance": (budget_performance, False),
    "policy-service-law-governance-development": (policy_service_law_governance_development, False),
    "city-annual": (city_annual, False),
    "street-hotline": (street_hotline, False),
}


# ------------------------------------------------------------------------------------------------
# Writing


def _cell(v: object) -> object:
    """A number as a person writes it: 95 rather than 95.0."""
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows([_cell(c) for c in row] for row in rows)


FIXED_TIME = (2026, 1, 1, 0, 0, 0)
_MODIFIED = re.compile(rb"<dcterms:modified([^>]*)>[^<]*</dcterms:modified>")


def write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]],
               percent_column: str | None = None, percent_when: Callable[[Sequence[object]], bool] | None = None,
               ) -> None:
    """One sheet with the header; cells of ``percent_column`` where ``percent_when`` holds are written as
    percentage cells (0.943 shown as 94.3%). Timestamps are fixed so the file's bytes do not change."""
    import datetime

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = path.stem
    ws.append(list(header))
    col = list(header).index(percent_column) if percent_column else -1
    for row in rows:
        cells = [_cell(c) for c in row]
        pct = col >= 0 and percent_when is not None and percent_when(row)
        if pct:
            cells[col] = round(float(row[col]) / 100, 6)  # type: ignore[arg-type]
        ws.append(cells)
        if pct:
            ws.cell(row=ws.max_row, column=col + 1).number_format = "0.0%"
    stamp = datetime.datetime(*FIXED_TIME)
    wb.properties.created = stamp
    buf = io.BytesIO()
    wb.save(buf)
    # openpyxl stamps the save time into docProps/core.xml and zip entries: pin both.
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = _MODIFIED.sub(rb"<dcterms:modified\1>2026-01-01T00:00:00Z</dcterms:modified>", data)
            dst.writestr(zipfile.ZipInfo(item.filename, date_time=FIXED_TIME), data,
                         compress_type=zipfile.ZIP_DEFLATED)


UNIT_HEADER = ("unit", "name", "category")
VALUE_HEADER = ("unit", "indicator", "value")
RATING_HEADER = ("unit", "indicator", "group", "rater", "score")


def main() -> None:
    for name, (make, xlsx) in TEMPLATES.items():
        ex = make()
        out = HERE / name
        out.mkdir(exist_ok=True)
        write_csv(out / "units.csv", UNIT_HEADER, ex.units)
        write_csv(out / "values.csv", VALUE_HEADER, ex.values)
        write_csv(out / "ratings.csv", RATING_HEADER, ex.ratings)
        if xlsx:
            write_xlsx(out / "units.xlsx", UNIT_HEADER, ex.units)
            write_xlsx(out / "values.xlsx", VALUE_HEADER, ex.values, "value", lambda r: r[1] in PERCENT)
            write_xlsx(out / "ratings.xlsx", RATING_HEADER, ex.ratings)
        print(f"{name}: {len(ex.units)} units, {len(ex.values)} values, {len(ex.ratings)} ratings")


if __name__ == "__main__":
    main()
