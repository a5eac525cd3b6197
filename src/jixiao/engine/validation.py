"""Validation of scheme files: from the mapping read from YAML to a ``Scheme``, or every problem.

``parse_scheme`` turns the plain mapping read from a scheme file (see ``docs/scoring.md``) into a
``Scheme`` or raises ``SchemeError`` listing *every* problem by its place in the file, e.g.
``tree[0].children[2].rule.floor: required for type linear``. Nothing is scored from a scheme that
did not pass.

>>> s = parse_scheme({"id": "t", "name": "T", "tree": [
...     {"code": "A", "name": "a", "weight": 1, "rule": {"type": "ratio", "target": 10}}],
...     "grades": [{"name": "ok", "min": 0}]})
>>> s.leaves[0].rule.direction
'higher'
>>> parse_scheme({"id": "t", "name": "T", "tree": [{"code": "A", "name": "a", "weight": 0,
...     "rule": {"type": "linear", "floor": 1}}], "grades": []})
Traceback (most recent call last):
...
jixiao.engine.errors.SchemeError: 3 problems in the scheme:
  tree[0].weight: must be a number > 0
  tree[0].rule.target: required for type linear
  grades: at least one grade is required
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from jixiao.engine.anonymity import BELOW_POLICIES, DEFAULT_K, DEFAULT_OPEN, Anonymity
from jixiao.engine.errors import SchemeError
from jixiao.engine.scheme import (
    DATA_SOURCES,
    DIRECTIONS,
    INDICATOR_KINDS,
    MISSING_POLICIES,
    RANKINGS,
    RESERVED_CODES,
    RULE_TYPES,
    Adjustment,
    Anchor,
    Band,
    Grade,
    Node,
    Rule,
    Scheme,
    Veto,
)

_CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{0,63}$")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,99}$")

_SCHEME_KEYS = {"id", "name", "description", "scale", "missing", "ranking", "tree", "bonus", "penalty",
                "veto", "grades", "anonymity"}
_NODE_KEYS = {"code", "name", "description", "unit", "weight", "only", "rule", "children", "kind", "source",
              "range"}
_RULE_KEYS: dict[str, set[str]] = {
    "linear": {"floor", "target"},
    "ratio": {"target"},
    "threshold": {"target", "partial"},
    "bands": {"bands", "otherwise"},
    "deduction": {"per"},
    "rating": {"scale", "groups", "trim", "anchors"},
    "points": set(),
}
_RULE_COMMON = {"type", "cap", "direction"}
_ADJUST_KEYS = {"codes", "cap", "names"}
_VETO_KEYS = {"codes", "grade", "names"}
_GRADE_KEYS = {"name", "min", "quota"}




class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(float(v))


def _number(p: _Problems, where: str, raw: Mapping[str, Any], key: str, *, required: bool = False,
            default: float | None = None, positive: bool = False, nonneg: bool = False) -> float | None:
    place = f"{where}.{key}" if where else key
    if key not in raw or raw[key] is None:
        if required:
            p.add(place, "required")
        return default
    v = raw[key]
    if not _is_number(v):
        p.add(place, f"must be a number, not {v!r}")
        return default
    f = float(v)
    if positive and f <= 0:
        p.add(place, "must be a number > 0")
        return default
    if nonneg and f < 0:
        p.add(place, "must be a number >= 0")
        return default
    return f


def _text(p: _Problems, where: str, raw: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
    place = f"{where}.{key}" if where else key
    v = raw.get(key)
    if v is None:
        if required:
            p.add(place, "required")
        return None
    if isinstance(v, bool) or not isinstance(v, str | int | float):
        p.add(place, f"must be text, not {type(v).__name__}")
        return None
    s = str(v).strip()
    if required and not s:
        p.add(place, "must not be empty")
        return None
    return s


def _unknown(p: _Problems, where: str, raw: Mapping[str, Any], allowed: set[str]) -> None:
    for key in raw:
        if key not in allowed:
            place = f"{where}.{key}" if where else str(key)
            p.add(place, f"unknown key (expected one of: {', '.join(sorted(allowed))})")


def _choice(p: _Problems, where: str, raw: Mapping[str, Any], key: str, choices: Sequence[str],
            default: str | None) -> str | None:
    place = f"{where}.{key}" if where else key
    v = raw.get(key)
    if v is None:
        return default
    if v not in choices:
        p.add(place, f"must be one of {', '.join(choices)}, not {v!r}")
        return default
    return str(v)


def _parse_rating(p: _Problems, where: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The keys of a ``rating`` rule: its scale, rater groups with weights, trim and behaviour-anchored levels."""
    kwargs: dict[str, Any] = {}
    scale_raw = raw.get("scale")
    if (not isinstance(scale_raw, list) or len(scale_raw) != 2
            or not all(_is_number(x) for x in scale_raw)):
        p.add(f"{where}.scale", "required for type rating: [lowest, highest]")
    elif float(scale_raw[0]) >= float(scale_raw[1]):
        p.add(f"{where}.scale", "the lowest rating must be below the highest")
    else:
        kwargs["scale"] = (float(scale_raw[0]), float(scale_raw[1]))
    groups_raw = raw.get("groups")
    groups: list[tuple[str, float]] = []
    if not isinstance(groups_raw, Mapping) or not groups_raw:
        p.add(f"{where}.groups", "required for type rating: a mapping of rater group to weight")
    else:
        for g, w in groups_raw.items():
            if w is None:
                p.add(f"{where}.groups.{g}", "rater group without a weight")
            elif not _is_number(w) or float(w) <= 0:
                p.add(f"{where}.groups.{g}", f"weight must be a number > 0, not {w!r}")
            else:
                groups.append((str(g), float(w)))
    kwargs["groups"] = tuple(groups)
    trim = raw.get("trim", 0)
    if isinstance(trim, bool) or not isinstance(trim, int) or trim < 0:
        p.add(f"{where}.trim", f"must be a whole number >= 0, not {trim!r}")
        trim = 0
    kwargs["trim"] = trim
    if "anchors" in raw:
        kwargs["anchors"] = _parse_anchors(p, f"{where}.anchors", raw["anchors"], kwargs.get("scale"))
    return kwargs


