"""The fairness checks across years: grade inflation, rotation of the top grade and the renewal of indicators
(see the package)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from jixiao.engine.fairness.words import (
    _EPS,
    EXCESS,
    HIGH,
    MIN_YEARS,
    MINIMUM_RENEWAL,
    RISE,
    Lang,
    _english,
    _key,
    _num,
    _pct,
)
from jixiao.engine.grading import COMPARE_DECIMALS

# Inflation ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearGrades:
    """One year's grades: ``n`` subjects, ``counts`` and ``shares`` per grade (best first), the best grade's share
    ``top`` and the two best grades' ``top_two``."""

    year: int
    n: int
    counts: tuple[int, ...]
    shares: tuple[float, ...]
    top: float
    top_two: float


@dataclass(frozen=True)
class Jump:
    """The best grade's share rising by ``change`` (a fraction: 0.0769 is 7.69 points) from ``previous`` to
    ``year``."""

    previous: int
    year: int
    change: float


@dataclass(frozen=True)
class Inflation:
    """Grade shares per year (sorted); ``jumps``: the rises of the best grade's share of at least ``rise``;
    ``too_high``: the latest share is above ``high``."""

    grades: tuple[str, ...]
    years: tuple[YearGrades, ...]
    jumps: tuple[Jump, ...]
    too_high: bool
    rise: float
    high: float
    flag: bool

    def sentence(self, lang: Lang = "zh") -> str:
        return _inflation_en(self) if _english(lang) else _inflation_zh(self)


def _largest(jumps: Sequence[Jump]) -> Jump:
    """The largest jump, the earliest among equals (0.20 - 0.15 and 0.25 - 0.20 are equal)."""
    return max(jumps, key=lambda j: (round(j.change, COMPARE_DECIMALS), -j.year))


def _inflation_zh(r: Inflation) -> str:
    if not r.years:
        return "没有等次记录。"
    first, last, top = r.years[0], r.years[-1], r.grades[0]
    if first is last:
        head = f"「{top}」占比 {last.year} 年为 {_pct(last.top)}"
    elif last.top == first.top:
        head = f"「{top}」占比 {first.year} 年和 {last.year} 年均为 {_pct(last.top)}"
    else:
        verb = "升至" if last.top > first.top else "降至"
        head = f"「{top}」占比从 {first.year} 年的 {_pct(first.top)} {verb} {last.year} 年的 {_pct(last.top)}"
    reasons = []
    if r.jumps:
        j = _largest(r.jumps)
        reasons.append(f"{j.previous} 至 {j.year} 年一年上升 {_num(j.change * 100)} 个百分点")
    if r.too_high:
        reasons.append(f"{'' if first is last else f'{last.year} 年'}已超过 {_num(r.high * 100)}%")
    if not reasons:
        return f"{head}，未见等次膨胀。"
    return f"{head}，{'，'.join(reasons)}，提示等次膨胀。"


def _inflation_en(r: Inflation) -> str:
    if not r.years:
        return "No grades on record."
    first, last, top = r.years[0], r.years[-1], r.grades[0]
    if first is last:
        head = f'The share of "{top}" was {_pct(last.top)} in {last.year}'
    elif last.top == first.top:
        head = f'The share of "{top}" was {_pct(last.top)} in both {first.year} and {last.year}'
    else:
        verb = "rose" if last.top > first.top else "fell"
        head = f'The share of "{top}" {verb} from {_pct(first.top)} in {first.year} to {_pct(last.top)} in {last.year}'
    reasons = []
    if r.jumps:
        j = _largest(r.jumps)
        reasons.append(f"up {_num(j.change * 100)} points from {j.previous} to {j.year}")
    if r.too_high:
        reasons.append(f"above {_num(r.high * 100)}%" + ("" if first is last else f" in {last.year}"))
    if not reasons:
        return f"{head}; no sign of grade inflation."
    return f"{head}, {' and '.join(reasons)}: a sign of grade inflation."


def _year_grades(year: int, given: Sequence[str], grades: Sequence[str]) -> YearGrades:
    counted = Counter(given)
    unknown = sorted(set(counted) - set(grades))
    if unknown:
        raise ValueError(f"{year}: grade {unknown[0]!r} is not one of {', '.join(grades)}")
    n = len(given)
    counts = tuple(counted[g] for g in grades)
    shares = tuple(c / n for c in counts)
    return YearGrades(year, n, counts, shares, shares[0], sum(shares[:2]))


