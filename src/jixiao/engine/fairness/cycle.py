"""The fairness checks of one cycle: the ceiling effect of its indicators, the pressure of its quotas and the bias
of its raters (see the package)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import ArrayLike

from jixiao.engine.fairness.words import (
    CEILING_MIN_UNITS,
    CEILING_SHARE,
    FULL,
    Lang,
    _english,
    _key,
    _num,
    _pct,
)
from jixiao.engine.grading import COMPARE_DECIMALS, quota_limit
from jixiao.engine.raters import LENIENT as RATER_LENIENT

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