def _need(p: _Problems, where: str, raw: Mapping[str, Any], key: str) -> float | None:
    """A number the rule's type requires."""
    if raw.get(key) is None:
        p.add(f"{where}.{key}", f"required for type {raw.get('type')}")
        return None
    return _number(p, where, raw, key)


def _linear(p: _Problems, where: str, raw: Mapping[str, Any], explicit_dir: str | None,
            kwargs: dict[str, Any]) -> str:
    """Floor and target of a linear rule; returns the direction they imply (checked against an explicit one)."""
    floor, target = _need(p, where, raw, "floor"), _need(p, where, raw, "target")
    direction = explicit_dir or "higher"
    if floor is not None and target is not None:
        if floor == target:
            p.add(f"{where}.target", "must differ from floor")
        else:
            implied = "lower" if target < floor else "higher"
            if explicit_dir is not None and explicit_dir != implied:
                p.add(f"{where}.direction", f"contradicts floor and target, which say {implied}")
            direction = implied
    kwargs.update(floor=floor, target=target)
    return direction


def _target(p: _Problems, where: str, raw: Mapping[str, Any], rtype: str, kwargs: dict[str, Any]) -> None:
    """The target of a ratio or threshold rule, and a threshold's partial score."""
    target = _need(p, where, raw, "target")
    if rtype == "ratio" and target is not None and target <= 0:
        p.add(f"{where}.target", "must be a number > 0 for type ratio")
    kwargs["target"] = target
    if rtype == "threshold":
        kwargs["partial"] = _number(p, where, raw, "partial", default=0.0, nonneg=True)


def _bands(p: _Problems, where: str, raw: Mapping[str, Any], direction: str, kwargs: dict[str, Any]) -> None:
    """A bands rule's ``{limit, score}`` list, best first for its direction, and the score otherwise."""
    bands_raw = raw.get("bands")
    bands: list[Band] = []
    if not isinstance(bands_raw, list) or not bands_raw:
        p.add(f"{where}.bands", "required for type bands: a list of {limit, score}, best first")
    else:
        for i, b in enumerate(bands_raw):
            bw = f"{where}.bands[{i}]"
            if not isinstance(b, Mapping):
                p.add(bw, "must be a mapping {limit, score}")
                continue
            _unknown(p, bw, b, {"limit", "score"})
            limit = _number(p, bw, b, "limit", required=True)
            score = _number(p, bw, b, "score", required=True, nonneg=True)
            if limit is not None and score is not None:
                bands.append(Band(limit, score))
        for i in range(1, len(bands)):
            prev, cur = bands[i - 1].limit, bands[i].limit
            if not (cur < prev if direction == "higher" else cur > prev):
                word = "decrease" if direction == "higher" else "increase"
                p.add(f"{where}.bands", f"not best first: for direction {direction} the limits must "
                      f"{word} strictly ({prev:g} then {cur:g})")
                break
    kwargs["bands"] = tuple(bands)
    kwargs["otherwise"] = _number(p, where, raw, "otherwise", default=0.0, nonneg=True)


