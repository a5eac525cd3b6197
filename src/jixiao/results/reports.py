"""What the result pages show, gathered from the restricted querysets in a constant number of queries.

Every function takes the ``user`` and starts from ``Model.objects.restrict(user, ...)``; nothing here writes and
nothing here scores: points earned and available come from the stored results (worked out by the engine when the
cycle was computed), applicability before a result exists, quota limits and rules in words come from the engine.
What is added here is presentation only: grouping, ordering, the traffic-light colours of a share of points.
The one exception, ``result_breakdown``, asks the engine again for what the stored result does not keep (each bonus
and penalty item, the veto items hit), as the explanation does, and gives it only when it agrees with the stored
result.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.collection.models import Target, Value
from jixiao.core.choices import Action
from jixiao.cycles.models import Cycle, Subject
from jixiao.engine import ENGINE_VERSION, Breakdown, Scheme, breakdown, quota_limit, rule_text, subject_points
from jixiao.engine.rules import fraction
from jixiao.engine.scheme import Node
from jixiao.evidence.models import Evidence
from jixiao.results.errors import ComputeInputError
from jixiao.results.models import Result
from jixiao.results.services import score_cycle

#: A node earning at least this share of its points is green, at least YELLOW yellow, else red (红黄绿灯, 001).
GREEN, YELLOW = 0.9, 0.6
STATUS_LABELS = {"green": gettext_lazy("green"), "yellow": gettext_lazy("yellow"), "red": gettext_lazy("red"),
                 "na": gettext_lazy("not applicable")}


def status_of(earned: float | None, available: float) -> str:
    """red / yellow / green by the share of the points earned; "na" when the node does not apply."""
    if available <= 0 or earned is None:
        return "na"
    share = earned / available
    return "green" if share >= GREEN - 1e-9 else "yellow" if share >= YELLOW - 1e-9 else "red"


# ---------------------------------------------------------------------------------------------- points
def applicable_and_available(scheme: Scheme, category: str, result: Any = None,
                             present: Collection[str] | None = None) -> tuple[dict[str, bool], dict[str, float]]:
    """Per node: does it apply to the subject, and how many points is it worth. From the stored result when there
    is one (what the engine worked out at compute time), else from the engine for a subject of ``category`` whose
    indicators in ``present`` have a value."""
    if result is not None and result.available:
        points: Mapping[str, Any] = result.points
        applicable = {c: p is not None and not (isinstance(p, float) and math.isnan(p)) for c, p in points.items()}
        return applicable, {c: float(a or 0.0) for c, a in result.available.items()}
    nodes = subject_points(scheme, category, present)
    return {c: app for c, (app, _a) in nodes.items()}, {c: (a if app else 0.0) for c, (app, a) in nodes.items()}


class AvailableCache:
    """Points available per category before any result: a few categories cover thousands of units."""

    def __init__(self, scheme: Scheme) -> None:
        self.scheme = scheme
        self._cache: dict[str, tuple[dict[str, bool], dict[str, float]]] = {}

    def for_category(self, category: str) -> tuple[dict[str, bool], dict[str, float]]:
        if category not in self._cache:
            self._cache[category] = applicable_and_available(self.scheme, category)
        return self._cache[category]


def fraction_of(node: Node, value: float, points: float, floor: float | None = None,
                target: float | None = None) -> float:
    """The engine's fraction f for one value of an indicator (the data-entry preview asks the engine's own rule)."""
    assert node.rule is not None
    v = np.array([value], dtype=float)
    f = fraction(node.rule, v, np.array([points], dtype=float),
                 None if floor is None else np.array([floor], dtype=float),
                 None if target is None else np.array([target], dtype=float))
    out = float(f[0])
    return 0.0 if math.isnan(out) else out


def rule_in_words(node: Node, lang: str, floor: float | None = None, target: float | None = None) -> str:
    """The node's rule in plain words, from the engine (the one text of each rule)."""
    return rule_text(node.rule, node.unit, floor, target, lang=lang)


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
    available: dict[str, Any] = field(default_factory=dict)


RESULT_FIELDS = ("subject_id", "subject__unit_id", "subject__code", "subject__name", "subject__category", "total",
                 "rank", "grade", "flags", "points", "available")


def result_rows(user: Any, cycle: Cycle) -> list[ResultRow]:
    """The cycle's results the user may see, best first within each category: one query."""
    qs = (Result.objects.restrict(user, Action.VIEW).filter(cycle=cycle)
          .order_by("subject__category", "rank", "subject__code").values_list(*RESULT_FIELDS))
    return [ResultRow(*row) for row in qs]


