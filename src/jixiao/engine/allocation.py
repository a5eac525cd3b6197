"""Splitting a bonus pool by grade (绩效奖金按等次分配): each unit's share is its grade's coefficient times its
headcount, the pool is divided in proportion, in whole yuan, and the yuan left over by rounding down go one each to
the largest remainders (ties: the better rank, then the code), so the amounts add up to the pool exactly.

    share_i = coef(grade_i) x headcount_i
    amount_i = floor(pool x share_i / sum(share)) (+ 1 for the largest remainders)

Computed exactly with fractions: no rounding drift, whatever the pool.

>>> split(1000, [("A", 1, Fraction(6, 5), 1), ("B", 2, Fraction(1), 1), ("C", 3, Fraction(1), 1)])
{'A': 375, 'B': 313, 'C': 312}
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction


def parse_coefficients(text: str) -> dict[str, Fraction]:
    """``"优秀=1.2,良好=1,合格=0.8,不合格=0"`` -> ``{grade: coefficient}``; ValueError naming what is wrong.

    >>> parse_coefficients("优秀=1.2, 良好=1")
    {'优秀': Fraction(6, 5), '良好': Fraction(1, 1)}
    """
    out: dict[str, Fraction] = {}
    for part in (p.strip() for p in text.replace("，", ",").split(",")):
        if not part:
            continue
        grade, sep, number = part.partition("=")
        grade = grade.strip()
        if not sep or not grade:
            raise ValueError(f"--coefficients: {part!r} is not GRADE=NUMBER")
        try:
            value = Fraction(number.strip())
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"--coefficients: {grade}: {number.strip()!r} is not a number") from None
        if value < 0:
            raise ValueError(f"--coefficients: {grade}: a coefficient cannot be negative ({number.strip()})")
        if grade in out:
            raise ValueError(f"--coefficients: {grade} is given twice")
        out[grade] = value
    if not out:
        raise ValueError("--coefficients: no grade given")
    return out


def split(pool: int, units: Sequence[tuple[str, int, Fraction, int]]) -> dict[str, int]:
    """``units`` are ``(code, rank, coefficient, headcount)``; returns whole amounts adding up to ``pool``. A pool
    nobody has a share of (every share 0) gives everyone 0 (and the pool stays undistributed: the caller says so)."""
    if pool < 0:
        raise ValueError(f"the pool cannot be negative; got {pool}")
    shares = {code: coef * heads for code, _rank, coef, heads in units}
    whole = sum(shares.values(), Fraction(0))
    if whole == 0:
        return dict.fromkeys(shares, 0)
    exact = {code: pool * s / whole for code, s in shares.items()}
    amounts = {code: math.floor(x) for code, x in exact.items()}
    rank = {code: r for code, r, _c, _h in units}
    order = sorted(shares, key=lambda c: (-(exact[c] - amounts[c]), rank[c], c))
    for code in order[: pool - sum(amounts.values())]:
        amounts[code] += 1
    return amounts


def headcounts(rows: Mapping[str, int], codes: Sequence[str]) -> dict[str, int]:
    """Each unit's headcount from ``rows`` (1 for a unit not listed)."""
    return {code: rows.get(code, 1) for code in codes}
