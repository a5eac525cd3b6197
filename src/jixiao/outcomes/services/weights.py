"""Proposed weights beside the current ones (权重建议): the entropy method and CRITIC on a cycle's values, AHP from
a pairwise comparison matrix of one group's children (engine ``weights``). A method's weights are shares; the
proposal turns them into the scheme's numbers within each group, keeping the sum of the weighed children's current
weights (so the rest of the tree keeps its points), in whole numbers (tenths where the current weights have
them) by largest remainder. Accepting makes a new version of the scheme; the cycle keeps its own."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from jixiao.audit.services import record_event
from jixiao.collection.models import Value
from jixiao.core.choices import Action
from jixiao.cycles.models import Cycle
from jixiao.engine import allocation, weights
from jixiao.engine.scheme import Node, Scheme
from jixiao.engine.verification import higher_is_better
from jixiao.outcomes.choices import Method, OutcomesAction, SuggestionState
from jixiao.outcomes.errors import OutcomeInputError, OutcomeStateError
from jixiao.outcomes.models import WeightSuggestion
from jixiao.outcomes.services.common import actor_user, read_file, where
from jixiao.schemes.services import do_import_scheme

AHP_MAX = 10


def _parent(scheme: Scheme, leaf: Node) -> str:
    """The code of the group holding ``leaf`` ("" at the top of the tree)."""
    return next((n.code for n in scheme.nodes if any(c.code == leaf.code for c in n.children)), "")


def _whole(current: list[tuple[str, float]], shares: list[float]) -> list[float]:
    """The shares as weights adding up to the current ones' sum, in whole numbers (or tenths)."""
    tenths = any(abs(w - round(w)) > 1e-9 for _c, w in current)
    scale = 10 if tenths else 1
    pool = round(sum(w for _c, w in current) * scale)
    total = sum(shares)
    if total <= 0:
        return [w for _c, w in current]
    amounts = allocation.split(pool, [(c, i, Fraction(s / total).limit_denominator(10**9), 1)
                                      for i, ((c, _w), s) in enumerate(zip(current, shares, strict=True))])
    # A scheme's weight is above 0: an indicator the method gives nothing keeps the least step, taken from the
    # largest (its note says why; removing it is a decision for a person, not a weight).
    for c, _w in current:
        if amounts[c] == 0 and pool > len(current):
            amounts[max(amounts, key=lambda k: amounts[k])] -= 1
            amounts[c] = 1
    return [amounts[c] / scale for c, _w in current]


def _rows(scheme: Scheme, codes: list[str], shares: list[float]) -> list[dict[str, Any]]:
    by_group: dict[str, list[int]] = defaultdict(list)
    for j, code in enumerate(codes):
        by_group[_parent(scheme, scheme.node(code))].append(j)
    out: list[dict[str, Any]] = []
    for group, idx in by_group.items():
        current = [(codes[j], float(scheme.node(codes[j]).weight)) for j in idx]
        proposed = _whole(current, [shares[j] for j in idx])
        for j, new in zip(idx, proposed, strict=True):
            node = scheme.node(codes[j])
            out.append({"indicator": node.code, "name": node.name, "group": group,
                        "group_name": scheme.node(group).name if group else "", "weight": float(node.weight),
                        "share": round(shares[j], 6), "proposed": new})
    return out


def value_matrix(cycle: Cycle) -> tuple[list[str], np.ndarray, list[str], int]:
    """The cycle's current values of its measured indicators (not ratings) as units x indicators, the units with a
    value of every indicator kept: (indicators, matrix, indicators left out for most units lacking them, units
    left out for a missing value)."""
    scheme = cycle.scheme.engine
    codes = [leaf.code for leaf in scheme.measured_leaves if leaf.rule is not None and leaf.rule.type != "rating"]
    table: dict[int, dict[str, float]] = defaultdict(dict)
    for sid, code, value in Value.objects.filter(cycle=cycle, indicator__in=codes).values_list(
            "subject_id", "indicator", "value"):
        table[sid][code] = value
    units = len(table)
    present = [c for c in codes if sum(c in row for row in table.values()) * 2 > units]
    sparse = [c for c in codes if c not in present]
    complete = [row for row in table.values() if all(c in row for c in present)]
    matrix = np.array([[row[c] for c in present] for row in complete], dtype=np.float64).reshape(
        len(complete), len(present))
    return present, matrix, sparse, units - len(complete)


def _save(cycle: Cycle, method: str, rows: list[dict[str, Any]], notes: list[str], actor: Any, *, group: str = "",
          cr: float | None = None) -> WeightSuggestion:
    suggestion = WeightSuggestion.objects.create(
        cycle=cycle, scheme=cycle.scheme, method=method, group=group, rows=rows, consistency=cr, notes=notes,
        created_at=timezone.now(), created_by=actor_user(actor))
    record_event(OutcomesAction.WEIGHTS, actor=actor, obj=suggestion, after={
        "cycle": cycle.code, "scheme": f"{cycle.scheme.code} v{cycle.scheme.version}", "method": method,
        "group": group, "consistency": cr, "weights": {r["indicator"]: [r["weight"], r["proposed"]] for r in rows}})
    return suggestion