def _parse_rule(p: _Problems, where: str, raw: object) -> Rule | None:
    if not isinstance(raw, Mapping):
        p.add(where, "must be a mapping with a type")
        return None
    rtype = raw.get("type")
    if rtype not in RULE_TYPES:
        p.add(f"{where}.type", f"must be one of {', '.join(RULE_TYPES)}, not {rtype!r}")
        return None
    _unknown(p, where, raw, _RULE_COMMON | _RULE_KEYS[rtype])
    cap = _number(p, where, raw, "cap", default=1.0, positive=True)
    explicit_dir = _choice(p, where, raw, "direction", DIRECTIONS, None)
    kwargs: dict[str, Any] = {"type": rtype, "cap": cap if cap is not None else 1.0}
    direction = explicit_dir or "higher"
    if rtype == "linear":
        direction = _linear(p, where, raw, explicit_dir, kwargs)
    elif rtype in ("ratio", "threshold"):
        _target(p, where, raw, rtype, kwargs)
    elif rtype == "bands":
        _bands(p, where, raw, direction, kwargs)
    elif rtype == "deduction":
        kwargs["per"] = _need(p, where, raw, "per")
        if kwargs["per"] is not None and kwargs["per"] <= 0:
            p.add(f"{where}.per", "must be a number > 0")
    elif rtype == "rating":
        kwargs.update(_parse_rating(p, where, raw))
    if explicit_dir and rtype in ("deduction", "rating", "points"):
        p.add(f"{where}.direction", f"has no meaning for type {rtype}")
    kwargs["direction"] = direction
    return Rule(**kwargs)


def _parse_nodes(p: _Problems, where: str, raw: object, codes: dict[str, str]) -> tuple[Node, ...]:
    if not isinstance(raw, list) or not raw:
        p.add(where, "must be a non-empty list of nodes")
        return ()
    out: list[Node] = []
    for i, item in enumerate(raw):
        nw = f"{where}[{i}]"
        if not isinstance(item, Mapping):
            p.add(nw, "must be a mapping with code, name, weight and a rule or children")
            continue
        _unknown(p, nw, item, _NODE_KEYS)
        code = _text(p, nw, item, "code", required=True)
        if code is not None:
            if not _CODE_RE.match(code):
                p.add(f"{nw}.code", f"{code!r} must start with a letter and hold only letters, digits, _ . -")
            elif code.lower() in RESERVED_CODES:
                p.add(f"{nw}.code", f"{code!r} is reserved for a column of the score table")
            elif code in codes:
                p.add(f"{nw}.code", f"duplicate code {code!r} (first used at {codes[code]})")
            else:
                codes[code] = f"{nw}.code"
        name = _text(p, nw, item, "name", required=True)
        weight = _number(p, nw, item, "weight", positive=True)
        if "weight" not in item:
            p.add(f"{nw}.weight", "required")
        only_raw = item.get("only")
        only: frozenset[str] | None = None
        if only_raw is not None:
            if (not isinstance(only_raw, list) or not only_raw
                    or not all(isinstance(c, str | int) and not isinstance(c, bool) for c in only_raw)):
                p.add(f"{nw}.only", "must be a non-empty list of unit categories")
            else:
                only = frozenset(str(c) for c in only_raw)
        has_rule, has_children = item.get("rule") is not None, item.get("children") is not None
        rule: Rule | None = None
        children: tuple[Node, ...] = ()
        if has_rule and has_children:
            p.add(nw, "has both a rule and children; a node is either a group or an indicator")
        elif not has_rule and not has_children:
            p.add(nw, "needs a rule (an indicator) or children (a group)")
        elif has_rule:
            rule = _parse_rule(p, f"{nw}.rule", item["rule"])
        else:
            children = _parse_nodes(p, f"{nw}.children", item["children"], codes)
        kind = _choice(p, nw, item, "kind", INDICATOR_KINDS, None)
        source = _choice(p, nw, item, "source", DATA_SOURCES, None)
        value_range = _parse_range(p, f"{nw}.range", item.get("range"), rule)
        if code and name and weight is not None and (rule is not None or children):
            out.append(Node(code=code, name=name, weight=weight, path=nw,
                            unit=_text(p, nw, item, "unit"), description=_text(p, nw, item, "description"),
                            kind=kind, source=source, only=only, rule=rule, children=children,
                            range=value_range))
    return tuple(out)


