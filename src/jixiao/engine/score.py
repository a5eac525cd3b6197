"""The strict core: score a population of subjects against a scheme.

Everything is an array over subjects; the only Python loops are over tree nodes and grades.

Points. The root holds ``scale`` points. A node holds its parent's points x its weight / the sum of
the weights of its applicable siblings. A node is applicable to a subject when its ``only`` list is
absent or holds the subject's category and, for a group, at least one child is applicable; with
``missing: exclude`` an indicator without a value is not applicable either. An indicator earns
points x f (``rules``); a group earns the sum of its children.

Total. total = tree points + min(sum bonus, bonus cap) - min(sum penalty, penalty cap), not below 0;
then rank and grade within the ranking population (``grading``).

>>> from jixiao.engine.validation import parse_scheme
>>> s = parse_scheme({"id": "d", "name": "D", "tree": [
...     {"code": "A", "name": "a", "weight": 3, "rule": {"type": "ratio", "target": 100}},
...     {"code": "B", "name": "b", "weight": 1, "only": ["X"], "rule": {"type": "ratio", "target": 100}}],
...     "grades": [{"name": "ok", "min": 0}]})
>>> pop = Population.build(s, ["u1", "u2"], ["U1", "U2"], ["X", "Y"],
...     values=np.array([[50.0, 100.0], [50.0, np.nan]]))
>>> r = score(s, pop)
>>> r.total.tolist()         # u1: 75 x 0.5 + 25 x 1; u2 is not in category X so A holds all 100 points
[62.5, 50.0]
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from jixiao.engine import rules
from jixiao.engine.grading import GradeSpec, Grading, assign_grades, rank_within, sort_population
from jixiao.engine.scheme import Node, Scheme

Float = NDArray[np.float64]
Bool = NDArray[np.bool_]
Int = NDArray[np.int64]

ENGINE_VERSION = "1.0"


@dataclass(frozen=True)
class Population:
    """The subjects (被考核对象) of one scoring run and their data, as arrays.

    ``codes``, ``names`` and ``categories``: the subjects' text, as arrays of ``str``. ``values``: subjects x
    ``scheme.value_codes`` (measured indicators, bonus, penalty, veto), NaN where there is no value.
    ``ratings``: for each rating indicator, subjects x its rater groups (in the rule's order), the group's mean
    after trimming, NaN where the group gave none. ``floors`` / ``targets``: per-subject negotiated values for an
    indicator (NaN = the scheme's).

    The text is kept as it was given (``text``: "unit", "name", "category", each an array or, from the input
    tables, a Polars column) and turned into arrays of ``str`` only when asked for: a file of a million units is
    read, scored and written back with its text never leaving Polars.
    """

    text: Mapping[str, Any]
    values: Float
    ratings: Mapping[str, Float] = field(default_factory=dict)
    floors: Mapping[str, Float] = field(default_factory=dict)
    targets: Mapping[str, Float] = field(default_factory=dict)
    rating_counts: Mapping[str, NDArray[np.int64]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return int(self.values.shape[0])

    @cached_property
    def codes(self) -> NDArray[np.object_]:
        return _objects(self.text["unit"])

    @cached_property
    def names(self) -> NDArray[np.object_]:
        return _objects(self.text["name"])

    @cached_property
    def categories(self) -> NDArray[np.object_]:
        return _objects(self.text["category"])

    @classmethod
    def build(cls, scheme: Scheme, codes: Sequence[str], names: Sequence[str], categories: Sequence[str],
              values: Float | None = None, ratings: Mapping[str, Float] | None = None,
              floors: Mapping[str, Float] | None = None,
              targets: Mapping[str, Float] | None = None) -> Population:
        """A convenience constructor from plain sequences (no values means all missing)."""
        n = len(codes)
        if values is None:
            values = np.full((n, len(scheme.value_codes)), np.nan)
        text = {"unit": np.asarray(codes, dtype=object), "name": np.asarray(names, dtype=object),
                "category": np.asarray(categories, dtype=object)}
        return cls(text=text, values=np.asarray(values, dtype=np.float64), ratings=dict(ratings or {}),
                   floors=dict(floors or {}), targets=dict(targets or {}))


def _matrix(columns: Sequence[Float], n: int) -> Float:
    """Columns side by side, column-major."""
    out = np.empty((n, len(columns)), order="F")
    for j, column in enumerate(columns):
        out[:, j] = column
    return out


def _objects(column: Any) -> NDArray[np.object_]:
    """An array of ``str`` from an array or a Polars column."""
    if isinstance(column, np.ndarray):
        return column
    return np.array(column.to_list(), dtype=object)


@dataclass(frozen=True)
class ScoreResult:
    """Everything the engine worked out, per subject, ready for a table or an explanation.

    Per node (columns in ``scheme.nodes`` order): ``applicable``, ``available`` points and
    ``earned`` points (NaN where not applicable). Per indicator (``scheme.leaves`` order): the
    ``value`` used (the combined rating for a rating indicator), ``fraction`` f and ``missing``;
    ``floor``/``target`` map an indicator's code to its effective floor and target per subject
    (the scheme's, or a negotiated one). Matrices are column-major: a node's column is contiguous.

    ``value`` and ``fraction`` are kept as one column per indicator (``value_columns``, ``fraction_columns``: a
    measured indicator's values are the population's own column, not a copy) and made into matrices when first
    asked for: a table of a million subjects needs neither.
    """

    scheme: Scheme
    population: Population
    applicable: NDArray[np.bool_]
    available: Float
    earned: Float
    value_columns: tuple[Float, ...]
    fraction_columns: tuple[Float, ...]
    missing: NDArray[np.bool_]
    floor: Mapping[str, Float]
    target: Mapping[str, Float]
    tree_total: Float
    bonus_raw: Float
    bonus: Float
    penalty_raw: Float
    penalty: Float
    total: Float
    vetoed: Bool
    veto_hits: NDArray[np.bool_]
    pop: Int
    pop_names: tuple[str, ...]
    rank: Int
    grading: Grading

    @property
    def grade(self) -> Int:
        return self.grading.grade

    @cached_property
    def value(self) -> Float:
        return _matrix(self.value_columns, self.population.size)

    @cached_property
    def fraction(self) -> Float:
        return _matrix(self.fraction_columns, self.population.size)

    def grade_names(self) -> NDArray[np.object_]:
        names = np.array([g.name for g in self.scheme.grades] + [""], dtype=object)
        return names[self.grading.grade]  # -1 picks the trailing "" (no grade reached)

    def index_of(self, code: str) -> int:
        hits = np.flatnonzero(self.population.codes == code)
        if len(hits) == 0:
            raise KeyError(code)
        return int(hits[0])


def factorize(labels: Any) -> tuple[Int, list[str]]:
    """Integer codes for text labels (an array of ``str`` or a Polars column), numbered in sorted order of the
    labels.

    >>> factorize(np.array(["B", "A", "B"], dtype=object))
    (array([1, 0, 1]), ['A', 'B'])
    """
    import polars as pl  # Polars factorises a million labels far faster than np.unique on objects

    series = pl.Series(labels.tolist(), dtype=pl.String) if isinstance(labels, np.ndarray) \
        else labels.cast(pl.String)
    uniq = series.unique().sort()
    codes = series.cast(pl.Enum(uniq.to_list())).to_physical().cast(pl.Int64).to_numpy()
    return codes, uniq.to_list()


def _category_masks(scheme: Scheme, codes: Int, names: list[str]) -> dict[str, Bool]:
    """For every node with an ``only`` list, which subjects' categories it names (own list only)."""
    out: dict[str, Bool] = {}
    for node in scheme.nodes:
        if node.only is not None:
            lut = np.array([c in node.only for c in names], dtype=bool)
            out[node.code] = lut[codes] if len(names) else np.zeros(0, dtype=bool)
    return out


@dataclass(frozen=True)
class _Columns:
    """Where each node, indicator and value code sits in the result's matrices."""

    node: dict[str, int]
    leaf: dict[str, int]
    value: dict[str, int]

    @classmethod
    def of(cls, scheme: Scheme) -> _Columns:
        return cls(node={node.code: i for i, node in enumerate(scheme.nodes)},
                   leaf={node.code: i for i, node in enumerate(scheme.leaves)},
                   value={code: i for i, code in enumerate(scheme.value_codes)})


def score(scheme: Scheme, pop: Population) -> ScoreResult:
    """Score every subject of ``pop``. See the module docstring for the meaning of each figure."""
    n = pop.size
    cols = _Columns.of(scheme)
    if pop.values.shape != (n, len(scheme.value_codes)):
        raise ValueError(f"values must be {n} x {len(scheme.value_codes)}, not {pop.values.shape}")
    cat_codes, cat_names = factorize(pop.text["category"])
    cat_mask = _category_masks(scheme, cat_codes, cat_names)

    value, floor, target, rating_fraction = _indicator_values(scheme, pop, cols)
    has_value = np.empty((n, len(scheme.leaves)), dtype=bool, order="F")
    for j, column in enumerate(value):
        np.isnan(column, out=has_value[:, j])
    np.logical_not(has_value, out=has_value)
    applicable = _applicability(scheme, cat_mask, has_value, n, cols)
    available = _available_points(scheme, applicable, n, cols)
    fraction, earned, tree_total = _earned_points(scheme, pop, value, floor, target, rating_fraction, available,
                                                  applicable, cols)

    missing = np.empty((n, len(scheme.leaves)), dtype=bool, order="F")
    for j, leaf in enumerate(scheme.leaves):
        missing[:, j] = _ancestry_mask(scheme, leaf, cat_mask, n) & ~has_value[:, j]

    bonus_raw = _adjust_sum(pop, scheme.bonus.codes, cols)
    penalty_raw = _adjust_sum(pop, scheme.penalty.codes, cols)
    bonus = np.minimum(bonus_raw, scheme.bonus.cap)
    penalty = np.minimum(penalty_raw, scheme.penalty.cap)
    total = np.maximum(tree_total + bonus - penalty, 0.0)

    if scheme.veto.codes:
        vv = pop.values[:, [cols.value[c] for c in scheme.veto.codes]]
        veto_hits = ~np.isnan(vv) & (vv != 0)
    else:
        veto_hits = np.zeros((n, 0), dtype=bool)
    vetoed = veto_hits.any(axis=1)

    if scheme.ranking == "all":
        pop_idx = np.zeros(n, dtype=np.int64)
        pop_names: tuple[str, ...] = ("all",)
    else:
        pop_idx, pop_names = cat_codes, tuple(cat_names)
    ordered = sort_population(total, pop_idx)
    rank = rank_within(total, pop_idx, ordered)

    grade_names = [g.name for g in scheme.grades]
    best_allowed = np.zeros(n, dtype=np.int64)
    if scheme.veto.grade is not None:
        best_allowed[vetoed] = grade_names.index(scheme.veto.grade)
    grading = assign_grades(total, pop_idx, [GradeSpec(g.name, g.min, g.quota) for g in scheme.grades],
                            best_allowed, ordered)

    return ScoreResult(scheme=scheme, population=pop, applicable=applicable, available=available,
                       earned=earned, value_columns=value, fraction_columns=fraction, missing=missing, floor=floor,
                       target=target, tree_total=tree_total, bonus_raw=bonus_raw, bonus=bonus,
                       penalty_raw=penalty_raw, penalty=penalty, total=total, vetoed=vetoed,
                       veto_hits=veto_hits, pop=pop_idx, pop_names=pop_names, rank=rank, grading=grading)


def _indicator_values(scheme: Scheme, pop: Population, cols: _Columns
                      ) -> tuple[tuple[Float, ...], dict[str, Float], dict[str, Float], dict[str, Float]]:
    """Per indicator: the value used (the combined rating for a rating indicator; a measured indicator's is the
    population's column itself), the effective floor and target (negotiated where given, else the scheme's), and
    each rating indicator's fraction."""
    n = pop.size
    value: list[Float] = [np.empty(0)] * len(scheme.leaves)
    floor: dict[str, Float] = {}
    target: dict[str, Float] = {}
    for j, leaf in enumerate(scheme.leaves):
        rule = leaf.rule
        assert rule is not None
        if rule.type == "rating":
            continue  # combined below
        value[j] = pop.values[:, cols.value[leaf.code]]
        if rule.floor is not None or leaf.code in pop.floors:
            floor[leaf.code] = _merge(pop.floors.get(leaf.code), rule.floor, n)
        if rule.target is not None or leaf.code in pop.targets:
            target[leaf.code] = _merge(pop.targets.get(leaf.code), rule.target, n)

    rating_fraction: dict[str, Float] = {}
    for leaf in scheme.rating_leaves:
        rule = leaf.rule
        assert rule is not None and rule.scale is not None
        means = pop.ratings.get(leaf.code)
        if means is None:
            means = np.full((n, len(rule.groups)), np.nan)
        combined = rules.combine_groups(means, np.array([w for _, w in rule.groups]))
        rating_fraction[leaf.code] = rules.rating(combined, rule.scale[0], rule.scale[1], rule.cap)
        value[cols.leaf[leaf.code]] = combined
    return tuple(value), floor, target, rating_fraction


def _applicability(scheme: Scheme, cat_mask: Mapping[str, Bool], has_value: NDArray[np.bool_], n: int,
                   cols: _Columns) -> NDArray[np.bool_]:
    """Applicability, bottom-up: a leaf by category (and, under `exclude`, by having a value); a group by
    category and at least one applicable child."""
    applicable = np.zeros((n, len(scheme.nodes)), dtype=bool, order="F")

    def mark(node: Node) -> Bool:
        own = cat_mask.get(node.code, np.ones(n, dtype=bool))
        if node.is_leaf:
            app = own.copy()
            if scheme.missing == "exclude":
                app &= has_value[:, cols.leaf[node.code]]
        else:
            any_child = np.zeros(n, dtype=bool)
            for child in node.children:
                any_child |= mark(child)
            app = own & any_child
        applicable[:, cols.node[node.code]] = app
        return app

    for top in scheme.tree:
        mark(top)
    return applicable


def _available_points(scheme: Scheme, applicable: NDArray[np.bool_], n: int, cols: _Columns) -> Float:
    """Points, top-down: siblings share their parent's points by weight, over those applicable."""
    available = np.zeros((n, len(scheme.nodes)), order="F")

    def share(children: Sequence[Node], parent_points: Float) -> None:
        child_cols = [cols.node[c.code] for c in children]
        denom = np.zeros(n)
        for child, col in zip(children, child_cols, strict=True):
            denom += child.weight * applicable[:, col]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            per_weight = np.where(denom > 0, parent_points / denom, 0.0)
        for child, col in zip(children, child_cols, strict=True):
            # Written in place where the child applies; `available` starts at 0 elsewhere.
            np.multiply(per_weight, child.weight, out=available[:, col], where=applicable[:, col])
            if child.children:
                share(child.children, available[:, col])

    share(scheme.tree, np.full(n, scheme.scale))
    return available


def _earned_points(scheme: Scheme, pop: Population, value: Sequence[Float], floor: Mapping[str, Float],
                   target: Mapping[str, Float], rating_fraction: Mapping[str, Float], available: Float,
                   applicable: NDArray[np.bool_], cols: _Columns) -> tuple[tuple[Float, ...], Float, Float]:
    """Fractions and earned points per indicator, groups as the sum of their children: (each indicator's
    fraction, earned, tree total)."""
    n = pop.size
    fraction: list[Float] = []
    earned = np.empty((n, len(scheme.nodes)), order="F")
    for j, leaf in enumerate(scheme.leaves):
        rule = leaf.rule
        assert rule is not None
        pts = available[:, cols.node[leaf.code]]
        if rule.type == "rating":
            f = rating_fraction[leaf.code]
        else:
            f = rules.fraction(rule, value[j], pts,
                               floor[leaf.code] if leaf.code in pop.floors else None,
                               target[leaf.code] if leaf.code in pop.targets else None)
        fraction.append(f)
        col = cols.node[leaf.code]
        out = earned[:, col]  # filled in place: these columns are large, temporaries are not free
        np.multiply(pts, f, out=out)
        np.copyto(out, 0.0, where=np.isnan(f))  # a missing value earns nothing
        np.copyto(out, np.nan, where=~applicable[:, col])

    def add_up(node: Node) -> Float:
        col = cols.node[node.code]
        if not node.is_leaf:
            acc = np.zeros(n)
            for child in node.children:
                acc += np.nan_to_num(add_up(child), nan=0.0)
            earned[:, col] = np.where(applicable[:, col], acc, np.nan)
        return earned[:, col]

    tree_total = np.zeros(n)
    for top in scheme.tree:
        tree_total += np.nan_to_num(add_up(top), nan=0.0)
    return tuple(fraction), earned, tree_total


def _adjust_sum(pop: Population, codes: tuple[str, ...], cols: _Columns) -> Float:
    """The sum of a subject's bonus (or penalty) values, missing ones counting 0."""
    if not codes:
        return np.zeros(pop.size)
    return np.asarray(np.nansum(pop.values[:, [cols.value[c] for c in codes]], axis=1), dtype=np.float64)


def subject_points(scheme: Scheme, category: str,
                   present: Collection[str] | None = None) -> dict[str, tuple[bool, float]]:
    """For one subject of ``category``: per node code, whether the node applies and the points it is worth
    (0 where it does not apply), as ``score`` works them out (``only`` lists, the renormalisation over
    applicable siblings, and under ``missing: exclude`` the indicators without a value).

    ``present`` holds the codes of the indicators that have a value (for a rating indicator: that has
    ratings); None means all of them. It matters only under ``missing: exclude``. It is worked out by
    scoring a one-subject population, so a page showing the points of a node agrees with the engine.

    >>> from jixiao.engine.testing import scoring_md_scheme
    >>> pts = subject_points(scoring_md_scheme(), "B")   # ONSITE applies only to category A
    >>> pts["ONSITE"], pts["RESP"], pts["CORE"]
    ((False, 0.0), (True, 24.0), (True, 60.0))
    """
    measured = {leaf.code for leaf in scheme.measured_leaves}
    # Any value will do: applicability and points do not depend on it, only on its presence.
    values = np.array([[0.0 if code in measured and (present is None or code in present) else np.nan
                        for code in scheme.value_codes]])
    ratings: dict[str, Float] = {}
    for leaf in scheme.rating_leaves:
        assert leaf.rule is not None and leaf.rule.scale is not None
        means = np.full((1, len(leaf.rule.groups)), np.nan)
        if present is None or leaf.code in present:
            means[0, 0] = leaf.rule.scale[0]
        ratings[leaf.code] = means
    pop = Population.build(scheme, ["subject"], ["subject"], [category], values, ratings)
    r = score(scheme, pop)
    return {node.code: (bool(r.applicable[0, k]), float(r.available[0, k])) for k, node in enumerate(scheme.nodes)}


def _merge(override: Float | None, default: float | None, n: int) -> Float:
    """Per-subject values: the override where given, else the scheme's (a read-only broadcast)."""
    base = np.broadcast_to(np.float64(np.nan if default is None else default), (n,))
    if override is None:
        return base
    return np.where(np.isnan(override), base, override)


def _ancestry_mask(scheme: Scheme, leaf: Node, cat_mask: Mapping[str, Bool], n: int) -> Bool:
    """Whether the leaf and all its ancestors admit the subject's category."""
    path: list[Node] = []

    def find(nodes: Sequence[Node]) -> bool:
        for node in nodes:
            path.append(node)
            if node is leaf or find(node.children):
                return True
            path.pop()
        return False

    find(scheme.tree)
    mask = np.ones(n, dtype=bool)
    for node in path:
        if node.code in cat_mask:
            mask &= cat_mask[node.code]
    return mask
