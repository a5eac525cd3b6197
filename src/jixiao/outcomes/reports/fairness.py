"""The fairness checks of a cycle and its history (公平性检查), each with its numbers and a plain sentence, all
computed by the engine (``jixiao.engine.fairness``) from what is stored: the ceiling effect (indicators most units
score full marks on), quota pressure (units a quota kept out of a grade, and how close they were), grade inflation
over the years, rotation of the top grade beyond what the totals explain (轮流坐庄), rater bias (from the
ratings) and the share of indicators renewed against last year's scheme."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from jixiao.cycles.choices import PeriodKind, SubjectKind
from jixiao.cycles.models import Cycle
from jixiao.engine import fairness
from jixiao.outcomes.services.common import grade_names, history
from jixiao.ratings.services import quality
from jixiao.results.models import Result
from jixiao.web.helpers import category_label, engine_lang


@dataclass(frozen=True)
class Check:
    """One check as a page and the report show it: a title, whether it found something, its sentences, and a
    table of its numbers."""

    key: str
    title: str
    flag: bool
    sentences: list[str]
    headers: tuple[str, ...] = ()
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    formats: tuple[str, ...] = ()


def _quota_of(flags: str) -> str:
    """The grade a quota kept the subject out of, from its stored flags (``quota:优秀``); the best one."""
    for part in (flags or "").split(";"):
        key, _sep, names = part.strip().partition(":")
        if key == "quota" and names:
            return names.split(",")[0]
    return ""


def population(cycle: Cycle, category: str) -> str:
    """A ranking population in words: 「A 类」 for a unit category, a post type's name for staff."""
    if cycle.subject_kind == SubjectKind.PERSON:
        return category_label(cycle)(category)
    return _("category {code}").format(code=category)


def _pct(x: float | None) -> float | None:
    return None if x is None else 100 * x


def ceiling_check(cycle: Cycle, lang: fairness.Lang) -> Check:
    scheme = cycle.scheme.engine
    leaves = list(scheme.leaves)
    results = list(Result.objects.filter(cycle=cycle).values_list("points", "available"))
    frac = np.full((len(results), len(leaves)), np.nan)
    for i, (points, available) in enumerate(results):
        for j, leaf in enumerate(leaves):
            a = (available or {}).get(leaf.code)
            p = (points or {}).get(leaf.code)
            if a and p is not None and a > 0:
                frac[i, j] = p / a
    found = fairness.ceiling([leaf.code for leaf in leaves], [leaf.name for leaf in leaves], frac)
    flagged = [c for c in found if c.flag]
    sentences = [c.sentence(lang) for c in flagged] or [_("No indicator has most units at full marks.")]
    rows = [(c.code, c.name, c.applicable, c.at_max, _pct(c.share_at_max), _pct(c.mean), _pct(c.sd))
            for c in sorted(found, key=lambda c: -(c.share_at_max or 0.0)) if c.applicable]
    return Check("ceiling", _("Ceiling effect"), bool(flagged), sentences,
                 (_("code"), _("indicator"), _("units"), _("at full marks"), _("share at full marks (%)"),
                  _("mean score rate (%)"), _("spread (%)")), rows,
                 ("text", "text", "int", "int", "percent", "percent", "percent"))


def quota_check(cycle: Cycle, lang: fairness.Lang) -> Check:
    scheme = cycle.scheme.engine
    rows = [fairness.Standing(r.subject.code, r.subject.name, population(cycle, r.subject.category)
                              if scheme.ranking != "all" else _("all subjects"), r.total, r.grade, _quota_of(r.flags))
            for r in Result.objects.filter(cycle=cycle).select_related("subject")]
    q = fairness.quota_pressure(rows, [(g.name, g.min, g.quota) for g in scheme.grades])
    table = [(k.code, k.name, k.population, k.total, k.grade, k.lowest, k.gap, k.now) for k in q.kept_out]
    return Check("quota", _("Quota pressure"), q.flag, [q.sentence(lang)],
                 (_("code"), _("name"), _("category"), _("total"), _("kept out of"), _("lowest total admitted"),
                  _("short by"), _("grade given")), table,
                 ("text", "text", "text", "number", "text", "number", "number", "text"))