def _parse_range(p: _Problems, where: str, raw: object,
                 rule: Rule | None) -> tuple[float | None, float | None] | None:
    """``range: [lowest, highest]`` (either may be null): the values an indicator can take."""
    if raw is None:
        return None
    if rule is None or rule.type == "rating":
        p.add(where, "only an indicator measured by a value has a range")
        return None
    if (not isinstance(raw, list) or len(raw) != 2
            or not all(x is None or _is_number(x) for x in raw) or raw == [None, None]):
        p.add(where, "must be [lowest, highest], numbers or null for an open end")
        return None
    lo, hi = (None if x is None else float(x) for x in raw)
    if lo is not None and hi is not None and lo >= hi:
        p.add(where, f"the lowest value {lo:g} must be below the highest {hi:g}")
        return None
    return (lo, hi)


def _parse_codes(p: _Problems, where: str, raw: Mapping[str, Any], codes: dict[str, str]) -> tuple[str, ...]:
    v = raw.get("codes")
    if not isinstance(v, list) or not v:
        p.add(f"{where}.codes", "required: a non-empty list of codes")
        return ()
    out: list[str] = []
    for i, c in enumerate(v):
        cw = f"{where}.codes[{i}]"
        if not isinstance(c, str) or not _CODE_RE.match(c):
            p.add(cw, f"{c!r} must start with a letter and hold only letters, digits, _ . -")
        elif c.lower() in RESERVED_CODES:
            p.add(cw, f"{c!r} is reserved for a column of the score table")
        elif c in codes:
            p.add(cw, f"duplicate code {c!r} (first used at {codes[c]})")
        else:
            codes[c] = cw
            out.append(c)
    return tuple(out)


def _parse_names(p: _Problems, where: str, raw: Mapping[str, Any], codes: tuple[str, ...]) -> dict[str, str]:
    names = raw.get("names")
    if names is None:
        return {}
    if not isinstance(names, Mapping):
        p.add(f"{where}.names", "must be a mapping of code to name")
        return {}
    for k in names:
        if k not in codes:
            p.add(f"{where}.names.{k}", "names a code that is not in codes")
    return {str(k): str(v) for k, v in names.items()}


def _parse_anchors(p: _Problems, where: str, raw: object, scale: tuple[float, float] | None
                   ) -> tuple[Anchor, ...]:
    """Behaviour-anchored levels: a list of {score, text}, scores on the scale and distinct; kept best first."""
    if not isinstance(raw, list) or not raw:
        p.add(where, "must be a list of {score, text}")
        return ()
    out: list[Anchor] = []
    for i, item in enumerate(raw):
        aw = f"{where}[{i}]"
        if not isinstance(item, Mapping):
            p.add(aw, "must be a mapping {score, text}")
            continue
        _unknown(p, aw, item, {"score", "text"})
        score = _number(p, aw, item, "score", required=True)
        text = _text(p, aw, item, "text", required=True)
        if score is not None and scale is not None and not scale[0] <= score <= scale[1]:
            p.add(f"{aw}.score", f"{score:g} is outside the scale [{scale[0]:g}, {scale[1]:g}]")
        elif score is not None and any(a.score == score for a in out):
            p.add(f"{aw}.score", f"{score:g} is anchored twice")
        elif score is not None and text is not None:
            out.append(Anchor(score, text))
    return tuple(sorted(out, key=lambda a: -a.score))


def _parse_anonymity(p: _Problems, raw: object) -> Anonymity:
    """``anonymity: {k, below, open}``; absent: k = 3, hide, open = superior and self."""
    if raw is None:
        return Anonymity()
    if not isinstance(raw, Mapping):
        p.add("anonymity", "must be a mapping {k, below, open}")
        return Anonymity()
    _unknown(p, "anonymity", raw, {"k", "below", "open"})
    k = raw.get("k", DEFAULT_K)
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        p.add("anonymity.k", f"must be a whole number >= 1, not {k!r}")
        k = DEFAULT_K
    below = _choice(p, "anonymity", raw, "below", BELOW_POLICIES, "hide") or "hide"
    open_raw = raw.get("open", list(DEFAULT_OPEN))
    if not isinstance(open_raw, list) or not all(isinstance(g, str) for g in open_raw):
        p.add("anonymity.open", "must be a list of rater groups")
        open_raw = list(DEFAULT_OPEN)
    return Anonymity(k=k, below=below, open=tuple(open_raw))


