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


def parse_coefficients(text: str, *, signed: bool = False, option: str = "--coefficients") -> dict[str, Fraction]:
    """``"优秀=1.2,良好=1,合格=0.8,不合格=0"`` -> ``{grade: coefficient}``; ValueError naming what is wrong. With
    ``signed``, numbers may be negative (percentages of a budget: ``"优秀=+5,不合格=-10"``).

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
            raise ValueError(f"{option}: {part!r} is not GRADE=NUMBER")
        try:
            value = Fraction(number.strip().removeprefix("+").removesuffix("%"))
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{option}: {grade}: {number.strip()!r} is not a number") from None
        if value < 0 and not signed:
            raise ValueError(f"{option}: {grade}: a coefficient cannot be negative ({number.strip()})")
        if grade in out:
            raise ValueError(f"{option}: {grade} is given twice")
        out[grade] = value
    if not out:
        raise ValueError(f"{option}: no grade given")
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


def round_half_up(x: Fraction) -> int:
    """A whole number, halves away from zero (as people round money): 2.5 -> 3, -2.5 -> -3."""
    whole = math.floor(abs(x) + Fraction(1, 2))
    return whole if x >= 0 else -whole


def budget_change(base: int, percent: Fraction) -> int:
    """The change of a budget of ``base`` yuan by ``percent`` (+5 adds 5 %, -10 cuts 10 %), in whole yuan, half up.

    >>> budget_change(1_234_567, Fraction(-10)), budget_change(1_000_005, Fraction(5, 10))
    (-123457, 5000)
    """
    return round_half_up(base * percent / 100)


def honoured(rows: Sequence[tuple[str, str, int, str]], grades: set[str], top: int | None) -> list[str]:
    """The codes honoured: ``rows`` are ``(code, population, rank, grade)``; a subject is honoured when its grade is
    one of ``grades`` and (with ``top``) its rank within its population is at most ``top``. Ties at the edge are all
    honoured (they share the rank). In the order of population, rank, code.

    >>> honoured([("a", "A", 1, "优秀"), ("b", "A", 2, "优秀"), ("c", "A", 2, "优秀"), ("d", "B", 1, "良好")],
    ...          {"优秀"}, 1)
    ['a']
    """
    keep = [r for r in rows if r[3] in grades and (top is None or r[2] <= top)]
    return [r[0] for r in sorted(keep, key=lambda r: (r[1], r[2], r[0]))]


def consecutive(grades_by_year: Mapping[int, str], best: set[str], until: int) -> list[int]:
    """The years, oldest first, of the unbroken run of a grade in ``best`` that ends in ``until`` (empty when the
    grade of ``until`` is not one of them, or missing). A year without a result breaks the run.

    >>> consecutive({2022: "优秀", 2023: "优秀", 2024: "称职", 2025: "优秀"}, {"优秀"}, 2025)
    [2025]
    >>> consecutive({2023: "优秀", 2024: "优秀", 2025: "优秀"}, {"优秀"}, 2025)
    [2023, 2024, 2025]
    """
    years: list[int] = []
    year = until
    while grades_by_year.get(year) in best:
        years.append(year)
        year -= 1
    return years[::-1]


#: PART-style programme ratings (项目绩效评级) from a project's evaluation score (0-100), best first: the US
#: Program Assessment Rating Tool's bands. A project without a score is "results not demonstrated".
PART_BANDS: tuple[tuple[str, float], ...] = (("effective", 85.0), ("moderately_effective", 70.0),
                                             ("adequate", 50.0), ("ineffective", 0.0))
NOT_DEMONSTRATED = "not_demonstrated"


def part_rating(score: float | None) -> str:
    """The rating of a project's evaluation score: effective (>= 85), moderately effective (>= 70), adequate
    (>= 50), ineffective; ``not_demonstrated`` without a score. Refuses a score outside 0-100.

    >>> [part_rating(s) for s in (85, 84.99, 70, 50, 49.9, None)]
    ['effective', 'moderately_effective', 'moderately_effective', 'adequate', 'ineffective', 'not_demonstrated']
    """
    if score is None:
        return NOT_DEMONSTRATED
    if not 0 <= score <= 100 or score != score:
        raise ValueError(f"a project's score is between 0 and 100; got {score}")
    return next(name for name, low in PART_BANDS if score >= low)