def inflation(history: Mapping[int, Sequence[str]], grades: Sequence[str], *, rise: float = RISE,
              high: float = HIGH) -> Inflation:
    """Grade inflation over the years of ``history`` (year -> the grade of each subject); ``grades`` best first.
    A year with no subject is left out."""
    if not grades:
        raise ValueError("no grades")
    years = tuple(_year_grades(y, history[y], grades) for y in sorted(history) if len(history[y]))
    jumps = tuple(Jump(a.year, b.year, b.top - a.top)
                  for a, b in pairwise(years) if b.top - a.top >= rise - _EPS)
    too_high = bool(years) and years[-1].top > high + _EPS
    return Inflation(tuple(grades), years, jumps, too_high, rise, high, flag=bool(jumps) or too_high)


# Rotation -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Turnover:
    """From ``previous`` to ``year``: the share of last year's holders (present both years) who lost the top grade
    (``observed``) and the same share had it gone by total (``by_totals``); None when no such holder."""

    previous: int
    year: int
    observed: float | None
    by_totals: float | None


@dataclass(frozen=True)
class Unexplained:
    """A holder of the top grade whose total was below the year's k-th highest (``rank`` by total, 1 best, ties
    sharing the best rank)."""

    year: int
    code: str
    total: float
    rank: int


@dataclass(frozen=True)
class Rotation:
    """The top grade changing hands (轮流坐庄) over ``years``; ``holders``: (code, years held), most years first then
    code A-Z; the means are over the pairs where both turnovers are defined (None when there is no such pair)."""

    top: str
    years: tuple[int, ...]
    turnover: tuple[Turnover, ...]
    unexplained: tuple[Unexplained, ...]
    holders: tuple[tuple[str, int], ...]
    mean_observed: float | None
    mean_by_totals: float | None
    mean_excess: float | None
    min_years: int
    excess: float
    flag: bool

    @property
    def beyond_totals(self) -> bool:
        """The mean excess reaches the threshold (the top grade changes hands more than the totals explain)."""
        return self.mean_excess is not None and self.mean_excess >= self.excess - _EPS

    def sentence(self, lang: Lang = "zh") -> str:
        return _rotation_en(self) if _english(lang) else _rotation_zh(self)


def _rotation_zh(r: Rotation) -> str:
    if len(r.years) < r.min_years:
        return f"仅有 {len(r.years)} 年记录（少于 {r.min_years} 年），不判断「{r.top}」是否轮流坐庄。"
    span, u = f"{r.years[0]}—{r.years[-1]} 年", len(r.unexplained)
    low = f"有 {u} 次获评单位的总分低于未获评单位" if u else ""
    if r.mean_observed is None or r.mean_by_totals is None:
        return f"{span}「{r.top}」{low}，等次与总分不符。" if u else f"{span}「{r.top}」的获评单位无法逐年比较。"
    head = f"{span}「{r.top}」每年平均更换 {_pct(r.mean_observed)}"
    if r.beyond_totals:
        low = f"{low}，" if u else ""
        return (f"{head}，按总分只应更换 {_pct(r.mean_by_totals)}；{len(r.holders)} 个单位轮流获评，"
                f"{low}超出总分所能解释的部分提示轮流坐庄。")
    if u:
        return f"{head}，按总分应更换 {_pct(r.mean_by_totals)}，但{low}，等次与总分不符。"
    return f"{head}，按总分应更换 {_pct(r.mean_by_totals)}；{len(r.holders)} 个单位先后获评，变化与总分一致。"


def _rotation_en(r: Rotation) -> str:
    if len(r.years) < r.min_years:
        return f'Only {len(r.years)} years on record (fewer than {r.min_years}): no judgement on "{r.top}" rotating.'
    span, u = f"{r.years[0]}-{r.years[-1]}", len(r.unexplained)
    low = f"{u} holder{'s' if u != 1 else ''} had a lower total than a unit without it" if u else ""
    if r.mean_observed is None or r.mean_by_totals is None:
        return (f'In {span}, {low} for "{r.top}": the grade does not follow the totals.' if u else
                f'In {span}, the holders of "{r.top}" cannot be compared from year to year.')
    head = f'In {span}, "{r.top}" changed hands {_pct(r.mean_observed)} a year on average'
    if r.beyond_totals:
        more = f"; {low}" if u else ""
        return (f"{head} where the totals explain only {_pct(r.mean_by_totals)}; {len(r.holders)} units took "
                f"turns{more}, which suggests it rotates beyond what the totals explain.")
    if u:
        return f"{head} against {_pct(r.mean_by_totals)} by the totals, but {low}: the grade does not follow them."
    return (f"{head} against {_pct(r.mean_by_totals)} by the totals; {len(r.holders)} units held it and the "
            "changes follow the totals.")


def _best_by_total(entries: Sequence[tuple[str, float, str]], k: int) -> set[str]:
    """The k codes with the highest totals (ties at the edge: higher total first, then code A-Z)."""
    return {c for c, _, _ in sorted(entries, key=lambda e: (-_key(e[1]), e[0]))[:k]}


def _share_lost(before: set[str], after: set[str], present: set[str]) -> float | None:
    kept_in_view = before & present
    return len(kept_in_view - after) / len(kept_in_view) if kept_in_view else None


