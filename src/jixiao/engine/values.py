"""The one value check: what an entered value may be, decided from the scheme alone.

Every path that writes a value (the entry form as you type and on save, the API, the back office, a file
import, and computing a cycle) asks this module, so each gives the same verdict in the same words.

- ``parse_number`` reads a number as people type it: full-width digits, a thousands separator
  ("1,234"), a trailing percent sign ("95%"). "9,5" is refused as ambiguous (9.5 or 95?).
- ``domain`` is what an item's value can be, from its rule and unit: counts are whole and >= 0, a
  percentage lies in [0, 100] (a ratio to a plan or budget may exceed 100), expert points in [0, points],
  a rating in its scale, bonus and penalty points in [0, the scheme's scale] (their sum is capped when
  scored), veto items are whole and >= 0, and any other measure is >= 0 unless its rule scores negative
  values; a node's ``range`` in the scheme replaces the default (a growth rate in % may be negative).
  It also says whose the item is: bonus, penalty and veto items, expert points and values from automatic sources are the
  office's, never the assessed unit's.
- ``check_value`` gives the findings: an *error* refuses the value; a *warning* (far from last year,
  outside the usual range across units) lets it be saved with a short explanation, for review.

>>> from jixiao.engine.testing import scoring_md_scheme
>>> s = scoring_md_scheme()
>>> parse_number("９５％"), parse_number("1,234.5")
(Number(value=95.0, percent=True), Number(value=1234.5, percent=False))
>>> parse_number("9,5")
Traceback (most recent call last):
...
jixiao.engine.values.NumberError: ambiguous
>>> [f.text("en") for f in check_value(domain(s, "ACCIDENT"), -1)]
['ACCIDENT: must lie between 0 and 100; got -1']
>>> [f.text("zh") for f in check_value(domain(s, "RESP"), 150)]
['诉求响应率（RESP）：应在 0 到 100 之间，收到 150']
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jixiao.engine.scheme import Node, Scheme

#: Units whose values are counted: whole numbers.
COUNT_UNITS = frozenset({"件", "个", "起", "次", "项", "宗", "人", "家", "户", "人次", "条", "份", "处", "例"})
#: Units of a percentage.
PERCENT_UNITS = frozenset({"%", "％", "百分比"})
#: Sources whose values come from a system or survey, not from the assessed unit.
AUTOMATIC_SOURCES = frozenset({"api", "complaints", "survey"})
#: A change from last year's value larger than this share of it is worth a second look.
FAR_FROM_LAST_YEAR = 0.5

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－＋，％　", "0123456789.-+,% ")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
#: The same rule as a regular expression Polars can apply to a whole column (see ``engine.tables``).
THOUSANDS_PATTERN = _THOUSANDS.pattern
FULL_WIDTH_FROM = "０１２３４５６７８９．－＋，％　"
FULL_WIDTH_TO = "0123456789.-+,% "


class NumberError(ValueError):
    """Text that is not a number; ``reason`` is "not_number", "ambiguous" or "not_finite"."""

    def __init__(self, reason: str, text: str = "") -> None:
        super().__init__(reason)
        self.reason, self.text = reason, text

    def finding(self, name: str, code: str) -> Finding:
        return Finding("error", self.reason, name, code, {"text": self.text})


@dataclass(frozen=True)
class Number:
    """A parsed number and whether it was written as a percentage."""

    value: float
    percent: bool = False


def normalise(text: str) -> str:
    """Full-width digits and signs as ASCII, outer spaces removed."""
    return text.translate(_FULL_WIDTH).strip()


def parse_number(text: str) -> Number:
    """A number as people type it; raises NumberError. "95%" is 95 marked as a percentage."""
    raw = normalise(text)
    percent = raw.endswith("%")
    digits = raw[:-1].strip() if percent else raw
    if "," in digits:
        if not _THOUSANDS.match(digits):
            raise NumberError("ambiguous", text.strip())
        digits = digits.replace(",", "")
    if not digits or digits.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise NumberError("not_number" if not digits or "n" not in digits.lower() else "not_finite", text.strip())
    try:
        value = float(digits)
    except ValueError:
        raise NumberError("not_number", text.strip()) from None
    if not math.isfinite(value):
        raise NumberError("not_finite", text.strip())
    return Number(value, percent)


@dataclass(frozen=True)
class Domain:
    """What one item's value can be, and whose it is to enter."""

    code: str
    name: str
    kind: str  # "measure", "count", "percent", "points", "rating", "bonus", "penalty", "veto"
    unit: str | None = None
    lo: float | None = None
    hi: float | None = None
    whole: bool = False
    office: bool = False

    @property
    def percent(self) -> bool:
        """A value of this item may be written with a percent sign."""
        return self.kind == "percent" or (self.unit or "").strip() in PERCENT_UNITS


