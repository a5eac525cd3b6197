"""Fairness checks (公平性检查) on an assessment cycle and its history, for the office to look at.

Each check returns a frozen dataclass with its numbers, ``flag`` (True when it found something worth a look) and
``sentence(lang)``: one plain sentence with the numbers, in Chinese (``"zh"``, the default) or English (``"en"``).
Shares are kept as fractions (0.7308) and written as percentages with 2 decimals (73.08%); other numbers are
written with at most 2 decimals. No check changes a score.

- **Ceiling** (天花板效应), per indicator: of the ``applicable`` units (the indicator applies to them), ``at_max``
  earned its full points (fraction >= ``full``); ``share_at_max = at_max / applicable``; ``mean`` and ``sd``
  (population standard deviation) of their fractions. Flagged when at least 3 units and ``share_at_max >= share``
  (0.5): most units sit at the maximum and the indicator no longer tells them apart.
- **Quota pressure** (名额压力), per ranking population and grade with a quota: n units, ``limit = floor(quota x n)``
  (as grading counts it), ``given`` (units that got the grade), ``reached`` (units the quota was in play for: those
  given the grade plus those it kept out), ``pressure = reached / limit``; for each unit kept out, its total, the
  lowest total given the grade in its population and the ``gap`` between them (how close it came). Flagged when any
  unit was kept out.
- **Inflation** (等次膨胀), per year: the count and share of each grade, the best grade's share (``top``) and the two
  best grades' (``top_two``). Flagged when ``top`` rose by at least ``rise`` (5 percentage points) from one year on
  record to the next, or the latest year's ``top`` is above ``high`` (30%).
- **Rotation** (轮流坐庄), for each pair of consecutive years on record: the holders H of the top grade (k of them) and
  the k units with the highest totals T (ties at the edge: higher total first, then code A-Z). Only units present
  in both years count: observed turnover = share of last year's holders who lost it, ``|H_prev - H| / |H_prev|``;
  by-totals turnover the same with the T sets. ``mean_excess`` = mean of (observed - by totals) over the pairs
  where both are defined. A holder whose total is below the year's k-th highest total is ``unexplained`` (a lower
  total got the grade while a higher one did not; a veto shows here too). Flagged with at least ``min_years``
  years and a ``mean_excess`` of at least ``excess`` (0.25) or any unexplained holder.
- **Renewal** (指标更新): a this year's indicator is renewed when its code is new or its name or rule changed;
  ``share = renewed / indicators this year``; flagged below ``minimum`` (15%: 浙江 renews at least that much a year).
- **Rater bias** (评价人偏差): the flags of :func:`jixiao.engine.raters.rater_quality` counted overall and per rater
  group, with the most lenient and most severe bias; flagged when any rater is flagged.

>>> r = renewal([("A", "诉求响应率", "linear 80-100"), ("B", "预算执行率", "ratio 100")],
...             [("A", "诉求响应率", "linear 85-100"), ("B", "预算执行率", "ratio 100"), ("C", "办结率", "ratio 100")])
>>> r.renewed, round(r.share, 4), r.flag
(('A', 'C'), 0.6667, False)
>>> r.sentence()
'今年 3 项指标中 2 项为新增或调整（66.67%），达到每年更新 15% 的要求。'
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any, Literal

import numpy as np
import polars as pl
from numpy.typing import ArrayLike

from jixiao.engine.grading import COMPARE_DECIMALS, quota_limit
from jixiao.engine.raters import LENIENT as RATER_LENIENT

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


# Ceiling ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ceiling:
    """One indicator's ceiling check (天花板效应). ``share_at_max``, ``mean`` and ``sd`` are None when the indicator
    applies to no unit."""

    code: str
    name: str
    applicable: int
    at_max: int
    share_at_max: float | None
    mean: float | None
    sd: float | None
    flag: bool

    def sentence(self, lang: Lang = "zh") -> str:
        if _english(lang):
            if self.share_at_max is None:
                return f'"{self.name}" applies to no unit.'
            tail = "; it no longer tells units apart." if self.flag else "."
            return (f'"{self.name}": {self.at_max} of {self.applicable} units ({_pct(self.share_at_max)}) '
                    f"earned full points{tail}")
        if self.share_at_max is None:
            return f"「{self.name}」：没有适用的单位。"
        tail = "，已难以区分单位。" if self.flag else "。"
        return f"「{self.name}」：{self.applicable} 个单位中 {self.at_max} 个（{_pct(self.share_at_max)}）得满分{tail}"


def ceiling(codes: Sequence[str], names: Sequence[str], fractions: ArrayLike, *, share: float = CEILING_SHARE,
            full: float = FULL, min_units: int = CEILING_MIN_UNITS) -> list[Ceiling]:
    """The ceiling check of each indicator, in input order. ``fractions``: units x indicators, the fraction of the
    indicator's points each unit earned, NaN where it does not apply.

    >>> [c.at_max for c in ceiling(["R"], ["诉求响应率"], [[1.0], [1.0], [0.5], [float("nan")]])]
    [2]
    """
    f = np.asarray(fractions, dtype=np.float64)
    if f.ndim != 2 or f.shape[1] != len(codes) or len(names) != len(codes):
        raise ValueError(f"fractions must be units x indicators with one column per code ({len(codes)} codes, "
                         f"{len(names)} names, shape {f.shape})")
    out = []
    for j, (code, name) in enumerate(zip(codes, names, strict=True)):
        col = f[:, j][~np.isnan(f[:, j])]
        n = int(col.size)
        if n == 0:
            out.append(Ceiling(code, name, 0, 0, None, None, None, flag=False))
            continue
        at_max = int(np.count_nonzero(col >= full))
        s = at_max / n
        out.append(Ceiling(code, name, n, at_max, s, float(col.mean()), float(col.std()),
                           flag=n >= min_units and s >= share))
    return out


# Quota pressure -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """A unit's place after grading: its ranking ``population`` (a unit category, or all), ``total``, the ``grade``
    it got, and ``kept_out_of``: the best grade whose minimum it reached but whose quota kept it out ("" if none)."""

    code: str
    name: str
    population: str
    total: float
    grade: str
    kept_out_of: str = ""


@dataclass(frozen=True)
class KeptOut:
    """A unit a quota kept out of ``grade``: ``lowest`` is the lowest total given that grade in its population
    (None when nobody got it, e.g. tied units straddled the quota's edge), ``gap = lowest - total``, ``now`` the
    grade it got instead ("" for none)."""

    code: str
    name: str
    population: str
    grade: str
    total: float
    lowest: float | None
    gap: float | None
    now: str

    def sentence(self, lang: Lang = "zh") -> str:
        if _english(lang):
            where = (f"nobody in {self.population} got it"
                     if self.gap is None or self.lowest is None else
                     f"{_num(self.gap)} below the lowest total given it in {self.population} ({_num(self.lowest)})")
            now = f'; graded "{self.now}"' if self.now else ""
            return (f'"{self.name}" (total {_num(self.total)}) reached "{self.grade}" but the quota kept it out: '
                    f"{where}{now}.")
        where = ("（该等次无人获评）" if self.gap is None or self.lowest is None else
                 f"，比获评者最低分 {_num(self.lowest)} 仅低 {_num(self.gap)} 分")
        now = f"，评为「{self.now}」" if self.now else ""
        return f"「{self.name}」总分 {_num(self.total)}，达到「{self.grade}」分数线但因名额未获评{where}{now}。"


def _closest(kept: Sequence[KeptOut]) -> KeptOut | None:
    """The kept-out unit with the smallest gap (code A-Z among equals); None when no gap is known."""
    known = [k for k in kept if k.gap is not None]
    return min(known, key=lambda k: (k.gap, k.code)) if known else None


@dataclass(frozen=True)
class QuotaUse:
    """One grade's quota in one population: ``n`` units, ``limit`` places, ``reached`` (given + kept out),
    ``given``, the units ``kept_out`` (highest total first) and ``pressure = reached / limit`` (None for limit 0)."""

    population: str
    grade: str
    min: float
    quota: float
    n: int
    limit: int
    reached: int
    given: int
    kept_out: tuple[KeptOut, ...]
    pressure: float | None

    @property
    def closest(self) -> KeptOut | None:
        return _closest(self.kept_out)

    def sentence(self, lang: Lang = "zh") -> str:
        en = _english(lang)
        near, k = self.closest, len(self.kept_out)
        if en:
            head = (f'"{self.grade}" quota: {self.population} has {self.n} units and {self.limit} places, '
                    f"{self.reached} reached {_num(self.min)}")
            if not k:
                return f"{head}, all of them got it." if self.reached else f"{head}."
            tail = (f', the closest ("{near.name}") by only {_num(near.gap)}' if near and near.gap is not None else
                    ", nobody got it (tied units straddled the quota's edge)" if self.given == 0 < self.limit else "")
            return f"{head}, {k} kept out by the quota{tail}."
        head = (f"「{self.grade}」名额：{self.population} {self.n} 个单位限 {self.limit} 个，"
                f"{self.reached} 个达到 {_num(self.min)} 分")
        if not k:
            return f"{head}，均已获评。" if self.reached else f"{head}。"
        tail = (f"，最接近者「{near.name}」仅差 {_num(near.gap)} 分" if near and near.gap is not None else
                "（同分单位跨越名额边界，无人获评）" if self.given == 0 < self.limit else "")
        return f"{head}，{k} 个因名额未获评{tail}。"


@dataclass(frozen=True)
class QuotaPressure:
    """Every quota in every population (populations A-Z, grades best first); ``flag`` when any unit was kept out."""

    quotas: tuple[QuotaUse, ...]
    flag: bool
    standings: tuple[Standing, ...] = field(repr=False, default=())

    @property
    def kept_out(self) -> tuple[KeptOut, ...]:
        return tuple(k for q in self.quotas for k in q.kept_out)

    def sentence(self, lang: Lang = "zh") -> str:
        en = _english(lang)
        if not self.quotas:
            return "No grade has a quota." if en else "没有设名额的等次。"
        live = [q for q in self.quotas if q.reached]
        if len(self.quotas) == 1 or len(live) == 1:
            return (live or list(self.quotas))[0].sentence(lang)
        return _quota_summary_en(self) if en else _quota_summary_zh(self)

    def unit_sentence(self, code: str, lang: Lang = "zh") -> str:
        """The sentence of one unit: why a quota kept it out, or that none did."""
        for k in self.kept_out:
            if k.code == code:
                return k.sentence(lang)
        unit = next((s for s in self.standings if s.code == code), None)
        if unit is None:
            raise KeyError(f"no unit {code!r} in the standings")
        if _english(lang):
            return f'"{unit.name}" (total {_num(unit.total)}) was not kept out of any grade by a quota.'
        return f"「{unit.name}」总分 {_num(unit.total)}，未因名额影响等次。"


def _tightest(p: QuotaPressure) -> QuotaUse | None:
    known = [q for q in p.quotas if q.pressure is not None and q.reached]
    return max(known, key=lambda q: q.pressure or 0.0) if known else None


def _quota_summary_zh(p: QuotaPressure) -> str:
    kept = p.kept_out
    if not kept:
        t = _tightest(p)
        if t is None:
            return "没有单位因名额未获评。"
        return (f"没有单位因名额未获评，最紧的是 {t.population}「{t.grade}」：{t.reached} 个达到 {_num(t.min)} 分，"
                f"限 {t.limit} 个。")
    parts = "、".join(f"{q.population}「{q.grade}」{len(q.kept_out)} 个" for q in p.quotas if q.kept_out)
    near = _closest(kept)
    tail = f"，最接近者「{near.name}」仅差 {_num(near.gap)} 分" if near and near.gap is not None else ""
    return f"共 {len(kept)} 个单位因名额未获评（{parts}）{tail}。"


def _quota_summary_en(p: QuotaPressure) -> str:
    kept = p.kept_out
    if not kept:
        t = _tightest(p)
        if t is None:
            return "No unit was kept out by a quota."
        return (f'No unit was kept out by a quota; the tightest is "{t.grade}" in {t.population}: '
                f"{t.reached} reached {_num(t.min)} for {t.limit} places.")
    parts = ", ".join(f'{len(q.kept_out)} of "{q.grade}" in {q.population}' for q in p.quotas if q.kept_out)
    near = _closest(kept)
    tail = f', the closest ("{near.name}") by only {_num(near.gap)}' if near and near.gap is not None else ""
    return f"{len(kept)} units were kept out by a quota ({parts}){tail}."


def _quota_use(population: str, members: Sequence[Standing], grade: str, minimum: float, quota: float) -> QuotaUse:
    n = len(members)
    limit = quota_limit(quota, n)
    given = [r.total for r in members if r.grade == grade]
    lowest = min(given) if given else None
    kept = [KeptOut(r.code, r.name, population, grade, r.total, lowest,
                    None if lowest is None else round(lowest - r.total, COMPARE_DECIMALS), r.grade)
            for r in members if r.kept_out_of == grade]
    kept.sort(key=lambda k: (-_key(k.total), k.code))
    reached = len(given) + len(kept)
    return QuotaUse(population, grade, float(minimum), float(quota), n, limit, reached, len(given), tuple(kept),
                    reached / limit if limit else None)


def quota_pressure(rows: Sequence[Standing], grades: Sequence[tuple[str, float, float | None]]) -> QuotaPressure:
    """How hard each quota pressed on each population (see the module); ``grades`` are ``(name, min, quota or
    None)``, best first.

    >>> rows = [Standing("a", "甲", "A 类", 95, "优秀"), Standing("b", "乙", "A 类", 92, "良好", "优秀"),
    ...         Standing("c", "丙", "A 类", 85, "良好"), Standing("d", "丁", "A 类", 70, "合格")]
    >>> quota_pressure(rows, [("优秀", 90, 0.25), ("良好", 80, None), ("合格", 60, None)]).sentence()
    '「优秀」名额：A 类 4 个单位限 1 个，2 个达到 90 分，1 个因名额未获评，最接近者「乙」仅差 3 分。'
    """
    quota_grades = [(str(name), float(lo), float(q)) for name, lo, q in grades if q is not None]
    known = {name for name, _, _ in quota_grades}
    for r in rows:
        if r.kept_out_of and r.kept_out_of not in known:
            raise ValueError(f"{r.code}: kept out of {r.kept_out_of!r}, which is not a grade with a quota")
    by_population: dict[str, list[Standing]] = defaultdict(list)
    for r in rows:
        by_population[r.population].append(r)
    uses = tuple(_quota_use(pop, by_population[pop], name, lo, q)
                 for pop in sorted(by_population) for name, lo, q in quota_grades)
    return QuotaPressure(uses, any(u.kept_out for u in uses), tuple(rows))


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


# Rater bias ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupBias:
    """The raters of one group and how many carry each flag."""

    group: str
    raters: int
    lenient: int
    severe: int
    halo: int
    far: int


@dataclass(frozen=True)
class Extreme:
    """The rater with the largest (or most negative) ``bias``, a fraction of the scale."""

    rater: str
    group: str
    bias: float

    @property
    def percent(self) -> float:
        """The bias in % of the scale."""
        return self.bias * 100


@dataclass(frozen=True)
class RaterBias:
    """The rater flags counted over distinct raters (a rater counts once however many groups), per group, and
    the most lenient (largest positive bias) and most severe (most negative) rater, None when no rater is."""

    raters: int
    lenient: int
    severe: int
    halo: int
    far: int
    groups: tuple[GroupBias, ...]
    most_lenient: Extreme | None
    most_severe: Extreme | None
    threshold: float
    flag: bool

    def sentence(self, lang: Lang = "zh") -> str:
        return _bias_en(self) if _english(lang) else _bias_zh(self)


def _bias_zh(r: RaterBias) -> str:
    if not r.raters:
        return "没有评价人。"
    words = [(r.lenient, "偏松"), (r.severe, "偏严"), (r.halo, "光环效应"), (r.far, "明显偏离他人")]
    found = "、".join(f"{n} 人{w}" for n, w in words if n)
    head = f"{r.raters} 名评价人中 {found}" if found else f"{r.raters} 名评价人中无人偏松、偏严、光环效应或明显偏离他人"
    ends = []
    if r.most_lenient:
        ends.append(f"最偏松者高出他人平均 {_pct(r.most_lenient.bias)}")
    if r.most_severe:
        ends.append(f"最偏严者低于他人平均 {_pct(-r.most_severe.bias)}")
    line = f"{head}（偏差以 ±{_num(r.threshold * 100)}% 为界）"
    return f"{line}；{'，'.join(ends)}。" if ends else f"{line}。"


def _bias_en(r: RaterBias) -> str:
    if not r.raters:
        return "No raters."
    words = [(r.lenient, "lenient"), (r.severe, "severe"), (r.halo, "with a halo"), (r.far, "far from the others")]
    found = ", ".join(f"{n} {w}" for n, w in words if n)
    head = f"Of {r.raters} raters, {found}" if found else f"Of {r.raters} raters, none is lenient, severe, halo or far"
    ends = []
    if r.most_lenient:
        ends.append(f"the most lenient is {_pct(r.most_lenient.bias)} above the others' mean")
    if r.most_severe:
        ends.append(f"the most severe {_pct(-r.most_severe.bias)} below")
    line = f"{head} (lenient or severe beyond {_num(r.threshold * 100)}% of the scale)"
    return f"{line}; {', '.join(ends)}." if ends else f"{line}."


_FLAGS = ("lenient", "severe", "halo", "far")


def _extreme(rows: Sequence[dict[str, Any]], sign: int) -> Extreme | None:
    side = [(str(row["rater"]), str(row["group"]), float(b)) for row in rows
            if isinstance(b := row["bias"], (int, float)) and b * sign > 0]
    if not side:
        return None
    rater, group, bias = min(side, key=lambda s: (-sign * s[2], s[0], s[1]))
    return Extreme(rater, group, bias)


def rater_bias_summary(rows: pl.DataFrame, *, lenient: float = RATER_LENIENT) -> RaterBias:
    """The output of :func:`jixiao.engine.raters.rater_quality` in numbers and a sentence. The counts are its flags
    (it decides who is lenient); ``lenient`` is the threshold it was run with, named in the sentence."""
    missing = [c for c in ("rater", "group", "bias", "flags") if c not in rows.columns]
    if missing:
        raise ValueError(f"not a rater_quality table: no column {missing[0]!r}")
    records = rows.select("rater", "group", "bias", "flags").to_dicts()
    flagged: dict[str, set[str]] = {f: set() for f in _FLAGS}
    per_group: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in records:
        per_group[str(row["group"])].append(row)
        for f in row["flags"] or []:
            flagged[f].add(str(row["rater"]))
    groups = tuple(GroupBias(g, len(rs), *(sum(1 for r in rs if f in (r["flags"] or [])) for f in _FLAGS))
                   for g, rs in sorted(per_group.items()))
    le, se, ha, fa = (len(flagged[f]) for f in _FLAGS)
    return RaterBias(len({str(r["rater"]) for r in records}), le, se, ha, fa, groups, _extreme(records, 1),
                     _extreme(records, -1), lenient, flag=any((le, se, ha, fa)))
