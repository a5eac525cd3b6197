"""Ranking (排名) and grading with quotas (等次与优秀比例), vectorised over all populations at once.

Totals are compared after rounding to ``COMPARE_DECIMALS`` places: far below the 2 decimals that are
reported, but enough to cancel binary floating-point noise, so that a total a person computes as
exactly 90 is not taken for 89.99999999999999 and two equal totals reached by different sums tie.

>>> import numpy as np
>>> rank_within(np.array([90.0, 85.0, 85.0, 70.0]), np.zeros(4, dtype=np.int64)).tolist()
[1, 2, 2, 4]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

COMPARE_DECIMALS = 9
#: floor(q x n) is taken after adding this, so 0.29 x 100 = 28.999999999999996 admits 29.
_QUOTA_EPS = 1e-9

Int = NDArray[np.int64]
Bool = NDArray[np.bool_]
Float = NDArray[np.float64]


def comparable(total: Float) -> Float:
    """Totals as they are compared and ranked."""
    return np.round(total, COMPARE_DECIMALS)


def quota_limit(quota: float, n: int) -> int:
    """How many of a population of n a quota q admits: floor(q x n).

    >>> quota_limit(0.15, 20), quota_limit(0.29, 100), quota_limit(0.15, 6)
    (3, 29, 0)
    """
    return math.floor(quota * n + _QUOTA_EPS)


@dataclass(frozen=True)
class Ordered:
    """Subjects ordered by population, then total best first (``order``), with the population and the
    comparable total of each position, and where each position's population starts."""

    order: Int
    pop: Int
    key: Float
    pop_start: Int


def sort_population(total: Float, pop: Int) -> Ordered:
    """Sort once for both ranking and grading."""
    return Ordered(*_sorted_frame(comparable(total), pop))


def _sorted_frame(key: Float, pop: Int) -> tuple[Int, Int, Float, Int]:
    """Order by population then total, best first; and each row's population start position."""
    order = np.lexsort((-key, pop)).astype(np.int64)
    sp, sk = pop[order], key[order]
    idx = np.arange(len(order), dtype=np.int64)
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = sp[1:] != sp[:-1]
    pop_start = np.maximum.accumulate(np.where(starts, idx, 0)) if len(order) else idx
    return order, sp, sk, pop_start


def rank_within(total: Float, pop: Int, ordered: Ordered | None = None) -> Int:
    """Rank in each population: 1 is best, ties share the best rank (1, 2, 2, 4)."""
    o = ordered or sort_population(total, pop)
    order, sp, sk, pop_start = o.order, o.pop, o.key, o.pop_start
    n = len(order)
    idx = np.arange(n, dtype=np.int64)
    tie = np.ones(n, dtype=bool)
    tie[1:] = (sp[1:] != sp[:-1]) | (sk[1:] != sk[:-1])
    tie_start = np.maximum.accumulate(np.where(tie, idx, 0)) if n else idx
    rank = np.empty(n, dtype=np.int64)
    rank[order] = tie_start - pop_start + 1
    return rank


@dataclass(frozen=True)
class GradeSpec:
    name: str
    min: float
    quota: float | None


@dataclass(frozen=True)
class Grading:
    """``grade``: index into the grades, -1 where no grade's minimum is reached.
    ``demoted``: subjects x grades, True where a subject reached a grade's minimum, was eligible,
    and was kept out by its quota (including a tie straddling the quota's edge).
    ``limits``: populations x grades, the quota's floor(q x n) (-1 for no quota)."""

    grade: Int
    demoted: NDArray[np.bool_]
    limits: NDArray[np.int64]
    pop_sizes: Int


def assign_grades(total: Float, pop: Int, grades: Sequence[GradeSpec], best_allowed: Int,
                  ordered: Ordered | None = None) -> Grading:
    """Give each subject the first grade, best first, whose minimum its total reaches and whose quota
    is not exhausted. ``best_allowed`` is each subject's best eligible grade index (0 for most; the
    veto grade's index for a vetoed subject, who then takes no quota place above it).

    A quota q admits at most floor(q x n) of the population's n subjects; when subjects tied on
    the same total straddle that edge, none of them gets the grade.

    >>> g = assign_grades(np.array([95.0, 93.0, 93.0, 91.0, 50.0]), np.zeros(5, dtype=np.int64),
    ...     [GradeSpec("A", 90, 0.4), GradeSpec("B", 80, None), GradeSpec("C", 0, None)],
    ...     np.zeros(5, dtype=np.int64))
    >>> g.grade.tolist()   # 0.4 x 5 = 2 places; the two 93s straddle the edge: only 95 is A, and
    [0, 1, 1, 1, 2]
    >>> # 91 does not jump ahead of them into the free place: a lower total never gets a better grade.
    """
    o = ordered or sort_population(total, pop)
    key = comparable(total)
    n = len(key)
    npop = int(pop.max()) + 1 if n else 0
    pop_sizes = np.bincount(pop, minlength=npop).astype(np.int64)
    assigned = np.full(n, -1, dtype=np.int64)
    demoted = np.zeros((n, len(grades)), dtype=bool)
    limits = np.full((npop, len(grades)), -1, dtype=np.int64)
    order, sp, sk, pop_start = o.order, o.pop, o.key, o.pop_start
    for gi, g in enumerate(grades):
        eligible = (assigned < 0) & (key >= round(g.min, COMPARE_DECIMALS)) & (best_allowed <= gi)
        if g.quota is None:
            admit = eligible
        else:
            lim = np.array([quota_limit(g.quota, int(s)) for s in pop_sizes], dtype=np.int64)
            limits[:, gi] = lim
            es = eligible[order]
            csum = np.cumsum(es)
            # Candidates before this population's first row, to make the count per population.
            before = np.concatenate(([0], csum))[pop_start]
            position: Int = csum - before
            lim_s = lim[sp]
            # The total of the first candidate past the quota; candidates tied with it are all out.
            over = es & (position == lim_s + 1)
            edge = np.full(npop, np.nan)
            edge[sp[over]] = sk[over]
            admit_s = es & (position <= lim_s) & (sk != edge[sp])
            admit = np.zeros(n, dtype=bool)
            admit[order] = admit_s
            demoted[:, gi] = eligible & ~admit
        assigned[admit] = gi
    return Grading(grade=assigned, demoted=demoted, limits=limits, pop_sizes=pop_sizes)