def _parse_grades(p: _Problems, graw: object) -> list[Grade]:
    """The grades, best first: names distinct, minimums not rising, quotas in (0, 1]."""
    grades: list[Grade] = []
    if not isinstance(graw, list) or not graw:
        p.add("grades", "at least one grade is required")
    else:
        seen: set[str] = set()
        for i, g in enumerate(graw):
            gw = f"grades[{i}]"
            if not isinstance(g, Mapping):
                p.add(gw, "must be a mapping {name, min, quota}")
                continue
            _unknown(p, gw, g, _GRADE_KEYS)
            gname = _text(p, gw, g, "name", required=True)
            gmin = _number(p, gw, g, "min", required=True)
            quota = _number(p, gw, g, "quota")
            if quota is not None and not 0 < quota <= 1:
                p.add(f"{gw}.quota", f"must be in (0, 1], not {g.get('quota')!r}")
                quota = None
            if gname is not None and gname in seen:
                p.add(f"{gw}.name", f"duplicate grade {gname!r}")
            if gname is not None:
                seen.add(gname)
            if grades and gmin is not None and gmin > grades[-1].min:
                p.add(f"{gw}.min", f"grades are listed best first, so min must not rise ({grades[-1].min:g} "
                      f"then {gmin:g})")
            if gname is not None and gmin is not None:
                grades.append(Grade(gname, gmin, quota))
    return grades


def _parse_veto(p: _Problems, vraw: object, codes: dict[str, str], grades: list[Grade]) -> Veto:
    """The veto items and the grade they cap at (one of the grades)."""
    veto = Veto()
    if vraw is not None:
        if not isinstance(vraw, Mapping):
            p.add("veto", "must be a mapping {codes, grade}")
        else:
            _unknown(p, "veto", vraw, _VETO_KEYS)
            vcodes = _parse_codes(p, "veto", vraw, codes)
            vgrade = _text(p, "veto", vraw, "grade", required=True)
            if vgrade is not None and grades and vgrade not in {g.name for g in grades}:
                p.add("veto.grade", f"{vgrade!r} is not one of the grades ({', '.join(g.name for g in grades)})")
            veto = Veto(vcodes, vgrade, _parse_names(p, "veto", vraw, vcodes))
    return veto


def parse_scheme(raw: object) -> Scheme:
    """Validate a scheme mapping (as read from YAML) and build a ``Scheme``.

    Every problem is collected before raising, so a user fixes the file in one pass.
    """
    p = _Problems()
    if not isinstance(raw, Mapping):
        raise SchemeError(["(top): a scheme file must be a mapping with id, name, tree and grades"])
    _unknown(p, "", raw, _SCHEME_KEYS)
    sid = _text(p, "", raw, "id", required=True)
    if sid is not None and not _ID_RE.match(sid):
        p.add("id", f"{sid!r} must be a slug: lower-case letters, digits, - and _")
    name = _text(p, "", raw, "name", required=True)
    scale = _number(p, "", raw, "scale", default=100.0, positive=True)
    missing = _choice(p, "", raw, "missing", MISSING_POLICIES, "zero")
    ranking = _choice(p, "", raw, "ranking", RANKINGS, "category")
    codes: dict[str, str] = {}
    tree = _parse_nodes(p, "tree", raw.get("tree"), codes)

    adjustments: dict[str, Adjustment] = {}
    for key in ("bonus", "penalty"):
        sub = raw.get(key)
        if sub is None:
            adjustments[key] = Adjustment()
            continue
        if not isinstance(sub, Mapping):
            p.add(key, "must be a mapping {codes, cap}")
            adjustments[key] = Adjustment()
            continue
        _unknown(p, key, sub, _ADJUST_KEYS)
        acodes = _parse_codes(p, key, sub, codes)
        cap = _number(p, key, sub, "cap", default=math.inf, nonneg=True)
        adjustments[key] = Adjustment(acodes, math.inf if cap is None else cap, _parse_names(p, key, sub, acodes))

    grades = _parse_grades(p, raw.get("grades"))
    veto = _parse_veto(p, raw.get("veto"), codes, grades)

    anonymity = _parse_anonymity(p, raw.get("anonymity"))
    if p.items:
        raise SchemeError(p.items)
    assert sid is not None and name is not None and scale is not None
    assert missing is not None and ranking is not None
    return Scheme(id=sid, name=name, description=_text(p, "", raw, "description"), scale=scale,
                  missing=missing, ranking=ranking, tree=tree, grades=tuple(grades),
                  bonus=adjustments["bonus"], penalty=adjustments["penalty"], veto=veto, anonymity=anonymity)
