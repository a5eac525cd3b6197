"""Weight methods offered beside a scheme's own weights (赋权方法), as proposals.

- **AHP** (层次分析法): the principal eigenvector of a positive reciprocal pairwise comparison matrix ``A``
  (``a_ij`` how much more important i is than j, ``a_ji = 1 / a_ij``), normalised to sum 1;
  ``lambda_max`` its eigenvalue, ``CI = (lambda_max - n) / (n - 1)``, ``CR = CI / RI`` with Saaty's random indices
  RI = 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49 for n = 3..10 (CR = 0 for n <= 2). ``CR >= 0.10`` is
  inconsistent; the judgements furthest from what the weights imply (``a_ij`` against ``w_i / w_j``, on a log
  scale) are named.
- **Entropy** (熵值法) on a units x indicators table, each column min-max normalised by its direction (y in [0, 1]):
  ``p = y / sum y`` over the units, ``e = -sum p ln p / ln m`` (0 ln 0 = 0, m units), ``d = 1 - e``,
  ``w = d / sum d``.
- **CRITIC**: ``c = sigma x sum over the other indicators of (1 - r)``, sigma the population standard deviation of the
  normalised column, r Pearson's correlation, ``w = c / sum c``.

An indicator with no spread (every unit the same) gets weight 0 and a warning in both data methods.

>>> w = ahp([[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]])
>>> [round(x, 3) for x in w.weights], round(w.lambda_max, 4), round(w.cr, 4)
([0.637, 0.258, 0.105], 3.0385, 0.0332)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

#: Saaty's random consistency index by n (3..10).
RI = {3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}
CR_LIMIT = 0.10
#: A judgement and its reciprocal may differ from exact by this much (0.333 for 1/3).
RECIPROCAL_TOLERANCE = 0.01


class MatrixError(ValueError):
    """A comparison matrix that is not square, positive and reciprocal (nothing computed)."""


@dataclass(frozen=True)
class AhpResult:
    weights: list[float]
    lambda_max: float
    ci: float
    cr: float
    #: The judgements furthest from the weights: (i, j, a_ij, w_i / w_j), worst first (i < j).
    worst: list[tuple[int, int, float, float]] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return self.cr < CR_LIMIT


def check_matrix(a: Sequence[Sequence[float]], names: Sequence[str] | None = None) -> NDArray[np.float64]:
    """The matrix as an array, or MatrixError naming the first problem by its criteria (``names``, else their
    positions from 1)."""
    m = np.asarray(a, dtype=np.float64)
    if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape[0] < 1:
        raise MatrixError(f"the matrix must be square; it is {' x '.join(str(s) for s in m.shape)}")
    if not np.all(np.isfinite(m)) or np.any(m <= 0):
        i, j = np.argwhere(~np.isfinite(m) | (m <= 0))[0]
        label = list(names) if names is not None and len(names) == m.shape[0] else None
        where = f"{label[i]} : {label[j]}" if label else f"row {i + 1}, column {j + 1}"
        raise MatrixError(f"{where}: a judgement must be a positive number; got {m[i, j]:g}")
    n = m.shape[0]
    label = list(names) if names is not None and len(names) == n else [str(k + 1) for k in range(n)]
    for i in range(n):
        if abs(m[i, i] - 1) > 1e-9:
            raise MatrixError(f"{label[i]} : {label[i]} must be 1; got {m[i, i]:g}")
        for j in range(i + 1, n):
            if abs(m[i, j] * m[j, i] - 1) > RECIPROCAL_TOLERANCE:
                raise MatrixError(f"{label[i]} : {label[j]} = {m[i, j]:g} and {label[j]} : {label[i]} = {m[j, i]:g} "
                                  "are not reciprocal (their product must be 1)")
    return m


def ahp(a: Sequence[Sequence[float]], *, worst: int = 3, names: Sequence[str] | None = None) -> AhpResult:
    """AHP weights and consistency of the comparison matrix ``a`` (see the module)."""
    m = check_matrix(a, names)
    n = m.shape[0]
    values, vectors = np.linalg.eig(m)
    k = int(np.argmax(values.real))
    w = np.abs(vectors[:, k].real)
    w = w / w.sum()
    lam = float(values[k].real)
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    cr = ci / RI[n] if n in RI else 0.0
    if n > 10:
        raise MatrixError(f"Saaty's random index is tabled up to n = 10; the matrix has {n} criteria")
    off = [(i, j, float(m[i, j]), float(w[i] / w[j])) for i in range(n) for j in range(i + 1, n)]
    off.sort(key=lambda t: -abs(math.log(t[2] / t[3])))
    return AhpResult([float(x) for x in w], lam, max(ci, 0.0), max(cr, 0.0), off[:worst] if cr >= CR_LIMIT else [])


def normalise(x: NDArray[np.float64], higher: Sequence[bool]) -> tuple[NDArray[np.float64], list[int]]:
    """Min-max each column to [0, 1] by its direction (lower is better: reversed); the columns without spread
    come back as zeros and are listed."""
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = hi - lo
    flat = [j for j in range(x.shape[1]) if span[j] == 0]
    safe = np.where(span == 0, 1.0, span)
    y = (x - lo) / safe
    for j, up in enumerate(higher):
        if not up:
            y[:, j] = 1 - y[:, j]
    y[:, flat] = 0.0
    return y, flat


def entropy(x: Sequence[Sequence[float]] | NDArray[np.float64],
            higher: Sequence[bool]) -> tuple[list[float], list[int]]:
    """Entropy weights of the columns of ``x`` (units x indicators) and the columns without spread.

    >>> w, flat = entropy([[1, 10], [2, 10], [3, 10]], [True, True])
    >>> [round(v, 4) for v in w], flat
    ([1.0, 0.0], [1])
    """
    arr = np.asarray(x, dtype=np.float64)
    m = arr.shape[0]
    if m < 2:
        raise ValueError("the entropy method needs at least 2 units")
    y, flat = normalise(arr, higher)
    sums = y.sum(axis=0)
    p = np.divide(y, sums, out=np.zeros_like(y), where=sums > 0)
    plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = -plogp.sum(axis=0) / math.log(m)
    d = np.where(sums > 0, 1 - e, 0.0)
    d[flat] = 0.0
    total = d.sum()
    return ([float(v) for v in d / total] if total > 0 else [0.0] * arr.shape[1]), flat


def critic(x: Sequence[Sequence[float]] | NDArray[np.float64], higher: Sequence[bool]) -> tuple[list[float], list[int]]:
    """CRITIC weights of the columns of ``x`` (units x indicators) and the columns without spread."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.shape[0] < 2:
        raise ValueError("CRITIC needs at least 2 units")
    y, flat = normalise(arr, higher)
    sigma = y.std(axis=0)  # population standard deviation
    live = [j for j in range(y.shape[1]) if j not in flat]
    c = np.zeros(y.shape[1])
    if len(live) >= 1:
        r = np.corrcoef(y[:, live], rowvar=False) if len(live) > 1 else np.ones((1, 1))
        r = np.atleast_2d(r)
        for k, j in enumerate(live):
            # The sum over the other indicators (r_jj = 1 adds 0); a flat indicator has no correlation and no weight.
            c[j] = sigma[j] * float(np.sum(1 - r[k]))
    total = c.sum()
    return ([float(v) for v in c / total] if total > 0 else [0.0] * arr.shape[1]), flat
