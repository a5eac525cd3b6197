"""What the pages show, worked out from the restricted querysets in a constant number of queries.

Every function takes the ``user`` and starts from ``Model.objects.restrict(user, ...)``; nothing here writes.
Per-unit work (points available, heat-map cells) is done in Python over rows fetched in one query each, so the
number of queries of a page does not grow with the number of units.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from statistics import median
from typing import Any

import numpy as np
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.collection.models import Target, Value
from jixiao.core.choices import Action
from jixiao.cycles.models import Cycle, Subject
from jixiao.engine import Scheme
from jixiao.engine.rules import fraction
from jixiao.engine.scheme import Node, Rule
from jixiao.results.models import Result

#: A node earning at least this share of its points is green, at least YELLOW yellow, else red (红黄绿灯, 001).
GREEN, YELLOW = 0.9, 0.6
STATUS_LABELS = {"green": gettext_lazy("green"), "yellow": gettext_lazy("yellow"), "red": gettext_lazy("red"),
                 "na": gettext_lazy("not applicable")}


# ---------------------------------------------------------------------------------------------- schemes
_ENGINES: dict[tuple[int, int], Scheme] = {}


def attach_engine(scheme: Any) -> Any:
    """Give a stored scheme its parsed engine scheme from a per-process cache. Parsing and validating the
    YAML costs ~15 ms, a third of a page; a stored scheme is never edited (a change is a new version), and
    the key includes the definition's hash anyway."""
    key = (scheme.pk, hash(scheme.definition))
    engine = _ENGINES.get(key)
    if engine is None:
        if len(_ENGINES) > 256:
            _ENGINES.clear()
        engine = _ENGINES[key] = scheme.engine
    else:
        scheme.__dict__["engine"] = engine  # what the cached_property would have stored
    return scheme


# ---------------------------------------------------------------------------------------------- points
def points_available(scheme: Scheme, applicable: Mapping[str, bool]) -> dict[str, float]:
    """The points each node is worth for one subject (SCORING.md, Points): the root has ``scale`` points and a
    node gets its parent's points x its weight / the sum of its applicable siblings' weights.
    ``applicable`` says per node code whether it applies (missing codes count as applicable)."""
    out: dict[str, float] = {}

    def share(nodes: Iterable[Node], points: float) -> None:
        live = [n for n in nodes if applicable.get(n.code, True)]
        total = sum(n.weight for n in live)
        for n in nodes:
            if n not in live or total <= 0:
                out[n.code] = 0.0
                continue
            out[n.code] = points * n.weight / total
            if n.children:
                share(n.children, out[n.code])

    share(scheme.tree, scheme.scale)
    return out


def applicable_by_category(scheme: Scheme, category: str) -> dict[str, bool]:
    """Which nodes apply to a category (``only`` lists), before any value is known."""
    out: dict[str, bool] = {}

    def walk(node: Node) -> bool:
        ok = node.only is None or category in node.only
        if node.children:
            kids = [walk(c) for c in node.children]
            ok = ok and any(kids)
        out[node.code] = ok
        return ok

    for n in scheme.tree:
        walk(n)
    return out


def applicable_from_points(points: Mapping[str, Any]) -> dict[str, bool]:
    """The engine stores no points (null) for an inapplicable node: the stored result tells applicability."""
    return {code: p is not None and not (isinstance(p, float) and math.isnan(p)) for code, p in points.items()}


class AvailableCache:
    """Points available per distinct applicability pattern: a few patterns cover thousands of units."""

    def __init__(self, scheme: Scheme) -> None:
        self.scheme = scheme
        self._cache: dict[tuple[str, ...], dict[str, float]] = {}

    def for_points(self, points: Mapping[str, Any]) -> dict[str, float]:
        app = applicable_from_points(points)
        key = tuple(sorted(c for c, ok in app.items() if not ok))
        if key not in self._cache:
            self._cache[key] = points_available(self.scheme, app)
        return self._cache[key]


def status_of(earned: float | None, available: float) -> str:
    """red / yellow / green by the share of the points earned; "na" when the node does not apply."""
    if available <= 0 or earned is None:
        return "na"
    share = earned / available
    return "green" if share >= GREEN - 1e-9 else "yellow" if share >= YELLOW - 1e-9 else "red"


