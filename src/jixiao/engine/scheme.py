"""The scheme (考核方案): a validated, immutable description of how subjects are scored.

These are the types; ``jixiao.engine.validation.parse_scheme`` builds them from the plain mapping read
from a scheme file (see ``docs/scoring.md``), refusing a wrong scheme with every problem by its place.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from jixiao.engine.anonymity import Anonymity

RULE_TYPES = ("linear", "ratio", "threshold", "bands", "deduction", "rating", "points")
DIRECTIONS = ("higher", "lower")
MISSING_POLICIES = ("zero", "exclude")
RANKINGS = ("category", "all")
INDICATOR_KINDS = ("result", "process", "constraint", "negative", "bonus")
DATA_SOURCES = ("manual", "import", "api", "survey", "complaints")
#: Column names of the score table; a node code may not take one of them.
RESERVED_CODES = frozenset({"unit", "name", "category", "total", "rank", "grade", "flags"})
@dataclass(frozen=True)
class Band:
    """One step of a behaviourally anchored scale: a value meeting ``limit`` earns ``score``."""

    limit: float
    score: float


@dataclass(frozen=True)
class Anchor:
    """A behaviour-anchored level of a rating scale (行为锚定): what a rater must have seen to give ``score``,
    e.g. "arrives within 1 h" = 5."""

    score: float
    text: str


@dataclass(frozen=True)
class Rule:
    """A scoring rule (评分规则): how an indicator's value becomes the fraction f of its points."""

    type: str
    direction: str = "higher"
    cap: float = 1.0
    floor: float | None = None
    target: float | None = None
    partial: float = 0.0
    bands: tuple[Band, ...] = ()
    otherwise: float = 0.0
    per: float | None = None
    scale: tuple[float, float] | None = None
    groups: tuple[tuple[str, float], ...] = ()
    trim: int = 0
    #: Rating indicators: the behaviour-anchored levels a rating form offers, best first.
    anchors: tuple[Anchor, ...] = ()

    @property
    def group_names(self) -> tuple[str, ...]:
        return tuple(g for g, _ in self.groups)

    def to_dict(self) -> dict[str, Any]:
        """The rule as it is written in a scheme file (defaults left out)."""
        out: dict[str, Any] = {"type": self.type}
        if self.type in ("linear",):
            out["floor"] = self.floor
            out["target"] = self.target
        elif self.type in ("ratio", "threshold"):
            out["target"] = self.target
            if self.direction != "higher":
                out["direction"] = self.direction
            if self.type == "threshold" and self.partial:
                out["partial"] = self.partial
        elif self.type == "bands":
            if self.direction != "higher":
                out["direction"] = self.direction
            out["bands"] = [{"limit": b.limit, "score": b.score} for b in self.bands]
            if self.otherwise:
                out["otherwise"] = self.otherwise
        elif self.type == "deduction":
            out["per"] = self.per
        elif self.type == "rating":
            assert self.scale is not None
            out["scale"] = [self.scale[0], self.scale[1]]
            out["groups"] = dict(self.groups)
            if self.trim:
                out["trim"] = self.trim
            if self.anchors:
                out["anchors"] = [{"score": a.score, "text": a.text} for a in self.anchors]
        if self.cap != 1.0:
            out["cap"] = self.cap
        return out


@dataclass(frozen=True)
class Node:
    """A node of the indicator tree (指标体系): a group with children, or an indicator with a rule."""

    code: str
    name: str
    weight: float
    path: str
    unit: str | None = None
    description: str | None = None
    kind: str | None = None
    source: str | None = None
    only: frozenset[str] | None = None
    rule: Rule | None = None
    children: tuple[Node, ...] = ()
    #: The values that can be (lowest, highest; None: open), when they differ from what the rule and unit
    #: imply (see ``jixiao.engine.values``): e.g. a growth rate in % that may be negative.
    range: tuple[float | None, float | None] | None = None

    @property
    def is_leaf(self) -> bool:
        return self.rule is not None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "name": self.name}
        for key in ("description", "unit", "kind", "source"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        out["weight"] = self.weight
        if self.only is not None:
            out["only"] = sorted(self.only)
        if self.range is not None:
            out["range"] = list(self.range)
        if self.rule is not None:
            out["rule"] = self.rule.to_dict()
        else:
            out["children"] = [c.to_dict() for c in self.children]
        return out


@dataclass(frozen=True)
class Adjustment:
    """Bonus (加分) or penalty (扣分) items outside the tree: values are points, their sum is capped."""

    codes: tuple[str, ...] = ()
    cap: float = math.inf
    names: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"codes": list(self.codes)}
        if math.isfinite(self.cap):
            out["cap"] = self.cap
        if self.names:
            out["names"] = dict(self.names)
        return out


