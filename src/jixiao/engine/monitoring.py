"""Progress through the year (过程监控): the rules that turn period values into statuses, warnings and
escalation stages. Pure functions on NumPy arrays (a year of a city is millions of period values), each with
a one-row form that says its finding in words.

- **Plan**: the cumulative value planned by the end of period ``k`` of ``n``: linear from ``start`` to the
  annual ``target`` (``start + (target - start) * k / n``) unless a negotiated plan gives each period's figure.
- **Lag** (进度滞后): how far the actual cumulative value falls behind the plan, as a share of the plan:
  ``(plan - actual) / plan`` for an indicator where more is better, ``(actual - plan) / plan`` where less is
  better; never below 0 (ahead of plan is no lag). Not assessed when the plan is 0 or less, or the value is
  missing.
- **Status** (红黄绿): green while the lag is at most ``yellow`` (10 % by default), yellow up to ``red``
  (20 %), red beyond it; a lag beyond ``red`` is a warning (预警), Liaoning's 20 % rule.
- **Dual monitoring** (双监控) of a budget item: spending progress (spent / budget) against output progress
  (output / planned output). Spending ahead of output by more than ``gap`` (20 points by default) is money spent
  without results (花钱无效果); output ahead of spending by more than ``gap`` is results claimed without spending
  (无支出有产出, to be verified).
- **Stale data** (数据逾期): a value due at ``due`` and not updated since is itself a warning.
- **Escalation** (四阶警示): each red quarter (``quarter_ends``) of the same unit and indicator climbs one
  stage: written warning (书面预警) -> talk with the leader (约谈) -> budget deduction proposal (扣减预算建议) ->
  accountability (问责); a yellow quarter holds the stage; a green one ends the escalation (stage 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np

#: Status codes.
NOT_ASSESSED, GREEN, YELLOW, RED = -1, 0, 1, 2
STATUS_WORDS = {NOT_ASSESSED: ("未评估", "not assessed"), GREEN: ("绿", "green"), YELLOW: ("黄", "yellow"),
                RED: ("红", "red")}
#: The default limits of the lag (shares of the plan).
YELLOW_LAG, RED_LAG = 0.10, 0.20
#: The default gap of dual monitoring (share points).
DUAL_GAP = 0.20
#: Escalation stages.
STAGES = {0: ("无", "none"), 1: ("书面预警", "written warning"), 2: ("约谈", "talk with the leader"),
          3: ("扣减预算建议", "budget deduction proposal"), 4: ("问责", "accountability")}
TOP_STAGE = 4


def linear_plan(target: float, periods: int, *, start: float = 0.0) -> np.ndarray:
    """The planned cumulative value at the end of each of ``periods`` periods, linear from ``start`` to
    ``target``."""
    if periods < 1:
        raise ValueError(f"a year has at least one period; got {periods}")
    k = np.arange(1, periods + 1, dtype=np.float64)
    return start + (target - start) * k / periods


def lag(actual: np.ndarray, plan: np.ndarray, higher_is_better: bool | np.ndarray = True) -> np.ndarray:
    """The lag behind the plan as a share of it (0 when on or ahead of plan); NaN where not assessed (plan 0 or
    less, or a missing value)."""
    actual, plan = np.asarray(actual, dtype=np.float64), np.asarray(plan, dtype=np.float64)
    behind = np.where(higher_is_better, plan - actual, actual - plan)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.maximum(behind, 0.0) / plan
    return np.where((plan > 0) & np.isfinite(actual), share, np.nan)


def status(lags: np.ndarray, *, yellow: float = YELLOW_LAG, red: float = RED_LAG) -> np.ndarray:
    """Green / yellow / red (``GREEN``, ``YELLOW``, ``RED``) of each lag, ``NOT_ASSESSED`` where it is NaN."""
    if not 0 <= yellow <= red:
        raise ValueError(f"the limits must satisfy 0 <= yellow <= red; got yellow {yellow}, red {red}")
    lags = np.asarray(lags, dtype=np.float64)
    out = np.where(lags > red, RED, np.where(lags > yellow, YELLOW, GREEN))
    return np.where(np.isnan(lags), NOT_ASSESSED, out).astype(np.int8)


def lag_words(actual: float, planned: float, share: float, lang: str = "zh") -> str:
    """One lag in words."""
    actual, planned = round(actual, 2), round(planned, 2)
    if lang == "en":
        return f"{actual:g} against a plan of {planned:g} to date: {share:.0%} behind"
    return f"截至本期实际 {actual:g}，计划 {planned:g}，滞后 {share:.0%}"


def dual(spent: np.ndarray, budget: np.ndarray, output: np.ndarray, planned_output: np.ndarray, *,
         gap: float = DUAL_GAP) -> tuple[np.ndarray, np.ndarray]:
    """Dual monitoring: (difference spending progress - output progress, finding) with finding 1 for money
    spent without results (difference above ``gap``), -1 for results without spending (below ``-gap``), 0
    otherwise; the difference is NaN and the finding 0 where budget or planned output is 0 or less."""
    spent, budget = np.asarray(spent, dtype=np.float64), np.asarray(budget, dtype=np.float64)
    output, planned = np.asarray(output, dtype=np.float64), np.asarray(planned_output, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        diff = np.where((budget > 0) & (planned > 0), spent / budget - output / planned, np.nan)
    finding = np.where(diff > gap, 1, np.where(diff < -gap, -1, 0)).astype(np.int8)
    return diff, np.where(np.isnan(diff), 0, finding).astype(np.int8)


def dual_words(spent_share: float, output_share: float, finding: int, lang: str = "zh") -> str:
    """One dual-monitoring finding in words."""
    if lang == "en":
        what = {1: "money spent without results", -1: "results reported without spending", 0: "in step"}[finding]
        return f"spending {spent_share:.0%} of budget, output {output_share:.0%} of plan: {what}"
    what = {1: "资金支出快于产出进度（花钱无效果）", -1: "产出进度快于资金支出（需核实）", 0: "支出与产出同步"}[finding]
    return f"预算支出进度 {spent_share:.0%}，产出进度 {output_share:.0%}：{what}"


def stale(last_update: datetime | None, due: datetime, now: datetime) -> bool:
    """The value was due at ``due`` and has not been updated since (nor ever)."""
    return now > due and (last_update is None or last_update < due)


def escalate(stage: int, period_status: int) -> int:
    """The escalation stage after one more period of a unit and indicator: red climbs one stage (up to
    accountability), yellow holds it, green ends the escalation; a period not assessed changes nothing."""
    if not 0 <= stage <= TOP_STAGE:
        raise ValueError(f"a stage is 0 to {TOP_STAGE}; got {stage}")
    if period_status == RED:
        return min(stage + 1, TOP_STAGE)
    if period_status == GREEN:
        return 0
    return stage


def stages(statuses: Sequence[int]) -> list[int]:
    """The stage after each period of a sequence of statuses, from stage 0."""
    out, stage = [], 0
    for s in statuses:
        stage = escalate(stage, s)
        out.append(stage)
    return out


def escalate_all(stage: np.ndarray, period_status: np.ndarray) -> np.ndarray:
    """``escalate`` of many units and indicators at once (arrays of the same length)."""
    stage, period_status = np.asarray(stage, dtype=np.int8), np.asarray(period_status, dtype=np.int8)
    out = np.where(period_status == RED, np.minimum(stage + 1, TOP_STAGE), stage)
    return np.where(period_status == GREEN, 0, out).astype(np.int8)


def quarter_ends(periods: int) -> list[int]:
    """The periods that close a quarter (季度考核), when escalation climbs and rectification orders are proposed:
    months 3, 6, 9 and 12 of a monthly year; every period of a year of 4 or fewer; else the periods whose
    end falls on the end of a quarter of the calendar."""
    if periods < 1:
        raise ValueError(f"a year has at least one period; got {periods}")
    if periods <= 4:
        return list(range(1, periods + 1))
    return [k for k in range(1, periods + 1) if (k * 12) % periods == 0 and (k * 12 // periods) % 3 == 0]


def end_month(period: int, periods: int) -> int:
    """The calendar month (1 to 12) in which period ``period`` of ``periods`` ends."""
    return -(-period * 12 // periods)


def due_date(year: int, period: int, periods: int, due_day: int) -> tuple[int, int, int]:
    """(year, month, day) by which a period's value is due: day ``due_day`` of the month after the period
    ends (the value of December is due in January of the next year)."""
    month = end_month(period, periods) + 1
    if month > 12:
        return year + 1, month - 12, due_day
    return year, month, due_day


def stale_words(period: int, due: tuple[int, int, int], lang: str = "zh") -> str:
    """One overdue value in words."""
    y, m, d = due
    if lang == "en":
        return f"the value of period {period} was due by {y}-{m:02}-{d:02} and has not been entered"
    return f"第 {period} 期数据应于 {y}年{m}月{d}日前填报，至今未报"


def stage_words(before: int, after: int, month: int, lang: str = "zh") -> str:
    """One change of escalation stage in words, as the quarter (ending in ``month``) that caused it: the first
    red quarter, a red quarter again, or a green one ending it."""
    zh, en = STAGES[after]
    if lang == "en":
        if after == 0:
            return f"green again at the end of the quarter (month {month}): escalation ended"
        return f"{'red' if before == 0 else 'red again'} at the end of the quarter (month {month}): stage {after}, {en}"
    if after == 0:
        return f"{month}月季度末恢复绿灯，警示解除"
    return f"{month}月季度末{'亮红灯' if before == 0 else '再次亮红灯'}，升至第 {after} 阶：{zh}"


#: A month's increment beyond this many times the unit's usual (median) monthly increment is a sudden jump.
JUMP_FACTOR = 3.0
#: Months with an increment needed before a jump is judged.
JUMP_MIN_MONTHS = 4
#: A change from the same period last year beyond this share is unusual.
YEAR_CHANGE = 0.5


def jumps(increment: np.ndarray, usual: np.ndarray, months: np.ndarray, *,
          factor: float = JUMP_FACTOR) -> np.ndarray:
    """Sudden jumps (突变) of cumulative values: a month's increment (this month's value to date minus last
    month's) above ``factor`` times the unit's median monthly increment ``usual`` over its ``months`` months
    with an increment; not judged with fewer than ``JUMP_MIN_MONTHS`` months or a median of 0 or less."""
    increment, usual = np.asarray(increment, dtype=np.float64), np.asarray(usual, dtype=np.float64)
    judged = (np.asarray(months) >= JUMP_MIN_MONTHS) & (usual > 0) & np.isfinite(increment)
    return np.asarray(judged & (increment > factor * usual), dtype=bool)


def jump_words(increment: float, usual: float, lang: str = "zh") -> str:
    """One sudden jump in words."""
    if lang == "en":
        return f"this month added {increment:.4g}, {increment / usual:.1f} times the usual {usual:.4g} a month"
    return f"本月新增 {increment:.4g}，是该单位月均增量 {usual:.4g} 的 {increment / usual:.1f} 倍（突变）"


def year_change(actual: np.ndarray, last_year: np.ndarray, *, limit: float = YEAR_CHANGE) -> np.ndarray:
    """Values far from the same period last year (同比异常): ``|actual - last_year| / |last_year|`` above
    ``limit``; not judged where last year's value is missing or 0."""
    actual, last_year = np.asarray(actual, dtype=np.float64), np.asarray(last_year, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.abs(actual - last_year) / np.abs(last_year)
    return np.asarray(np.isfinite(change) & (last_year != 0) & (change > limit), dtype=bool)


def year_words(actual: float, last_year: float, lang: str = "zh") -> str:
    """One change from last year in words."""
    change = (actual - last_year) / abs(last_year)
    if lang == "en":
        return f"{actual:.4g} against {last_year:.4g} in the same period last year ({change:+.0%})"
    return f"本期 {actual:.4g}，上年同期 {last_year:.4g}，同比 {change:+.0%}"