# ---------------------------------------------------------------------------------------------- rules in words
def _num(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def rule_text(rule: Rule | None, unit: str | None = None, floor: float | None = None,
              target: float | None = None) -> str:
    """A rule in plain words, in the active language (the effective floor and target may be negotiated)."""
    if rule is None:
        return _("Sum of the points of the indicators below.")
    u = unit or ""
    fl = floor if floor is not None else rule.floor
    tg = target if target is not None else rule.target
    lower = rule.direction == "lower" or (fl is not None and tg is not None and tg < fl)
    p = {"floor": _num(fl), "target": _num(tg), "unit": u, "per": _num(rule.per), "partial": _num(rule.partial * 100)}
    if rule.type == "linear":
        text = (_("Full points at %(target)s%(unit)s or less, none at %(floor)s%(unit)s or more, "
                  "in proportion between.") if lower else
                _("Full points at %(target)s%(unit)s or more, none at %(floor)s%(unit)s or less, "
                  "in proportion between.")) % p
    elif rule.type == "ratio":
        text = (_("Points in proportion to target / value: %(target)s%(unit)s or less earns full points.") if lower
                else _("Points in proportion to value / target: %(target)s%(unit)s earns full points.")) % p
    elif rule.type == "threshold":
        text = (_("Full points at %(target)s%(unit)s or less; otherwise %(partial)s%% of the points.") if lower
                else _("Full points at %(target)s%(unit)s or more; otherwise %(partial)s%% of the points.")) % p
    elif rule.type == "bands":
        sign = "≤" if rule.direction == "lower" else "≥"
        steps = "; ".join(f"{sign} {_num(b.limit)}{u}: {_num(b.score * 100)}%" for b in rule.bands)
        text = _("Steps: %(steps)s; otherwise %(otherwise)s%%.") % {"steps": steps,
                                                                      "otherwise": _num(rule.otherwise * 100)}
    elif rule.type == "deduction":
        text = _("Loses %(per)s points per incident, down to 0.") % p
    elif rule.type == "rating":
        groups = ", ".join(f"{g} {_num(w * 100)}%" for g, w in rule.groups)
        lo, hi = rule.scale or (0, 100)
        text = _("Mean rating on a scale of %(lo)s to %(hi)s, by rater group (%(groups)s)") % {
            "lo": _num(lo), "hi": _num(hi), "groups": groups}
        if rule.trim:
            text += _("; the %(n)s highest and lowest ratings of each group are dropped") % {"n": rule.trim}
        text += "."
    elif rule.type == "points":
        text = _("Points awarded by an expert: the value is the points earned.")
    else:
        text = rule.type
    if rule.cap != 1.0:
        text += " " + _("Over-achievement counts up to %(cap)s%% of the points.") % {"cap": _num(rule.cap * 100)}
    return text


def fraction_of(rule: Rule, value: float, points: float, floor: float | None = None,
                target: float | None = None) -> float:
    """The engine's fraction f for one value (the data-entry preview uses the engine's own rule)."""
    v = np.array([value], dtype=float)
    f = fraction(rule, v, np.array([points], dtype=float),
                 None if floor is None else np.array([floor], dtype=float),
                 None if target is None else np.array([target], dtype=float))
    out = float(f[0])
    return 0.0 if math.isnan(out) else out


# ---------------------------------------------------------------------------------------------- cycles
def previous_cycle(user: Any, cycle: Cycle) -> Cycle | None:
    """The last cycle before this one (same period kind) that the user may see."""
    earlier = Q(year__lt=cycle.year) | Q(year=cycle.year, period_number__lt=cycle.period_number)
    return (Cycle.objects.restrict(user, Action.VIEW).filter(earlier, period_kind=cycle.period_kind)
            .exclude(pk=cycle.pk).order_by("-year", "-period_number").first())


@dataclass
class ResultRow:
    subject_id: int
    unit_id: int
    code: str
    name: str
    category: str
    total: float
    rank: int
    grade: str
    flags: str
    points: dict[str, Any]


RESULT_FIELDS = ("subject_id", "subject__unit_id", "subject__code", "subject__name", "subject__category", "total",
                 "rank", "grade", "flags", "points")


def result_rows(user: Any, cycle: Cycle) -> list[ResultRow]:
    """The cycle's results the user may see, best first within each category: one query."""
    qs = (Result.objects.restrict(user, Action.VIEW).filter(cycle=cycle)
          .order_by("subject__category", "rank", "subject__code").values_list(*RESULT_FIELDS))
    return [ResultRow(*row) for row in qs]


@dataclass
class Overview:
    cycle: Cycle
    previous: Cycle | None
    results: list[ResultRow]
    subjects: int
    complete: int
    completeness: list[tuple[str, str, str, int, int]]  # code, name, category, entered, expected
    grades: list[dict[str, Any]]
    heat: dict[str, Any]
    changes: list[dict[str, Any]]
    by_category: dict[str, list[ResultRow]] = field(default_factory=dict)


def quota_table(scheme: Scheme, results: list[ResultRow]) -> list[dict[str, Any]]:
    """Per ranking population and grade: how many units got it and the most its quota admits."""
    pops: dict[str, list[ResultRow]] = defaultdict(list)
    for r in results:
        pops[r.category if scheme.ranking == "category" else _("all")].append(r)
    rows = []
    for pop, members in sorted(pops.items()):
        n = len(members)
        counts = Counter(r.grade for r in members)
        for g in scheme.grades:
            limit = math.floor(g.quota * n + 1e-9) if g.quota is not None else None
            rows.append({"population": pop, "grade": g.name, "count": counts.get(g.name, 0), "n": n,
                         "share": counts.get(g.name, 0) / n if n else 0.0, "quota": g.quota, "limit": limit})
    return rows


def overview(user: Any, cycle: Cycle) -> Overview:
    """Everything of the office's overview: five queries whatever the number of units."""
    scheme = cycle.scheme.engine
    results = result_rows(user, cycle)
    measured = [leaf.code for leaf in scheme.measured_leaves]
    subjects = list(Subject.objects.restrict(user, Action.VIEW).filter(cycle=cycle)
                    .values_list("pk", "code", "name", "category"))
    entered = dict(Value.objects.restrict(user, Action.VIEW).filter(cycle=cycle, indicator__in=measured)
                   .values("subject_id").annotate(n=Count("id")).values_list("subject_id", "n"))
    expected_by_cat: dict[str, int] = {}
    completeness = []
    for pk, code, name, cat in subjects:
        if cat not in expected_by_cat:
            app = applicable_by_category(scheme, cat)
            expected_by_cat[cat] = sum(1 for c in measured if app.get(c, True))
        completeness.append((code, name, cat, min(entered.get(pk, 0), expected_by_cat[cat]), expected_by_cat[cat]))
    completeness.sort(key=lambda r: (r[3] / r[4] if r[4] else 1.0, r[0]))
    complete = sum(1 for r in completeness if r[3] >= r[4])

    cache = AvailableCache(scheme)
    top = [n.code for n in scheme.tree]
    heat_rows = sorted(results, key=lambda r: -r.total)
    z = []
    for r in heat_rows:
        avail = cache.for_points(r.points)
        z.append([round(100 * (r.points.get(c) or 0) / avail[c], 1) if avail.get(c) else None for c in top])
    heat = {"x": [f"{n.name}" for n in scheme.tree], "y": [r.name for r in heat_rows], "z": z,
            "codes": [r.code for r in heat_rows]}

    previous = previous_cycle(user, cycle)
    changes = []
    if previous is not None:
        before = {u: (t, rk, g) for u, t, rk, g in Result.objects.restrict(user, Action.VIEW)
                  .filter(cycle=previous).values_list("subject__unit_id", "total", "rank", "grade")}
        for r in results:
            if r.unit_id in before:
                t, rk, g = before[r.unit_id]
                changes.append({"row": r, "before": t, "delta": r.total - t, "rank_before": rk, "grade_before": g})
        changes.sort(key=lambda c: -c["delta"])
    by_category: dict[str, list[ResultRow]] = defaultdict(list)
    for r in results:
        by_category[r.category].append(r)
    return Overview(cycle, previous, results, len(subjects), complete, completeness, quota_table(scheme, results),
                    heat, changes, dict(by_category))


# ---------------------------------------------------------------------------------------------- scorecard
@dataclass
class NodeLine:
    node: Node
    depth: int
    value: float | None
    floor: float | None
    target: float | None
    negotiated: bool
    earned: float | None
    available: float
    status: str
    rule: str
    evidence: str = ""


@dataclass
class Scorecard:
    subject: Subject
    result: Result | None
    lines: list[NodeLine]
    adjustments: list[tuple[str, str, float]]
    history: list[tuple[Cycle, float, int, str]]
    population: int


def scorecard(user: Any, subject: Subject) -> Scorecard:
    """A subject's scorecard: its result (if the user may see one), every node with value, target, points and
    status, adjustments, and the subject's unit over the cycles: five queries."""
    cycle = subject.cycle
    scheme = cycle.scheme.engine
    result = Result.objects.restrict(user, Action.VIEW).filter(subject=subject).first()
    values = {v.indicator: v for v in Value.objects.restrict(user, Action.VIEW).filter(subject=subject)}
    targets = {t.indicator: t for t in Target.objects.restrict(user, Action.VIEW).filter(subject=subject)}
    points = result.points if result is not None else {}
    app = applicable_from_points(points) if result is not None else applicable_by_category(scheme, subject.category)
    avail = points_available(scheme, app)
    lines: list[NodeLine] = []

    def walk(nodes: Iterable[Node], depth: int) -> None:
        for n in nodes:
            t = targets.get(n.code)
            fl = t.floor if t is not None and t.floor is not None else (n.rule.floor if n.rule else None)
            tg = t.target if t is not None and t.target is not None else (n.rule.target if n.rule else None)
            v = values.get(n.code)
            earned = points.get(n.code) if result is not None else None
            a = avail.get(n.code, 0.0) if app.get(n.code, True) else 0.0
            lines.append(NodeLine(n, depth, v.value if v else None, fl, tg, t is not None, earned, a,
                                  status_of(earned, a) if app.get(n.code, True) else "na",
                                  rule_text(n.rule, n.unit, fl, tg), v.evidence.name if v and v.evidence else ""))
            if n.children:
                walk(n.children, depth + 1)

    walk(scheme.tree, 0)
    adjustments = [(code, scheme.item_name(code), values[code].value)
                   for code in (*scheme.bonus.codes, *scheme.penalty.codes, *scheme.veto.codes) if code in values]
    history = [(c, t, rk, g) for c, t, rk, g in _history(user, subject)]
    population = 0
    if result is not None:
        pop = Result.objects.restrict(user, Action.VIEW).filter(cycle=cycle)
        if scheme.ranking == "category":
            pop = pop.filter(subject__category=subject.category)
        population = pop.count()
    return Scorecard(subject, result, lines, adjustments, history, population)


def _history(user: Any, subject: Subject) -> list[tuple[Cycle, float, int, str]]:
    rows = (Result.objects.restrict(user, Action.VIEW).filter(subject__unit_id=subject.unit_id)
            .select_related("cycle").order_by("cycle__year", "cycle__period_number"))
    return [(r.cycle, r.total, r.rank, r.grade) for r in rows.only("cycle", "total", "rank", "grade", "subject")]


# ---------------------------------------------------------------------------------------------- indicators
@dataclass
class IndicatorStats:
    node: Node
    rows: list[tuple[str, str, str, float]]  # subject code, name, category, value
    n: int
    mean: float | None
    median: float | None
    q1: float | None
    q3: float | None
    outliers: list[tuple[str, str, str, float, str]]  # ... and why
    missing: int


def indicator_stats_of(node: Node, rows: list[tuple[str, str, str, float]], n_expected: int) -> IndicatorStats:
    """The distribution of an indicator's numbers (values, or points for a rating) across units, with the
    outliers by Tukey's fences (below Q1 - 1.5 IQR or above Q3 + 1.5 IQR)."""
    vals = np.array([r[3] for r in rows], dtype=float)
    if len(vals) == 0:
        return IndicatorStats(node, [], 0, None, None, None, None, [], n_expected)
    q1, q3 = (float(x) for x in np.percentile(vals, [25, 75]))
    iqr = q3 - q1
    lo, hi = q1 - 1.5 * iqr, q3 + 1.5 * iqr
    outliers = [(*r, _("low") if r[3] < lo else _("high")) for r in rows if r[3] < lo or r[3] > hi]
    return IndicatorStats(node, rows, len(rows), float(vals.mean()), float(median(vals.tolist())), q1, q3, outliers,
                          max(0, n_expected - len(rows)))