@dataclass(frozen=True)
class Veto:
    """Veto items (一票否决): any non-zero value caps the subject's grade at ``grade``."""

    codes: tuple[str, ...] = ()
    grade: str | None = None
    names: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"codes": list(self.codes), "grade": self.grade}
        if self.names:
            out["names"] = dict(self.names)
        return out


@dataclass(frozen=True)
class Grade:
    """A grade (等次) with its minimum total and optional quota (优秀比例), a fraction of the population."""

    name: str
    min: float
    quota: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "min": self.min}
        if self.quota is not None:
            out["quota"] = self.quota
        return out


@dataclass(frozen=True)
class Scheme:
    """A whole assessment scheme (考核方案), validated. Build it with ``parse_scheme``. Its derived lists (nodes,
    leaves, codes) are worked out once and kept: a scheme never changes."""

    id: str
    name: str
    tree: tuple[Node, ...]
    grades: tuple[Grade, ...]
    scale: float = 100.0
    missing: str = "zero"
    ranking: str = "category"
    description: str | None = None
    bonus: Adjustment = field(default_factory=Adjustment)
    penalty: Adjustment = field(default_factory=Adjustment)
    veto: Veto = field(default_factory=Veto)
    anonymity: Anonymity = field(default_factory=Anonymity)

    @cached_property
    def nodes(self) -> tuple[Node, ...]:
        """Every node in tree order (pre-order: a group before its children)."""
        return tuple(_walk(self.tree))

    @cached_property
    def leaves(self) -> tuple[Node, ...]:
        """The indicators, in tree order."""
        return tuple(n for n in _walk(self.tree) if n.is_leaf)

    @cached_property
    def measured_leaves(self) -> tuple[Node, ...]:
        """Indicators whose value comes from the values file (every rule but ``rating``)."""
        return tuple(n for n in self.leaves if n.rule is not None and n.rule.type != "rating")

    @cached_property
    def rating_leaves(self) -> tuple[Node, ...]:
        return tuple(n for n in self.leaves if n.rule is not None and n.rule.type == "rating")

    @cached_property
    def value_codes(self) -> tuple[str, ...]:
        """Codes a values file may name: measured indicators, then bonus, penalty and veto items."""
        return (tuple(n.code for n in self.measured_leaves) + self.bonus.codes + self.penalty.codes
                + self.veto.codes)

    @cached_property
    def _by_code(self) -> dict[str, Node]:
        return {n.code: n for n in self.nodes}

    def node(self, code: str) -> Node:
        return self._by_code[code]

    def item_name(self, code: str) -> str:
        """A readable name for a node, bonus, penalty or veto code."""
        for adj in (self.bonus, self.penalty, self.veto):
            if code in adj.codes:
                return adj.names.get(code, code)
        return self.node(code).name

    def to_dict(self) -> dict[str, Any]:
        """The scheme as a mapping that ``parse_scheme`` reads back to an equal scheme."""
        out: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.description is not None:
            out["description"] = self.description
        out.update({"scale": self.scale, "missing": self.missing, "ranking": self.ranking,
                    "tree": [n.to_dict() for n in self.tree]})
        if self.bonus.codes:
            out["bonus"] = self.bonus.to_dict()
        if self.penalty.codes:
            out["penalty"] = self.penalty.to_dict()
        if self.veto.codes:
            out["veto"] = self.veto.to_dict()
        out["grades"] = [g.to_dict() for g in self.grades]
        if self.anonymity != Anonymity():
            out["anonymity"] = self.anonymity.to_dict()
        return out


def _walk(nodes: Sequence[Node]) -> Iterator[Node]:
    for n in nodes:
        yield n
        yield from _walk(n.children)
