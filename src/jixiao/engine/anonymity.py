"""Anonymity of raters (评价人匿名): which rater groups' results a rated subject may see.

A group's mean, count and comments are shown to the rated unit or person only when the group has at least ``k``
ratings of that subject and indicator (3 by default). What happens to a group below ``k`` is the scheme's choice
(``anonymity.below``):

- ``hide`` (default): its ratings count in the score as SCORING.md says; its mean, count and comments are not shown.
- ``merge``: as ``hide``, but the groups below ``k`` are pooled into one line "other raters" (其他评价人), shown
  when the pool reaches ``k``.
- ``exclude``: its ratings are kept but left out of the score, as if the group had not rated (the groups present
  are renormalised as SCORING.md says), so nothing about them can be worked back from the score.

Groups in ``open`` (by default ``superior`` and ``self``) rate in their own name: their one rater is known to the
subject anyway, so they are shown and scored whatever their count.

Where one group is hidden under ``hide`` and every other group of the indicator is shown, the hidden group's mean
can be worked back from the combined rating; a scheme that must rule this out uses ``exclude``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

BELOW_POLICIES = ("hide", "merge", "exclude")
DEFAULT_K = 3
DEFAULT_OPEN = ("superior", "self")


@dataclass(frozen=True)
class Anonymity:
    """The scheme's anonymity rule: the least number of ratings ``k`` a group needs to be shown, what happens
    below it, and the groups that rate in their own name."""

    k: int = DEFAULT_K
    below: str = "hide"
    open: tuple[str, ...] = DEFAULT_OPEN

    def to_dict(self) -> dict[str, Any]:
        return {"k": self.k, "below": self.below, "open": list(self.open)}

    def protects(self, group: str) -> bool:
        """Whether ``group``'s raters are anonymous (not an ``open`` group)."""
        return group not in self.open


@dataclass(frozen=True)
class GroupView:
    """What a rated subject may see of one indicator's rater groups: the groups shown on their own, the groups
    pooled into "other raters" (and whether the pool is shown), and whether any group was withheld."""

    shown: tuple[int, ...]
    pooled: tuple[int, ...]
    pool_shown: bool
    withheld: bool


def group_view(groups: Sequence[str], counts: Sequence[int], anonymity: Anonymity) -> GroupView:
    """Decide which groups (by index into ``groups``) a subject may see from each group's number of ratings.

    >>> a = Anonymity()
    >>> group_view(["superior", "peer", "public"], [1, 2, 5], a)
    GroupView(shown=(0, 2), pooled=(), pool_shown=False, withheld=True)
    >>> group_view(["peer", "public", "expert"], [2, 1, 4], Anonymity(below="merge"))
    GroupView(shown=(2,), pooled=(0, 1), pool_shown=True, withheld=False)
    >>> group_view(["peer"], [0], a)
    GroupView(shown=(), pooled=(), pool_shown=False, withheld=False)
    """
    shown: list[int] = []
    below: list[int] = []
    for i, (g, n) in enumerate(zip(groups, counts, strict=True)):
        if n <= 0:
            continue
        if not anonymity.protects(g) or n >= anonymity.k:
            shown.append(i)
        else:
            below.append(i)
    if anonymity.below == "merge" and below:
        pool_shown = sum(int(counts[i]) for i in below) >= anonymity.k
        return GroupView(tuple(shown), tuple(below), pool_shown, not pool_shown)
    return GroupView(tuple(shown), (), False, bool(below))


def excluded(groups: Sequence[str], counts: NDArray[np.int64], anonymity: Anonymity) -> NDArray[np.bool_]:
    """Under ``below: exclude``, the (subject x group) cells left out of the score: an anonymous group with at
    least one but fewer than ``k`` ratings. Under the other policies, none.

    >>> excluded(["superior", "peer"], np.array([[1, 2], [1, 3]]), Anonymity(below="exclude")).tolist()
    [[False, True], [False, False]]
    """
    if anonymity.below != "exclude":
        return np.zeros(counts.shape, dtype=bool)
    protected = np.array([anonymity.protects(g) for g in groups], dtype=bool)
    out: NDArray[np.bool_] = (counts > 0) & (counts < anonymity.k) & protected[np.newaxis, :]
    return out


def pooled_mean(means: Sequence[float], counts: Sequence[int]) -> float:
    """The mean of pooled groups, each group's mean weighted by its number of ratings.

    >>> pooled_mean([80.0, 60.0], [1, 3])
    65.0
    >>> import math; math.isnan(pooled_mean([], []))
    True
    """
    n = sum(counts)
    if n == 0:
        return float("nan")
    return float(sum(m * c for m, c in zip(means, counts, strict=True)) / n)