def do_suggest_weights(cycle: Cycle, method: str, *, actor: Any) -> WeightSuggestion:
    """Entropy or CRITIC weights from the cycle's values, as a proposal."""
    if method not in (Method.ENTROPY, Method.CRITIC):
        raise OutcomeInputError(field=pgettext("weights", "method"), problem=_("entropy or CRITIC"))
    with transaction.atomic():
        WeightSuggestion.objects.check_create(actor)
        cycle = Cycle.objects.get_for(actor, Action.VIEW, pk=cycle.pk)
        codes, matrix, sparse, left = value_matrix(cycle)
        if len(codes) < 2 or matrix.shape[0] < 2:
            raise OutcomeInputError(field=_("values"), problem=_(
                "fewer than 2 units have a value of every indicator; nothing to weigh"))
        scheme = cycle.scheme.engine
        fn = weights.entropy if method == Method.ENTROPY else weights.critic
        shares, flat = fn(matrix, [higher_is_better(scheme, c) for c in codes])
        notes = [_("{n} units with a value of every indicator").format(n=matrix.shape[0])]
        if left:
            notes.append(_("{n} units left out for a missing value").format(n=left))
        if sparse:
            notes.append(_("left out, most units have no value: {codes}").format(codes="、".join(sparse)))
        notes += [_("{code}: every unit has the same value, so it tells nothing apart: kept at the least weight; "
                    "consider replacing it").format(code=codes[j]) for j in flat]
        return _save(cycle, method, _rows(scheme, codes, shares), notes, actor)


def read_ahp(path: Path, label: str, children: list[Node]) -> list[list[float]]:
    """A pairwise comparison matrix of a group's children: the first row and column name them (code or name) in
    the same order; cells like 3 or 1/3, 1 on the diagonal, a_ji = 1/a_ij. Refuses naming the cell."""
    rows = read_table_cells(path, label)
    names = {c.code: c for c in children} | {c.name: c for c in children}
    header = [names.get(h) for h in rows[0][1:] if h]
    if None in header or len({n.code for n in header if n}) != len(children) or len(header) != len(children):
        raise OutcomeInputError(field=label, problem=_("the first row must name each of the group's indicators "
                                                       "once: {names}").format(names="、".join(c.name for c in
                                                                                              children)))
    order = [n for n in header if n is not None]
    if len(rows) - 1 != len(order):
        raise OutcomeInputError(field=label, problem=_("{n} indicators but {k} rows").format(
            n=len(order), k=len(rows) - 1))
    matrix: list[list[float]] = []
    for i, raw in enumerate(rows[1:]):
        n = i + 2
        if names.get(raw[0]) is not order[i]:
            raise OutcomeInputError(field=where(label, n), problem=_("the row should be {name} (rows follow the "
                                                                     "header's order)").format(name=order[i].name))
        line = []
        for k, node in enumerate(order):
            text = raw[k + 1].replace(" ", "") if k + 1 < len(raw) else ""
            try:
                value = float(Fraction(text))
            except (ValueError, ZeroDivisionError):
                raise OutcomeInputError(field=where(label, n, node.name), problem=_(
                    "“{text}” is not a judgement like 3 or 1/3").format(text=text)) from None
            if value <= 0 or (k == i and value != 1):
                raise OutcomeInputError(field=where(label, n, node.name), problem=_(
                    "a judgement is a positive number, 1 where an indicator meets itself"))
            line.append(value)
        matrix.append(line)
    for i in range(len(order)):
        for j in range(i + 1, len(order)):
            if abs(matrix[i][j] * matrix[j][i] - 1) > 0.01:
                raise OutcomeInputError(field=where(label, j + 2, order[i].name), problem=_(
                    "{a} : {b} is {x:g} but {b} : {a} is {y:g}; one must be the reciprocal of the other").format(
                        a=order[i].name, b=order[j].name, x=matrix[i][j], y=matrix[j][i]))
    return matrix


def read_table_cells(path: Path, label: str) -> list[list[str]]:
    """All cells of a .csv (UTF-8 or GBK) or .xlsx as text (no header matching)."""
    from jixiao.engine.weightscli import read_cells

    read_file(path, label, {}, ())  # the checks of type, encoding and emptiness, with their messages
    return read_cells(str(path))