def _unexplained(year: int, entries: Sequence[tuple[str, float, str]], top: str) -> list[Unexplained]:
    held = [(c, t) for c, t, g in entries if g == top]
    if not held:
        return []
    keys = sorted((_key(t) for _, t, _ in entries), reverse=True)
    edge = keys[len(held) - 1]
    return [Unexplained(year, c, float(t), 1 + sum(1 for k in keys if k > _key(t)))
            for c, t in sorted(held) if _key(t) < edge]


def _checked(year: int, entries: Sequence[tuple[str, float, str]]) -> Sequence[tuple[str, float, str]]:
    codes = Counter(c for c, _, _ in entries)
    twice = sorted(c for c, n in codes.items() if n > 1)
    if twice:
        raise ValueError(f"{year}: unit {twice[0]!r} appears more than once")
    return entries


def _mean(xs: Sequence[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def rotation(history: Mapping[int, Sequence[tuple[str, float, str]]], *, top: str, min_years: int = MIN_YEARS,
             excess: float = EXCESS) -> Rotation:
    """Whether the ``top`` grade changes hands beyond what the totals explain (see the module). ``history``:
    year -> ``(code, total, grade)`` of each unit of one ranking population."""
    years = tuple(sorted(history))
    data = {y: _checked(y, history[y]) for y in years}
    held = {y: {c for c, _, g in data[y] if g == top} for y in years}
    best = {y: _best_by_total(data[y], len(held[y])) for y in years}
    turnover = []
    for a, b in pairwise(years):
        present = {c for c, _, _ in data[b]}
        turnover.append(Turnover(a, b, _share_lost(held[a], held[b], present), _share_lost(best[a], best[b], present)))
    pairs = [(t.observed, t.by_totals) for t in turnover if t.observed is not None and t.by_totals is not None]
    unexplained = tuple(u for y in years for u in _unexplained(y, data[y], top))
    counts = Counter(c for y in years for c in held[y])
    holders = tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    r = Rotation(top, years, tuple(turnover), unexplained, holders, _mean([o for o, _ in pairs]),
                 _mean([t for _, t in pairs]), _mean([o - t for o, t in pairs]), min_years, excess, flag=False)
    return replace(r, flag=len(years) >= min_years and (r.beyond_totals or bool(unexplained)))


# Renewal ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Renewal:
    """This year's indicators against last year's: ``added`` (new codes), ``changed`` (same code, name or rule
    changed), ``renewed`` (both, in this year's order), ``dropped`` (last year's codes gone), ``share = renewed /
    total`` (None for no indicator this year, then not flagged)."""

    total: int
    renewed: tuple[str, ...]
    added: tuple[str, ...]
    changed: tuple[str, ...]
    dropped: tuple[str, ...]
    share: float | None
    minimum: float
    flag: bool

    def sentence(self, lang: Lang = "zh") -> str:
        need = f"{_num(self.minimum * 100)}%"
        if _english(lang):
            if self.share is None:
                return "No indicator this year."
            verdict = "below" if self.flag else "meeting"
            gone = f"; {len(self.dropped)} of last year's were dropped" if self.dropped else ""
            return (f"{len(self.renewed)} of this year's {self.total} indicators are new or changed "
                    f"({_pct(self.share)}), {verdict} the yearly renewal of {need}{gone}.")
        if self.share is None:
            return "今年没有指标。"
        verdict = "低于" if self.flag else "达到"
        gone = f"；去年的 {len(self.dropped)} 项指标已取消" if self.dropped else ""
        return (f"今年 {self.total} 项指标中 {len(self.renewed)} 项为新增或调整（{_pct(self.share)}），"
                f"{verdict}每年更新 {need} 的要求{gone}。")


def renewal(last: Sequence[tuple[str, str, str]], this: Sequence[tuple[str, str, str]], *,
            minimum: float = MINIMUM_RENEWAL) -> Renewal:
    """How much of this year's scheme is renewed against last year's; each indicator ``(code, name, rule)``,
    the rule any text (compared as it is)."""
    before = {code: (name, rule) for code, name, rule in last}
    codes = [code for code, _, _ in this]
    if len(set(codes)) != len(codes):
        twice = next(c for c in codes if codes.count(c) > 1)
        raise ValueError(f"indicator {twice!r} appears more than once this year")
    added = tuple(code for code, _, _ in this if code not in before)
    changed = tuple(code for code, name, rule in this if code in before and before[code] != (name, rule))
    renewed = tuple(code for code in codes if code in added or code in changed)
    dropped = tuple(code for code in before if code not in set(codes))
    share = len(renewed) / len(codes) if codes else None
    return Renewal(len(codes), renewed, added, changed, dropped, share, minimum,
                   flag=share is not None and share < minimum - _EPS)