def is_office_item(scheme: Scheme, code: str) -> bool:
    """Bonus, penalty and veto items, expert points and values from automatic sources are entered by the
    office, never by the unit assessed."""
    if code in scheme.bonus.codes or code in scheme.penalty.codes or code in scheme.veto.codes:
        return True
    node = scheme.node(code)
    return bool(node.rule is not None and (node.rule.type == "points" or node.source in AUTOMATIC_SOURCES))


def office_codes(scheme: Scheme) -> frozenset[str]:
    """The value codes of ``scheme`` only the office enters."""
    return frozenset(c for c in scheme.value_codes if is_office_item(scheme, c))


def domain(scheme: Scheme, code: str, points: float | None = None) -> Domain:
    """The domain of value code (or rating indicator) ``code``. ``points`` is what an expert-points item
    is worth for the subject (its applicable points); without it the upper end stays open."""
    office = is_office_item(scheme, code) if code in scheme.value_codes else False
    for kind, adj in (("bonus", scheme.bonus), ("penalty", scheme.penalty)):
        if code in adj.codes:
            # Their sum is capped when scored, so one item may exceed the cap (SCORING.md); never the scale.
            return Domain(code, adj.names.get(code, code), kind, "分", 0.0, scheme.scale, office=office)
    if code in scheme.veto.codes:
        return Domain(code, scheme.veto.names.get(code, code), "veto", None, 0.0, None, whole=True, office=office)
    node = scheme.node(code)
    rule = node.rule
    if rule is None:
        raise KeyError(code)
    unit = (node.unit or "").strip() or None
    if rule.type == "rating":
        assert rule.scale is not None
        return Domain(code, node.name, "rating", unit, rule.scale[0], rule.scale[1])
    if rule.type == "points":
        hi = None if points is None else points * rule.cap
        return _ranged(node, Domain(code, node.name, "points", unit, 0.0, hi, office=office))
    if rule.type == "deduction" or unit in COUNT_UNITS:
        return _ranged(node, Domain(code, node.name, "count", unit, 0.0, None, whole=True, office=office))
    # A rule whose floor, target or bands lie below 0 scores negative values: they can be.
    marks = [x for x in (rule.floor, rule.target, *(b.limit for b in rule.bands)) if x is not None]
    lo = None if any(x < 0 for x in marks) else 0.0
    if unit in PERCENT_UNITS:
        # A share lies in [0, 100]; a ratio to a plan or a budget (a ratio rule, or a floor, target or band
        # above 100) may exceed it.
        hi = None if rule.type == "ratio" or any(x > 100 for x in marks) else 100.0
        return _ranged(node, Domain(code, node.name, "percent", unit, lo, hi, office=office))
    return _ranged(node, Domain(code, node.name, "measure", unit, lo, None, office=office))


def _ranged(node: Node, d: Domain) -> Domain:
    if node.range is None:
        return d
    return Domain(d.code, d.name, d.kind, d.unit, node.range[0], node.range[1], d.whole, d.office)


def domains(scheme: Scheme) -> dict[str, Domain]:
    """Every value code's domain (expert points without their upper end)."""
    return {code: domain(scheme, code) for code in scheme.value_codes}


# Findings ------------------------------------------------------------------------------------------------

_TEXT: Mapping[str, tuple[str, str]] = {
    "not_number": ("{text!r} is not a number", "“{text}”不是数字"),
    "ambiguous": ("{text!r} is ambiguous: write the decimal point as '.' (9.5) and the thousands as 1,234",
                  "“{text}”有歧义：小数点请写作“.”（如 9.5），千位分隔写作 1,234"),
    "not_finite": ("{text!r} is not a finite number", "“{text}”不是有限的数"),
    "empty": ("the value is empty: give a number", "数值为空：请填写数字"),
    "percent_sign": ("written as a percentage, but it is measured in {unit}",
                     "写成了百分数，但该项以“{unit}”计量"),
    "percent_sign_plain": ("written as a percentage, but it is a plain number", "写成了百分数，但该项不是百分比"),
    "below": ("must be {lo} or more; got {value}", "不能小于 {lo}，收到 {value}"),
    "above": ("must be {hi} or less; got {value}", "不能大于 {hi}，收到 {value}"),
    "outside": ("must lie between {lo} and {hi}; got {value}", "应在 {lo} 到 {hi} 之间，收到 {value}"),
    "not_whole": ("is a count: a whole number; got {value}", "是计数，应为整数，收到 {value}"),
    "far_from_last_year": ("{value} is far from last year's {previous} ({change:+.0f}%)",
                           "{value} 与上年的 {previous} 相差较大（{change:+.0f}%）"),
    "unusual": ("{value} is outside the usual range across units ({lo} to {hi})",
                "{value} 超出各单位的通常范围（{lo} 至 {hi}）"),
}