def do_suggest_ahp(cycle: Cycle, group: str, path: Path, *, actor: Any, label: str = "") -> WeightSuggestion:
    """AHP weights of ``group``'s children from a pairwise matrix file, with the consistency ratio (a CR of 0.10
    or more is kept as inconsistent, naming the worst judgements, and cannot be accepted)."""
    label = label or path.name
    with transaction.atomic():
        WeightSuggestion.objects.check_create(actor)
        cycle = Cycle.objects.get_for(actor, Action.VIEW, pk=cycle.pk)
        scheme = cycle.scheme.engine
        try:
            node = scheme.node(group)
        except KeyError:
            raise OutcomeInputError(field=_("group"), problem=_("{code} is not a group of the scheme").format(
                code=group)) from None
        children = list(node.children)
        if not 3 <= len(children) <= AHP_MAX:
            raise OutcomeInputError(field=_("group"), problem=_("AHP weighs 3 to {n} indicators; {name} has {k}")
                                    .format(n=AHP_MAX, name=node.name, k=len(children)))
        matrix = read_ahp(path, label, children)
        try:
            result = weights.ahp(matrix, names=[c.name for c in children])
        except weights.MatrixError:  # read_ahp checked it; the engine's own check is the backstop
            raise OutcomeInputError(field=label, problem=_("the matrix must be positive and reciprocal")) from None
        codes = [c.code for c in children]
        notes = [_("CR = {cr:.4f}: consistent").format(cr=result.cr) if result.consistent else
                 _("CR = {cr:.4f} ≥ 0.10: inconsistent; revise the judgements first").format(cr=result.cr)]
        if not result.consistent:
            notes += [_("most inconsistent: {a} : {b} given as {given:g}, the weights imply {implied:.2f}").format(
                a=children[i].name, b=children[j].name, given=given, implied=implied)
                for i, j, given, implied in result.worst]
        rows = [{"indicator": c.code, "name": c.name, "group": node.code, "group_name": node.name,
                 "weight": float(c.weight), "share": round(s, 6), "proposed": p}
                for c, s, p in zip(children, result.weights, _whole([(c, float(scheme.node(c).weight))
                                                                      for c in codes], list(result.weights)),
                                   strict=True)]
        return _save(cycle, Method.AHP, rows, notes, actor, group=node.code, cr=result.cr)


def _set_weights(tree: list[dict[str, Any]], new: dict[str, float]) -> None:
    for node in tree:
        if node.get("code") in new:
            node["weight"] = new[node["code"]]
        _set_weights(node.get("children", []), new)


def _decidable(suggestion: WeightSuggestion, actor: Any) -> WeightSuggestion:
    s: WeightSuggestion = WeightSuggestion.objects.select_for_update().order_by("pk").get(
        pk=WeightSuggestion.objects.get_for(actor, Action.CHANGE, pk=suggestion.pk).pk)
    if s.state != SuggestionState.PROPOSED:
        raise OutcomeStateError(what=_("weight proposal"), problem=_("it is already {state}").format(
            state=SuggestionState(s.state).label))
    return s


def do_accept_weight_suggestion(suggestion: WeightSuggestion, *, actor: Any, comment: str = "") -> WeightSuggestion:
    """Make a new version of the scheme with the proposed weights (the cycles keep theirs)."""
    with transaction.atomic():
        s = _decidable(suggestion, actor)
        if s.method == Method.AHP and (s.consistency is None or s.consistency >= 0.10):
            raise OutcomeStateError(what=_("weight proposal"), problem=_(
                "its judgements are inconsistent (CR ≥ 0.10): revise the matrix and propose again"))
        definition = s.scheme.engine.to_dict()
        _set_weights(definition["tree"], {r["indicator"]: r["proposed"] for r in s.rows})
        s.result = do_import_scheme(yaml.safe_dump(definition, allow_unicode=True, sort_keys=False, width=110),
                                    actor=actor)
        s.state, s.comment = SuggestionState.ACCEPTED, comment.strip()
        s.decided_at, s.decided_by = timezone.now(), actor_user(actor)
        s.save(update_fields=["result", "state", "comment", "decided_at", "decided_by"])
        record_event(OutcomesAction.WEIGHTS_DECIDE, actor=actor, obj=s, after={
            "state": s.state, "scheme": f"{s.result.code} v{s.result.version}", "comment": s.comment})
    return s


def do_decline_weight_suggestion(suggestion: WeightSuggestion, *, actor: Any, comment: str = "") -> WeightSuggestion:
    """Decline a proposal with the reason; the scheme stays as it is."""
    with transaction.atomic():
        s = _decidable(suggestion, actor)
        s.state, s.comment = SuggestionState.DECLINED, comment.strip()
        s.decided_at, s.decided_by = timezone.now(), actor_user(actor)
        s.save(update_fields=["state", "comment", "decided_at", "decided_by"])
        record_event(OutcomesAction.WEIGHTS_DECIDE, actor=actor, obj=s,
                     after={"state": s.state, "comment": s.comment})
    return s
