"""Fairness checks (公平性检查) on an assessment cycle and its history, for the office to look at.

Each check returns a frozen dataclass with its numbers, ``flag`` (True when it found something worth a look) and
``sentence(lang)``: one plain sentence with the numbers, in Chinese (``"zh"``, the default) or English (``"en"``).
Shares are kept as fractions (0.7308) and written as percentages with 2 decimals (73.08%); other numbers are
written with at most 2 decimals. No check changes a score.

- **Ceiling** (天花板效应), per indicator: of the ``applicable`` units (the indicator applies to them), ``at_max``
  earned its full points (fraction >= ``full``); ``share_at_max = at_max / applicable``; ``mean`` and ``sd``
  (population standard deviation) of their fractions. Flagged when at least 3 units and ``share_at_max >= share``
  (0.5): most units sit at the maximum and the indicator no longer tells them apart.
- **Quota pressure** (名额压力), per ranking population and grade with a quota: n units, ``limit = floor(quota x n)``
  (as grading counts it), ``given`` (units that got the grade), ``reached`` (units the quota was in play for: those
  given the grade plus those it kept out), ``pressure = reached / limit``; for each unit kept out, its total, the
  lowest total given the grade in its population and the ``gap`` between them (how close it came). Flagged when any
  unit was kept out.
- **Inflation** (等次膨胀), per year: the count and share of each grade, the best grade's share (``top``) and the two
  best grades' (``top_two``). Flagged when ``top`` rose by at least ``rise`` (5 percentage points) from one year on
  record to the next, or the latest year's ``top`` is above ``high`` (30%).
- **Rotation** (轮流坐庄), for each pair of consecutive years on record: the holders H of the top grade (k of them) and
  the k units with the highest totals T (ties at the edge: higher total first, then code A-Z). Only units present
  in both years count: observed turnover = share of last year's holders who lost it, ``|H_prev - H| / |H_prev|``;
  by-totals turnover the same with the T sets. ``mean_excess`` = mean of (observed - by totals) over the pairs
  where both are defined. A holder whose total is below the year's k-th highest total is ``unexplained`` (a lower
  total got the grade while a higher one did not; a veto shows here too). Flagged with at least ``min_years``
  years and a ``mean_excess`` of at least ``excess`` (0.25) or any unexplained holder.
- **Renewal** (指标更新): a this year's indicator is renewed when its code is new or its name or rule changed;
  ``share = renewed / indicators this year``; flagged below ``minimum`` (15%: 浙江 renews at least that much a year).
- **Rater bias** (评价人偏差): the flags of :func:`jixiao.engine.raters.rater_quality` counted overall and per rater
  group, with the most lenient and most severe bias; flagged when any rater is flagged.

>>> r = renewal([("A", "诉求响应率", "linear 80-100"), ("B", "预算执行率", "ratio 100")],
...             [("A", "诉求响应率", "linear 85-100"), ("B", "预算执行率", "ratio 100"), ("C", "办结率", "ratio 100")])
>>> r.renewed, round(r.share, 4), r.flag
(('A', 'C'), 0.6667, False)
>>> r.sentence()
'今年 3 项指标中 2 项为新增或调整（66.67%），达到每年更新 15% 的要求。'
"""

from jixiao.engine.fairness.cycle import (
    Ceiling,
    Extreme,
    GroupBias,
    KeptOut,
    QuotaPressure,
    QuotaUse,
    RaterBias,
    Standing,
    ceiling,
    quota_pressure,
    rater_bias_summary,
)
from jixiao.engine.fairness.history import (
    Inflation,
    Jump,
    Renewal,
    Rotation,
    Turnover,
    Unexplained,
    YearGrades,
    inflation,
    renewal,
    rotation,
)
from jixiao.engine.fairness.words import (
    CEILING_MIN_UNITS,
    CEILING_SHARE,
    EXCESS,
    FULL,
    HIGH,
    MIN_YEARS,
    MINIMUM_RENEWAL,
    RISE,
    Lang,
)

__all__ = [
    "CEILING_MIN_UNITS", "CEILING_SHARE", "EXCESS", "FULL", "HIGH", "MINIMUM_RENEWAL", "MIN_YEARS", "RISE",
    "Ceiling", "Extreme", "GroupBias", "Inflation", "Jump", "KeptOut", "Lang", "QuotaPressure", "QuotaUse",
    "RaterBias", "Renewal", "Rotation", "Standing", "Turnover", "Unexplained", "YearGrades", "ceiling", "inflation",
    "quota_pressure", "rater_bias_summary", "renewal", "rotation",
]