@dataclass(frozen=True)
class Finding:
    """One verdict on a value: ``level`` "error" (refused) or "warning" (needs an explanation)."""

    level: str
    reason: str
    name: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        """The finding in English ("en") or Chinese ("zh"), naming the item."""
        en, zh = _TEXT[self.reason]
        body = (zh if lang == "zh" else en).format(**self.params)
        if self.name == self.code:
            return f"{self.code}：{body}" if lang == "zh" else f"{self.code}: {body}"
        return f"{self.name}（{self.code}）：{body}" if lang == "zh" else f"{self.name} ({self.code}): {body}"

    @property
    def is_error(self) -> bool:
        return self.level == "error"


def _num(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e15 else f"{x:.6g}"


#: The relative distance within which a value counts as lying on a bound of its domain.
BOUND_TOLERANCE = 1e-9


def check_value(d: Domain, value: float, *, percent: bool = False, previous: float | None = None,
                usual: tuple[float, float] | None = None) -> list[Finding]:
    """The findings on ``value`` for an item of domain ``d``: errors first, then warnings.

    ``percent``: the value was written with a percent sign. ``previous``: last year's value of the same
    subject, if any. ``usual``: the usual range across units this year (e.g. Tukey's fences), if known.
    """
    out: list[Finding] = []

    def error(reason: str, **params: Any) -> None:
        out.append(Finding("error", reason, d.name, d.code, params))

    if not math.isfinite(value):
        error("not_finite", text=_num(value))
        return out
    if percent and not d.percent:
        if d.unit:
            error("percent_sign", unit=d.unit)
        else:
            error("percent_sign_plain")
    shown = _num(value)
    # A bound worked out in floating point (an item's worth is a product of weights) may differ from the same
    # number typed by a person in the last place: within a billionth it is the bound itself.
    low = d.lo is not None and value < d.lo - BOUND_TOLERANCE * max(1.0, abs(d.lo))
    high = d.hi is not None and value > d.hi + BOUND_TOLERANCE * max(1.0, abs(d.hi))
    if (low or high) and d.lo is not None and d.hi is not None:
        error("outside", lo=_num(d.lo), hi=_num(d.hi), value=shown)
    elif low:
        error("below", lo=_num(d.lo or 0.0), value=shown)
    elif high:
        error("above", hi=_num(d.hi or 0.0), value=shown)
    if d.whole and value != math.floor(value):
        error("not_whole", value=shown)
    if out:
        return out
    if previous is not None and math.isfinite(previous) and previous != 0:
        change = (value - previous) / abs(previous)
        if abs(change) > FAR_FROM_LAST_YEAR:
            out.append(Finding("warning", "far_from_last_year", d.name, d.code,
                               {"value": shown, "previous": _num(previous), "change": 100 * change}))
    if usual is not None and not usual[0] <= value <= usual[1]:
        out.append(Finding("warning", "unusual", d.name, d.code,
                           {"value": shown, "lo": _num(round(usual[0], 2)), "hi": _num(round(usual[1], 2))}))
    return out


def empty(d: Domain) -> Finding:
    """The finding on an empty value where one is needed (an empty field of a form is no change, not this)."""
    return Finding("error", "empty", d.name, d.code)


def check_text(d: Domain, text: str, *, previous: float | None = None,
               usual: tuple[float, float] | None = None) -> tuple[float | None, list[Finding]]:
    """Parse ``text`` and check it: (the value, or None when it is not a number or empty; the findings, none
    for an empty text: whether that is an error (``empty``) is the caller's to say)."""
    if not text.strip():
        return None, []
    try:
        number = parse_number(text)
    except NumberError as exc:
        return None, [exc.finding(d.name, d.code)]
    return number.value, check_value(d, number.value, percent=number.percent, previous=previous, usual=usual)


def usual_range(values: list[float], *, minimum: int = 5) -> tuple[float, float] | None:
    """Tukey's fences (Q1 - 1.5 IQR, Q3 + 1.5 IQR) of the values, or None for fewer than ``minimum``."""
    xs = sorted(v for v in values if math.isfinite(v))
    if len(xs) < minimum:
        return None

    def q(p: float) -> float:
        k = (len(xs) - 1) * p
        lo, hi = math.floor(k), math.ceil(k)
        return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)

    q1, q3 = q(0.25), q(0.75)
    iqr = q3 - q1
    return q1 - 1.5 * iqr, q3 + 1.5 * iqr
