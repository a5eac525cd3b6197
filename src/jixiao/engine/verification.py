"""Three-party checks (三方制衡): drawing the sample to verify, and the gap between what a unit reported
(单位自评) and what the third party verified (第三方核查).

For one sampled item with the self-reported value s and the verified value v, the relative gap is

    gap = |s - v| / max(|v|, TINY)

and the item is over-reported (虚报) when the unit claimed better than verified: s > v for an indicator where
higher is better, s < v where lower is better. Per unit, over its n items,

    mean gap = (1 / n) * sum(gap_i),    over = #{i: over-reported},    flagged = mean gap > threshold.

Degenerate cases, on purpose: a verified 0 with a claim of 0 is no gap; a verified 0 with any other claim is a
gap of |s| / TINY (enormous: always flagged, shown as "far off" by the pages); a unit without verified items has
no mean gap and is never flagged; no items at all give no units.

>>> rows = unit_gaps(["A", "A", "B"], [98.0, 90.0, 50.0], [71.0, 90.0, 55.0], [True, True, True], 0.10)
>>> [(r.unit, r.items, round(r.mean_gap, 4), r.over, r.flagged) for r in rows]
[('A', 2, 0.1901, 1, True), ('B', 1, 0.0909, 0, False)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from jixiao.engine.scheme import Scheme

#: The smallest verified magnitude divided by (a verified 0 would divide by zero).
TINY = 1e-9
#: A unit is flagged when its mean gap exceeds this share, unless a round sets its own.
DEFAULT_THRESHOLD = 0.10

Array = npt.NDArray[np.float64]


def relative_gaps(claimed: Sequence[float] | Array, verified: Sequence[float] | Array) -> Array:
    """|s - v| / max(|v|, TINY), element-wise.

    >>> relative_gaps([98.0, 0.0, 3.0], [70.0, 0.0, 0.0]).tolist()
    [0.4, 0.0, 3000000000.0]
    """
    s = np.asarray(claimed, dtype=np.float64)
    v = np.asarray(verified, dtype=np.float64)
    gaps: Array = np.abs(s - v) / np.maximum(np.abs(v), TINY)
    return gaps


def over_reported(claimed: Sequence[float] | Array, verified: Sequence[float] | Array,
                  higher: Sequence[bool] | npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Whether each claim is better than what was verified, by the indicator's direction.

    >>> over_reported([98.0, 12.0, 5.0], [71.0, 10.0, 5.0], [True, False, True]).tolist()
    [True, False, False]
    """
    s = np.asarray(claimed, dtype=np.float64)
    v = np.asarray(verified, dtype=np.float64)
    up = np.asarray(higher, dtype=bool)
    result: npt.NDArray[np.bool_] = np.where(up, s > v, s < v)
    return result


@dataclass(frozen=True)
class UnitGap:
    """One unit's result of a round: its verified items, their mean relative gap, how many were
    over-reported, and whether the mean gap exceeds the threshold."""

    unit: str
    items: int
    mean_gap: float
    over: int
    flagged: bool


def unit_gaps(units: Sequence[str], claimed: Sequence[float], verified: Sequence[float],
              higher: Sequence[bool], threshold: float = DEFAULT_THRESHOLD) -> list[UnitGap]:
    """Per unit (in order of first appearance), the mean relative gap of its items, the count over-reported
    and the flag (mean gap > ``threshold``). The four sequences are parallel, one entry per verified item.

    >>> unit_gaps([], [], [], [])
    []
    """
    if not (len(units) == len(claimed) == len(verified) == len(higher)):
        raise ValueError("units, claimed, verified and higher must have the same length")
    if not units:
        return []
    gaps = relative_gaps(claimed, verified)
    over = over_reported(claimed, verified, higher)
    keys = np.asarray(units, dtype=object)
    out = []
    for unit in dict.fromkeys(units):
        mask = keys == unit
        mean = float(gaps[mask].mean())
        out.append(UnitGap(unit, int(mask.sum()), mean, int(over[mask].sum()), bool(mean > threshold)))
    return out


def higher_is_better(scheme: Scheme, code: str) -> bool:
    """The direction of a value code: a rule's own (validation already turned a linear rule whose target lies
    below its floor into ``lower``); a deduction's count, a penalty and a veto item are better lower; a bonus
    better higher."""
    if code in scheme.penalty.codes or code in scheme.veto.codes:
        return False
    if code in scheme.bonus.codes:
        return True
    rule = scheme.node(code).rule
    if rule is None:
        return True
    if rule.type == "deduction":
        return False
    return rule.direction != "lower"


def draw_sample(keys: Mapping[str, Sequence[str]], *, seed: int, per_unit: int | None = None,
                share: float | None = None) -> dict[str, list[str]]:
    """A stratified random sample: per unit, ``per_unit`` of its keys or ``share`` of them (rounded, at least
    one), never more than it has; units without keys are left out. The same ``seed`` and keys give the same
    sample whatever the order they are given in (units and keys are sorted first).

    >>> draw_sample({"B": ["X", "Y", "Z"], "A": ["X"]}, seed=7, per_unit=2)["A"]
    ['X']
    >>> len(draw_sample({"A": list("abcdefghij")}, seed=1, share=0.25)["A"])
    2
    """
    if (per_unit is None) == (share is None):
        raise ValueError("give per_unit or share, not both")
    if per_unit is not None and per_unit < 1:
        raise ValueError("per_unit must be at least 1")
    if share is not None and not 0 < share <= 1:
        raise ValueError("share must be in (0, 1]")
    rng = np.random.default_rng(seed)
    out: dict[str, list[str]] = {}
    for unit in sorted(keys):
        pool = sorted(set(keys[unit]))
        if not pool:
            continue
        k = per_unit if per_unit is not None else max(1, round(float(share or 0) * len(pool)))
        k = min(k, len(pool))
        picked = rng.choice(len(pool), size=k, replace=False)
        out[unit] = [pool[i] for i in sorted(int(j) for j in picked)]
    return out