def quota_table(scheme: Scheme, rows: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """Per ranking population and grade: how many units got it and the most its quota admits (the engine's
    ``quota_limit``). ``rows`` are (category, grade) of every result of the cycle."""
    pops: dict[str, list[str]] = defaultdict(list)
    for category, grade in rows:
        pops[category if scheme.ranking == "category" else _("all")].append(grade)
    out = []
    for pop, grades in sorted(pops.items()):
        n = len(grades)
        counts = Counter(grades)
        for g in scheme.grades:
            limit = quota_limit(g.quota, n) if g.quota is not None else None
            out.append({"population": pop, "grade": g.name, "count": counts.get(g.name, 0), "n": n,
                        "share": counts.get(g.name, 0) / n if n else 0.0, "quota": g.quota, "limit": limit})
    return out


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


def overview(user: Any, cycle: Cycle) -> Overview:
    """Everything of the office's overview: five queries whatever the number of units."""
    scheme = cycle.scheme.engine
    results = result_rows(user, cycle)
    measured = [leaf.code for leaf in scheme.measured_leaves]
    subjects = list(Subject.objects.restrict(user, Action.VIEW).filter(cycle=cycle)
                    .values_list("pk", "code", "name", "category"))
    entered = dict(Value.objects.restrict(user, Action.VIEW).filter(cycle=cycle, indicator__in=measured)
                   .values("subject_id").annotate(n=Count("id")).values_list("subject_id", "n"))
    by_cat = AvailableCache(scheme)
    completeness = []
    for pk, code, name, cat in subjects:
        applicable = by_cat.for_category(cat)[0]
        expected = sum(1 for c in measured if applicable.get(c, True))
        completeness.append((code, name, cat, min(entered.get(pk, 0), expected), expected))
    completeness.sort(key=lambda r: (r[3] / r[4] if r[4] else 1.0, r[0]))
    complete = sum(1 for r in completeness if r[3] >= r[4])

    top = [n.code for n in scheme.tree]
    heat_rows = sorted(results, key=lambda r: -r.total)
    z = []
    for r in heat_rows:
        avail = r.available or by_cat.for_category(r.category)[1]
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
    return Overview(cycle, previous, results, len(subjects), complete, completeness,
                    quota_table(scheme, [(r.category, r.grade) for r in results]), heat, changes, dict(by_category))


# ---------------------------------------------------------------------------------------------- breakdown
#: Breakdowns are kept per computation of a cycle (a recompute changes the key), a day at most.
BREAKDOWN_SECONDS = 24 * 3600


def result_breakdown(cycle: Cycle, result: Result, code: str) -> Breakdown | None:
    """A stored result as lines that add up to its total (总分构成: first-level nodes, each bonus and penalty item,
    the part above a cap) and the reasons for its grade (the veto items hit, a full quota), all from the engine.

    The stored result keeps the points of each node but not each bonus, penalty and veto item, so the engine
    scores the cycle's data again, as for the explanation (得分说明); the breakdowns of the whole cycle are then
    cached until it is recomputed. None while the results are out of date, or if the engine's figures for the
    unit differ from the stored ones in any way (total, rank or grade): a page never shows lines that do not add
    up to the published total. ``code`` is the result's subject code."""
    if cycle.computed_at is None or cycle.results_stale:
        return None
    prefix = f"breakdown:{ENGINE_VERSION}:{cycle.pk}:{cycle.computed_at.timestamp()}:{cycle.computed_version}:"
    made: Breakdown | None = cache.get(prefix + code)
    if made is None:
        try:
            _subjects, scored = score_cycle(cycle)
        except ComputeInputError:
            return None
        everyone = {c: breakdown(scored, c) for c in scored.population.codes.tolist()}
        cache.set_many({prefix + c: b for c, b in everyone.items()}, BREAKDOWN_SECONDS)
        made = everyone.get(code)
    if made is None or not math.isclose(made.total, result.total, rel_tol=0, abs_tol=1e-9) \
            or made.rank != result.rank or made.grade != result.grade:
        return None
    return made


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


def scorecard(user: Any, subject: Subject, lang: str) -> Scorecard:
    """A subject's scorecard: its result (if the user may see one), every node with value, target, points and
    status, adjustments, and the subject's unit over the cycles: five queries."""
    cycle = subject.cycle
    scheme = cycle.scheme.engine
    result = Result.objects.restrict(user, Action.VIEW).filter(subject=subject).first()
    values = {v.indicator: v for v in Value.objects.restrict(user, Action.VIEW).filter(subject=subject)}
    targets = {t.indicator: t for t in Target.objects.restrict(user, Action.VIEW).filter(subject=subject)}
    files = dict(Evidence.objects.restrict(user, Action.VIEW).filter(subject=subject, replaced_at__isnull=True)
                 .values_list("indicator", "name"))
    points = result.points if result is not None else {}
    app, avail = applicable_and_available(scheme, subject.category, result, present=set(values))
    lines: list[NodeLine] = []

    def walk(nodes: Iterable[Node], depth: int) -> None:
        for n in nodes:
            t = targets.get(n.code)
            fl = t.floor if t is not None and t.floor is not None else (n.rule.floor if n.rule else None)
            tg = t.target if t is not None and t.target is not None else (n.rule.target if n.rule else None)
            v = values.get(n.code)
            earned = points.get(n.code) if result is not None else None
            applies = app.get(n.code, True)
            a = avail.get(n.code, 0.0) if applies else 0.0
            lines.append(NodeLine(n, depth, v.value if v else None, fl, tg, t is not None, earned, a,
                                  status_of(earned, a) if applies else "na", rule_in_words(n, lang, fl, tg),
                                  files.get(n.code, "")))
            if n.children:
                walk(n.children, depth + 1)

    walk(scheme.tree, 0)
    adjustments = [(code, scheme.item_name(code), values[code].value)
                   for code in (*scheme.bonus.codes, *scheme.penalty.codes, *scheme.veto.codes) if code in values]
    population = 0
    if result is not None:
        pop = Result.objects.restrict(user, Action.VIEW).filter(cycle=cycle)
        if scheme.ranking == "category":
            pop = pop.filter(subject__category=subject.category)
        population = pop.count()
    return Scorecard(subject, result, lines, adjustments, history(user, subject), population)


def history(user: Any, subject: Subject) -> list[tuple[Cycle, float, int, str]]:
    """The subject's unit over the cycles the user may see results of."""
    rows = (Result.objects.restrict(user, Action.VIEW).filter(subject__unit_id=subject.unit_id)
            .select_related("cycle").order_by("cycle__year", "cycle__period_number"))
    return [(r.cycle, r.total, r.rank, r.grade) for r in rows.only("cycle", "total", "rank", "grade", "subject")]
