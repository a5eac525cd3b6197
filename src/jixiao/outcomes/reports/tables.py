"""An allocation's rows as a table (the page, its .xlsx and the annual report show the same columns): headers in
the active language, cells as numbers where they are numbers, and each column's format."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from jixiao.outcomes.choices import ImprovementState, PlanKind, Rating
from jixiao.outcomes.models import Plan
from jixiao.outcomes.services.plans import cut_in_effect, plan_states
from jixiao.web.helpers import category_label


@dataclass(frozen=True)
class PlanTable:
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    #: Per column: text, int, number (2 decimals), percent (already in %), yuan.
    formats: tuple[str, ...]
    total_row: tuple[Any, ...] | None = None


Column = tuple[str, Callable[[dict[str, Any]], Any], str]


def _columns(kind: str, states: dict[int, str], label: Callable[[str], str]) -> list[Column]:
    rank: Column = (_("rank"), lambda r: r["rank"], "int")
    code: Column = (_("code"), lambda r: r["code"], "text")
    name: Column = (_("name"), lambda r: r["name"], "text")
    category: Column = (_("category"), lambda r: label(r["category"]), "text")
    total: Column = (_("total"), lambda r: r["total"], "number")
    grade: Column = (_("grade"), lambda r: r["grade"], "text")
    if kind == PlanKind.BONUS:
        return [rank, code, name, category, total, grade,
                (_("coefficient"), lambda r: float(r["coefficient"]), "number"),
                (_("headcount"), lambda r: r["headcount"], "int"), (_("amount (yuan)"), lambda r: r["amount"], "yuan")]
    if kind == PlanKind.BUDGET:
        return [rank, code, name, grade, (_("project budgets (yuan)"), lambda r: r["base"], "yuan"),
                (_("adjustment (%)"), lambda r: r["percent"], "signed"),
                (_("change (yuan)"), lambda r: r["change"], "yuan"), (_("after (yuan)"), lambda r: r["new"], "yuan"),
                (_("in effect"), lambda r: _effect(r, states), "text")]
    if kind == PlanKind.HONOUR:
        return [rank, code, name, category, total, grade, (_("honour"), lambda r: r["honour"], "text")]
    if kind == PlanKind.RESERVE:
        return [code, name, category, (_("unit"), lambda r: r["unit"], "text"), total, grade,
                (_("years in a row"), lambda r: r["count"], "int"),
                (_("years"), lambda r: "、".join(str(y) for y in r["years"]), "text")]
    if kind == PlanKind.UNQUALIFIED:
        return [rank, code, name, category, total, grade,
                (pgettext("allocation", "measure"), lambda r: r["measure"], "text")]
    return [code, name, (_("project code"), lambda r: r["project"], "text"),
            (_("project"), lambda r: r["project_name"], "text"), (_("budget (yuan)"), lambda r: r["amount"], "yuan"),
            (_("evaluation score"), lambda r: r["score"], "number"),
            (pgettext("project", "rating"), lambda r: str(Rating(r["rating"]).label), "text"),
            (_("adjustment (%)"), lambda r: r["percent"], "signed"),
            (_("change (yuan)"), lambda r: r["change"], "yuan"), (_("after (yuan)"), lambda r: r["new"], "yuan")]


def _effect(row: dict[str, Any], states: dict[int, str]) -> str:
    if row["change"] == 0:
        return "—"
    if cut_in_effect(row, states):
        return pgettext("budget change", "yes")
    state = states.get(row["subject"], "none")
    if state == "none":
        return _("waits for an improvement plan")
    return _("waits: plan {state}").format(state=ImprovementState(state).label)


def _total_row(kind: str, rows: list[dict[str, Any]], width: int) -> tuple[Any, ...] | None:
    sums = {PlanKind.BONUS: ("amount",), PlanKind.BUDGET: ("base", "change", "new"),
            PlanKind.PART: ("amount", "change", "new")}.get(PlanKind(kind))
    if not sums or not rows:
        return None
    positions = {PlanKind.BONUS: {"amount": 8}, PlanKind.BUDGET: {"base": 4, "change": 6, "new": 7},
                 PlanKind.PART: {"amount": 4, "change": 8, "new": 9}}[PlanKind(kind)]
    out: list[Any] = [None] * width
    out[0] = pgettext("sum row", "total")
    if kind == PlanKind.BONUS:
        out[7] = sum(r["headcount"] for r in rows)
    for key in sums:
        out[positions[key]] = sum(r[key] for r in rows)
    return tuple(out)


def plan_table(plan: Plan, rows: list[dict[str, Any]] | None = None) -> PlanTable:
    """The table of ``rows`` (the plan's own by default; a unit's user gets theirs only)."""
    rows = list(plan.rows) if rows is None else rows
    states = plan_states(plan) if plan.kind == PlanKind.BUDGET else {}
    cols = _columns(plan.kind, states, category_label(plan.cycle))
    return PlanTable(tuple(c[0] for c in cols), tuple(tuple(c[1](r) for c in cols) for r in rows),
                     tuple(c[2] for c in cols), _total_row(plan.kind, rows, len(cols)))