def inflation_check(cycle: Cycle, lang: fairness.Lang, past: dict[int, list[Any]]) -> Check:
    grades = grade_names(cycle)
    by_year = {year: [p.grade for p in items] for year, items in past.items()}
    inf = fairness.inflation(by_year, grades)
    rows = [(y.year, y.n, *[100 * share for share in y.shares]) for y in inf.years]
    return Check("inflation", _("Grade inflation"), inf.flag, [inf.sentence(lang)],
                 (_("year"), _("subjects"), *[_("{grade} (%)").format(grade=g) for g in grades]), rows,
                 ("int", "int", *["percent"] * len(grades)))


def rotation_check(cycle: Cycle, lang: fairness.Lang, past: dict[int, list[Any]]) -> Check:
    top = grade_names(cycle)[0]
    populations = sorted({p.population for items in past.values() for p in items})
    sentences: list[str] = []
    flag = False
    rows: list[tuple[Any, ...]] = []
    for pop in populations:
        # A vetoed subject could not have the top grade whatever its total: it is no rival of those who got it.
        hist = {year: [(p.code, p.total, p.grade) for p in items
                       if p.population == pop and p.total is not None and not p.vetoed]
                for year, items in past.items()}
        hist = {y: v for y, v in hist.items() if v}
        if len(hist) < 2:
            continue
        rot = fairness.rotation(hist, top=top)
        flag |= rot.flag
        sentences.append(f"{population(cycle, pop)}：{rot.sentence(lang)}")
        rows += [(population(cycle, pop), f"{t.previous}—{t.year}", _pct(t.observed), _pct(t.by_totals))
                 for t in rot.turnover]
    if not sentences:
        sentences = [_("Fewer than two years of results: nothing to compare.")]
    return Check("rotation", _("Rotation of the top grade"), flag, sentences,
                 (_("category"), _("years"), _("top grade changed hands (%)"), _("by the totals (%)")), rows,
                 ("text", "text", "percent", "percent"))


def rater_check(cycle: Cycle, lang: fairness.Lang) -> Check:
    summary = fairness.rater_bias_summary(quality(cycle))
    rows = [(g.group, g.raters, g.lenient, g.severe, g.halo, g.far) for g in summary.groups]
    return Check("raters", _("Rater bias"), summary.flag, [summary.sentence(lang)],
                 (_("rater group"), _("raters"), _("lenient"), _("severe"), _("halo"), _("far from the others")),
                 rows, ("text", "int", "int", "int", "int", "int"))


def _leaves(cycle: Cycle) -> list[tuple[str, str, str]]:
    """Each indicator with its rule as written (and its unit): a changed rule or unit is a renewed indicator."""
    scheme = cycle.scheme.engine
    return [(leaf.code, leaf.name, json.dumps([leaf.unit, leaf.rule.to_dict() if leaf.rule else None],
                                              sort_keys=True, ensure_ascii=False)) for leaf in scheme.leaves]


def renewal_check(cycle: Cycle, lang: fairness.Lang) -> Check:
    last = (Cycle.objects.filter(subject_kind=cycle.subject_kind, period_kind=PeriodKind.YEAR, year=cycle.year - 1)
            .select_related("scheme").order_by("-computed_at").first())
    if last is None:
        return Check("renewal", _("Indicators renewed"), False,
                     [_("No cycle of {year} to compare the scheme with.").format(year=cycle.year - 1)])
    ren = fairness.renewal(_leaves(last), _leaves(cycle))
    rows = [(code, _("new or changed")) for code in ren.renewed] + [(code, _("dropped")) for code in ren.dropped]
    return Check("renewal", _("Indicators renewed"), ren.flag, [ren.sentence(lang)],
                 (_("indicator"), _("change")), rows, ("text", "text"))


def fairness_checks(cycle: Cycle) -> list[Check]:
    """All the checks of a cycle with results, in the page's order."""
    lang: fairness.Lang = "en" if engine_lang() == "en" else "zh"
    past = history(cycle)
    return [ceiling_check(cycle, lang), quota_check(cycle, lang), inflation_check(cycle, lang, past),
            rotation_check(cycle, lang, past), rater_check(cycle, lang), renewal_check(cycle, lang)]
