"""Scoring rules: the fraction f in [0, cap] of an indicator's points that a value earns.

Each function takes NumPy arrays over subjects and returns f for every subject; NaN in means "no
value" and gives NaN out, so the caller decides what a missing value earns (``missing: zero`` or
``exclude``). Formulas are those of ``docs/scoring.md``:

==========  ==================================================================================
linear      higher: (v - floor) / (target - floor); lower: (floor - v) / (floor - target)
ratio       higher: v / target; lower: target / v (v = 0 gives cap)
threshold   1 if v meets target (>= higher, <= lower) else ``partial``
bands       the score of the first band v meets (best first), else ``otherwise``
deduction   1 - per * v / points
rating      (combined - lo) / (hi - lo), combined = weighted mean of the groups present
points      v / points
==========  ==================================================================================

>>> import numpy as np
>>> linear(np.array([80.0, 90.0, 100.0, 120.0]), 80.0, 100.0, cap=1.2).tolist()
[0.0, 0.5, 1.0, 1.2]
>>> linear(np.array([5.0, 12.5, 20.0]), 20.0, 5.0).tolist()   # lower is better: floor 20 days, target 5
[1.0, 0.5, 0.0]
>>> ratio(np.array([0.0, 0.1, 0.4]), 0.2, direction="lower").tolist()
[1.0, 1.0, 0.5]
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from jixiao.engine.scheme import Band, Rule

Array = NDArray[np.float64]


def _clip(f: Array, cap: float) -> Array:
    # np.clip keeps NaN, which is what a missing value must stay; + 0.0 turns -0.0 into 0.0.
    return np.clip(f, 0.0, cap) + 0.0


def linear(v: Array, floor: Array | float, target: Array | float, cap: float = 1.0) -> Array:
    """(v - floor) / (target - floor), which covers both directions: for ``lower`` (target < floor)
    it equals (floor - v) / (floor - target)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        f = (v - floor) / np.subtract(target, floor)
    return _clip(f, cap)


def ratio(v: Array, target: Array | float, direction: str = "higher", cap: float = 1.0) -> Array:
    """v / target (higher) or target / v (lower; v = 0 earns the cap)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        f = v / target if direction == "higher" else np.where(v == 0, cap, np.divide(target, v))
    return _clip(np.asarray(f, dtype=np.float64), cap)


def threshold(v: Array, target: Array | float, direction: str = "higher", partial: float = 0.0,
              cap: float = 1.0) -> Array:
    """1 when v meets the target, else ``partial``."""
    met = v >= target if direction == "higher" else v <= target
    f = np.where(met, 1.0, partial)
    f[np.isnan(v)] = np.nan
    return _clip(f, cap)


def bands(v: Array, steps: tuple[Band, ...], direction: str = "higher", otherwise: float = 0.0,
          cap: float = 1.0) -> Array:
    """The score of the first band (best first) that v meets; ``otherwise`` when none does.

    >>> bands(np.array([0.5, 1.5, 3.0]), (Band(1, 1.0), Band(2, 0.6)), "lower").tolist()
    [1.0, 0.6, 0.0]
    """
    f = np.full(v.shape, otherwise, dtype=np.float64)
    # Walk from the worst band to the best so the best band a value meets is written last.
    for band in reversed(steps):
        met = v >= band.limit if direction == "higher" else v <= band.limit
        f[met] = band.score
    f[np.isnan(v)] = np.nan
    return _clip(f, cap)


def deduction(v: Array, per: float, points: Array, cap: float = 1.0) -> Array:
    """1 - per * v / points: the node loses ``per`` points an incident, down to 0.

    A node with no points (not applicable) earns nothing either way.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        f = np.where(points > 0, 1.0 - per * v / points, 0.0)
    f[np.isnan(v)] = np.nan
    return _clip(f, cap)


def points_awarded(v: Array, points: Array, cap: float = 1.0) -> Array:
    """v / points: an expert's award of points out of the node's points."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        f = np.where(points > 0, v / points, 0.0)
    f[np.isnan(v)] = np.nan
    return _clip(f, cap)


def combine_groups(group_means: Array, weights: Array) -> Array:
    """The combined rating: the groups present, weighted, with weights renormalised over those present.

    ``group_means`` is subjects x groups, NaN where a group gave no rating; a subject with no rating at
    all gets NaN (missing).

    >>> combine_groups(np.array([[80.0, 60.0, np.nan], [np.nan, np.nan, np.nan]]), np.array([0.5, 0.2, 0.3]))
    array([74.28571429,         nan])
    """
    present = ~np.isnan(group_means)
    w = np.where(present, weights, 0.0)
    wsum = w.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        combined = (np.where(present, group_means, 0.0) * w).sum(axis=1) / wsum
    return np.where(wsum > 0, combined, np.nan)


def rating(combined: Array, lo: float, hi: float, cap: float = 1.0) -> Array:
    """(combined - lo) / (hi - lo) for a combined rating on the scale [lo, hi].

    >>> rating(combine_groups(np.array([[80.0, np.nan], [np.nan, np.nan]]), np.array([0.5, 0.5])), 0, 100).tolist()
    [0.8, nan]
    """
    return _clip((combined - lo) / (hi - lo), cap)


def fraction(rule: Rule, v: Array, points: Array, floor: Array | None = None,
             target: Array | None = None) -> Array:
    """Dispatch a measured (non-rating) rule. ``floor``/``target`` are per-subject overrides
    (negotiated targets) already merged with the scheme's values."""
    fl: Array | float = floor if floor is not None else (rule.floor if rule.floor is not None else np.nan)
    tg: Array | float = target if target is not None else (rule.target if rule.target is not None else np.nan)
    if rule.type == "linear":
        return linear(v, fl, tg, rule.cap)
    if rule.type == "ratio":
        return ratio(v, tg, rule.direction, rule.cap)
    if rule.type == "threshold":
        return threshold(v, tg, rule.direction, rule.partial, rule.cap)
    if rule.type == "bands":
        return bands(v, rule.bands, rule.direction, rule.otherwise, rule.cap)
    if rule.type == "deduction":
        assert rule.per is not None
        return deduction(v, rule.per, points, rule.cap)
    if rule.type == "points":
        return points_awarded(v, points, rule.cap)
    raise ValueError(f"rule type {rule.type!r} is not a measured rule")
