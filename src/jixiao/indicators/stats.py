"""An indicator's numbers across units: mean, median, quartiles and the outliers by Tukey's fences."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

import numpy as np
from django.utils.translation import gettext as _

from jixiao.engine.scheme import Node


@dataclass
class IndicatorStats:
    node: Node
    rows: list[tuple[str, str, str, float]]  # subject code, name, category, value
    n: int
    mean: float | None
    median: float | None
    q1: float | None
    q3: float | None
    outliers: list[tuple[str, str, str, float, str]]  # ... and why
    missing: int


def indicator_stats_of(node: Node, rows: list[tuple[str, str, str, float]], n_expected: int) -> IndicatorStats:
    """The distribution of an indicator's numbers (values, or points for a rating) across units, with the
    outliers by Tukey's fences (below Q1 - 1.5 IQR or above Q3 + 1.5 IQR)."""
    vals = np.array([r[3] for r in rows], dtype=float)
    if len(vals) == 0:
        return IndicatorStats(node, [], 0, None, None, None, None, [], n_expected)
    q1, q3 = (float(x) for x in np.percentile(vals, [25, 75]))
    iqr = q3 - q1
    lo, hi = q1 - 1.5 * iqr, q3 + 1.5 * iqr
    outliers = [(*r, _("low") if r[3] < lo else _("high")) for r in rows if r[3] < lo or r[3] > hi]
    return IndicatorStats(node, rows, len(rows), float(vals.mean()), float(median(vals.tolist())), q1, q3, outliers,
                          max(0, n_expected - len(rows)))
