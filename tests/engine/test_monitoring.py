"""The rules of progress monitoring with hand-worked numbers.

Plan: target 120 over 12 months, linear from 0 -> 10 a month; by March (k = 3) 30.
Lag: actual 24 by March -> (30 - 24) / 30 = 0.20: yellow (not above 20 %); 23 -> 7 / 30 = 0.2333: red, a warning;
  28 -> 0.0667: green; 35 (ahead) -> 0.
  Less is better (days to settle a complaint, plan 10): actual 12.5 -> (12.5 - 10) / 10 = 0.25: red.
Dual: budget 1,000, spent 600 -> 60 %; planned output 50, output 15 -> 30 %; 60 - 30 = 30 points > 20:
  money spent without results. Spent 100 (10 %), output 25 (50 %): -40 points: results without spending.
Escalation: red, red, yellow, red, red, red, green, red -> 1, 2, 2, 3, 4, 4, 0, 1.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from jixiao.engine import monitoring as rules
from jixiao.engine.monitoring import (
    GREEN,
    NOT_ASSESSED,
    RED,
    YELLOW,
    dual,
    dual_words,
    escalate,
    lag,
    lag_words,
    linear_plan,
    stages,
    stale,
    status,
)


def test_a_linear_plan_by_hand() -> None:
    plan = linear_plan(120, 12)
    assert plan[2] == 30
    assert plan[-1] == 120
    assert linear_plan(100, 4, start=60).tolist() == [70, 80, 90, 100]
    with pytest.raises(ValueError, match="at least one period"):
        linear_plan(1, 0)


def test_lag_and_status_by_hand() -> None:
    shares = lag(np.array([24, 23, 28, 35, np.nan]), np.array([30, 30, 30, 30, 30]))
    assert shares[:4] == pytest.approx([0.2, 7 / 30, 2 / 30, 0.0])
    assert np.isnan(shares[4])
    assert status(shares).tolist() == [YELLOW, RED, GREEN, GREEN, NOT_ASSESSED]
    assert status(shares, yellow=0.05, red=0.10).tolist() == [RED, RED, YELLOW, GREEN, NOT_ASSESSED]
    assert lag_words(23, 30, 7 / 30) == "截至本期实际 23，计划 30，滞后 23%"


def test_less_is_better_and_a_zero_plan() -> None:
    shares = lag(np.array([12.5, 9.0, 5.0]), np.array([10.0, 10.0, 0.0]), np.array([False, False, False]))
    assert shares[0] == pytest.approx(0.25)
    assert shares[1] == 0.0
    assert np.isnan(shares[2])  # no plan yet: not assessed
    assert status(shares).tolist() == [RED, GREEN, NOT_ASSESSED]
    with pytest.raises(ValueError, match="yellow <= red"):
        status(shares, yellow=0.3, red=0.2)


def test_dual_monitoring_by_hand() -> None:
    diff, finding = dual(np.array([600, 100, 500, 1]), np.array([1000, 1000, 1000, 0]),
                         np.array([15, 25, 26, 1]), np.array([50, 50, 50, 50]))
    assert diff[:3] == pytest.approx([0.30, -0.40, -0.02])
    assert np.isnan(diff[3])
    assert finding.tolist() == [1, -1, 0, 0]
    assert dual_words(0.6, 0.3, 1) == "预算支出进度 60%，产出进度 30%：资金支出快于产出进度（花钱无效果）"


def test_stale_data() -> None:
    due = datetime(2026, 4, 10)
    assert stale(None, due, due + timedelta(hours=1))
    assert stale(due - timedelta(days=30), due, due + timedelta(days=1))
    assert not stale(due - timedelta(hours=1), due, due - timedelta(minutes=1))  # not due yet
    assert not stale(due + timedelta(hours=2), due, due + timedelta(days=1))


def test_escalation_climbs_one_stage_at_a_time_and_ends_when_green() -> None:
    assert stages([RED, RED, YELLOW, RED, RED, RED, GREEN, RED]) == [1, 2, 2, 3, 4, 4, 0, 1]
    assert stages([NOT_ASSESSED, RED, NOT_ASSESSED]) == [0, 1, 1]
    assert escalate(4, RED) == 4
    with pytest.raises(ValueError, match="a stage is 0 to 4"):
        escalate(5, RED)


def test_escalation_of_many_at_once_matches_one_at_a_time() -> None:
    stages = np.array([0, 1, 3, 4, 2, 0], dtype=np.int8)
    statuses = np.array([RED, RED, RED, RED, GREEN, NOT_ASSESSED], dtype=np.int8)
    assert rules.escalate_all(stages, statuses).tolist() == [
        rules.escalate(int(s), int(t)) for s, t in zip(stages, statuses, strict=True)] == [1, 2, 4, 4, 0, 0]


def test_quarter_ends_and_due_dates() -> None:
    assert rules.quarter_ends(12) == [3, 6, 9, 12]
    assert rules.quarter_ends(4) == [1, 2, 3, 4]
    assert rules.quarter_ends(6) == [3, 6]  # two-month periods: June and December close quarters
    assert rules.due_date(2026, 3, 12, 10) == (2026, 4, 10)
    assert rules.due_date(2026, 12, 12, 10) == (2027, 1, 10)
    assert rules.due_date(2026, 2, 4, 15) == (2026, 7, 15)  # the second quarter ends in June


def test_jumps_and_changes_from_last_year_by_hand() -> None:
    # usual 8 a month over 5 months: 25 is a jump (> 24), 24 is not; 3 months are too few to judge.
    assert rules.jumps(np.array([25.0, 24.0, 25.0, 25.0]), np.array([8.0, 8.0, 8.0, 0.0]),
                       np.array([5, 5, 3, 5])).tolist() == [True, False, False, False]
    assert rules.year_change(np.array([32.0, 30.0, 5.0, 1.0]), np.array([20.0, 20.0, np.nan, 0.0])).tolist() == [
        True, False, False, False]  # +60 %, exactly +50 %, no last year, last year 0
    assert rules.year_words(32, 20) == "本期 32，上年同期 20，同比 +60%"
    assert rules.stage_words(0, 1, 3) == "3月季度末亮红灯，升至第 1 阶：书面预警"
