"""What the fairness checks share: the thresholds, the languages and how numbers are written."""

from __future__ import annotations

from typing import Literal

from jixiao.engine.grading import COMPARE_DECIMALS

Lang = Literal["zh", "en"]

#: Ceiling: a fraction at least this counts as the indicator's full points (a stored fraction may be rounded).
FULL = 0.999995
#: Ceiling: flagged when at least this share of the units earned full points ...
CEILING_SHARE = 0.5
#: ... and the indicator applies to at least this many units.
CEILING_MIN_UNITS = 3
#: Inflation: a rise of the best grade's share by 5 percentage points from one year to the next.
RISE = 0.05
#: Inflation: the best grade's share in the latest year above 30 %.
HIGH = 0.30
#: Rotation: fewer years on record than this say too little to judge.
MIN_YEARS = 3
#: Rotation: the top grade changing hands 25 points a year more than the totals explain.
EXCESS = 0.25
#: Renewal: at least 15 % of the indicators new or changed each year.
MINIMUM_RENEWAL = 0.15
#: Differences of shares are compared with this slack, so 0.25 - 0.20 counts as a rise of 0.05.
_EPS = 1e-9


def _english(lang: str) -> bool:
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en'; got {lang!r}")
    return lang == "en"


def _num(x: float) -> str:
    """At most 2 decimals, trailing zeros dropped.

    >>> _num(90.0), _num(0.8499999999), _num(12.5), _num(-0.001)
    ('90', '0.85', '12.5', '0')
    """
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _pct(share: float) -> str:
    return f"{share * 100:.2f}%"


def _key(total: float) -> float:
    """A total as it is compared (grading's rounding)."""
    return round(float(total), COMPARE_DECIMALS)

