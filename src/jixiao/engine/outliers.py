"""Values far from their peers' (异常值): the peer check of the anomaly rules, after DHIS2's outlier detection.

A value is compared with the other units' values of the same indicator in its group (the units' category, or
all units):

- the **modified z-score** (the default): ``0.6745 (x - median) / MAD``, where MAD is the median of the
  absolute deviations from the median; when MAD is 0 (more than half the units gave the same value),
  ``(x - median) / (1.253314 * MeanAD)`` with MeanAD the mean absolute deviation from the median; when that is
  0 too, every value is the median and none is an outlier. Flagged when ``|score| > 3.5``.
- the plain **z-score**: ``(x - mean) / SD`` with the population standard deviation (every unit of the group
  is the population, not a sample of it); 0 when SD is 0. Flagged when ``|score| > 3.0``.

Groups of fewer than ``MIN_GROUP`` (5) units with a value are not assessed: with so few peers, "far from the
others" means nothing. Empty values are left out. The median is robust to the outliers it looks for; the mean
and SD are not (one extreme value inflates the SD and can hide itself), which is why the modified z-score is
the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

#: The scale that makes the MAD estimate the standard deviation of normally distributed data (1 / 1.4826).
MAD_SCALE = 0.6745
#: The factor that makes the mean absolute deviation estimate the standard deviation (sqrt(pi / 2)).
MEANAD_SCALE = 1.253314
#: The default thresholds of each method.
THRESHOLDS = {"modz": 3.5, "z": 3.0}
#: The smallest group assessed.
MIN_GROUP = 5
#: The columns of the table ``outliers`` returns.
COLUMNS = ("unit", "indicator", "value", "score", "group", "n", "centre", "spread")


@dataclass(frozen=True)
class Method:
    """How a score was worked out, in words (zh, en)."""

    code: str
    zh: str
    en: str


METHODS = {
    "modz": Method("modz", "修正 z 分数 0.6745×(值−中位数)/MAD；MAD 为 0 时 (值−中位数)/(1.253314×平均绝对离差)",
                   "modified z-score 0.6745 (x - median) / MAD; when MAD is 0, (x - median) / (1.253314 MeanAD)"),
    "z": Method("z", "z 分数 (值−均值)/总体标准差", "z-score (x - mean) / population standard deviation"),
}


def scores(values: pl.DataFrame, *, method: str = "modz", keys: tuple[str, ...] = ("indicator", "group"),
           min_group: int = MIN_GROUP) -> pl.DataFrame:
    """Each non-empty ``value`` of ``values`` with its ``score`` against the others of its ``keys`` group,
    ``n`` (the group's size), ``centre`` (median or mean) and ``spread`` (the divisor the score used). Groups
    smaller than ``min_group`` get no score (null)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    x = pl.col("value")
    frame = values.filter(x.is_not_null() & x.is_finite())
    over = list(keys)
    frame = frame.with_columns(n=pl.len().over(over))
    if method == "modz":
        med = x.median().over(over)
        frame = frame.with_columns(centre=med)
        dev = (x - pl.col("centre")).abs()
        frame = frame.with_columns(mad=dev.median().over(over), meanad=dev.mean().over(over))
        spread = (pl.when(pl.col("mad") > 0).then(pl.col("mad") / MAD_SCALE)
                  .otherwise(pl.col("meanad") * MEANAD_SCALE))
        frame = frame.with_columns(spread=spread).drop("mad", "meanad")
    else:
        frame = frame.with_columns(centre=x.mean().over(over), spread=x.std(ddof=0).over(over))
    score = (pl.when(pl.col("n") < min_group).then(None)
             .when(pl.col("spread") > 0).then((x - pl.col("centre")) / pl.col("spread"))
             .otherwise(0.0))
    return frame.with_columns(score=score)


def outliers(values: pl.DataFrame, *, method: str = "modz", threshold: float | None = None,
             keys: tuple[str, ...] = ("indicator", "group"), min_group: int = MIN_GROUP) -> pl.DataFrame:
    """The values of ``values`` (columns ``unit, indicator, value, group``) whose score's magnitude exceeds
    ``threshold`` (the method's default when None), furthest first: ``COLUMNS``."""
    limit = THRESHOLDS[method] if threshold is None else threshold
    if not limit > 0:
        raise ValueError(f"the threshold must be above 0; got {threshold}")
    scored = scores(values, method=method, keys=keys, min_group=min_group)
    flagged = scored.filter(pl.col("score").abs() > limit)
    return flagged.sort([pl.col("score").abs(), "indicator", "unit"], descending=[True, False, False]).select(COLUMNS)


def why(row: dict[str, Any], method: str, lang: str = "zh") -> str:
    """Why a flagged value was flagged, in words: its score, the group's centre and size (the formula is the
    method's, ``METHODS``; the pages show it once, not in every line)."""
    score, centre, n = float(row["score"]), float(row["centre"]), int(row["n"])
    value, centre = round(float(row["value"]), 2), round(centre, 2)
    if lang == "en":
        side = "above" if score > 0 else "below"
        word = {"modz": ("median", "modified z-score"), "z": ("mean", "z-score")}[method]
        return f"{value:g} is far {side} its {n} peers' {word[0]} {centre:g} ({word[1]} {score:.2f})"
    side = "高于" if score > 0 else "低于"
    word = {"modz": ("中位数", "修正 z 分数"), "z": ("均值", "z 分数")}[method]
    return f"{value:g} 明显{side}同组 {n} 个单位的{word[0]} {centre:g}（{word[1]} {score:.2f}）"
