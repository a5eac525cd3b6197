"""Allocations (结果运用方案) of a cycle, computed by the engine from the cycle's stored results and confirmed by the
office: a bonus pool split by grade coefficients and headcount (whole yuan, largest remainder), budget adjustments
by grade (a cut may wait for the unit's accepted improvement plan), honours by grade and rank, the reserve pool
(excellent N years in a row, with the years), the unqualified list and PART-style project ratings.

Each is a proposal until confirmed; a proposal made from results that were computed again since cannot be
confirmed (it is proposed again). Confirming needs the cycle's final publication (定稿)."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from jixiao.audit.services import record_event
from jixiao.core.choices import Action
from jixiao.cycles.choices import CycleState, SubjectKind
from jixiao.cycles.models import Cycle
from jixiao.engine import allocation
from jixiao.org.models import Person
from jixiao.outcomes.choices import ImprovementState, OutcomesAction, PlanKind, PlanState, Rating
from jixiao.outcomes.errors import OutcomeInputError, OutcomeStateError
from jixiao.outcomes.models import BudgetLine, ImprovementPlan, Plan
from jixiao.outcomes.services.common import Row, actor_user, grade_names, history, read_file, result_rows, where

#: The defaults a new proposal's form starts from.
DEFAULT_COEFFICIENTS = "优秀=1.2,良好=1,合格=0.8,不合格=0"
DEFAULT_PERCENTS = "优秀=+5,良好=0,合格=0,不合格=-10"
DEFAULT_PART = "有效=+5,基本有效=0,一般=-10,无效=-50,结果未证明=-10"
RESERVE_YEARS = 3

#: A PART rating as the parameters may name it: its Chinese word or its code.
PART_WORDS = {"有效": Rating.EFFECTIVE, "基本有效": Rating.MODERATELY, "一般": Rating.ADEQUATE,
              "无效": Rating.INEFFECTIVE, "结果未证明": Rating.NOT_DEMONSTRATED}


def _parse(text: str, field: str, *, signed: bool) -> dict[str, Fraction]:
    try:
        return allocation.parse_coefficients(text, signed=signed, option=field)
    except ValueError:
        raise OutcomeInputError(field=field, problem=_(
            "write each as NAME=NUMBER separated by commas, e.g. {example}").format(
                example="优秀=+5,不合格=-10" if signed else "优秀=1.2,良好=1")) from None


def _check_grades(given: dict[str, Fraction], grades: list[str], field: str) -> None:
    unknown = [g for g in given if g not in grades]
    if unknown:
        raise OutcomeInputError(field=field, problem=_("{names} is not a grade of the scheme ({grades})").format(
            names="、".join(unknown), grades="、".join(grades)))


def _results(cycle: Cycle) -> list[Row]:
    if cycle.computed_at is None:
        raise OutcomeStateError(what=str(cycle), problem=_("the cycle has no results yet"))
    if cycle.results_stale:
        raise OutcomeStateError(what=str(cycle), problem=_("the results are out of date: compute the cycle first"))
    rows = result_rows(cycle)
    if not rows:
        raise OutcomeStateError(what=str(cycle), problem=_("the cycle has no results yet"))
    return rows


def _base(r: Row) -> dict[str, Any]:
    return {"subject": r.subject_id, "code": r.code, "name": r.name, "category": r.category, "unit": r.unit,
            "total": round(r.total, 2), "rank": r.rank, "grade": r.grade}


# --- the kinds ----------------------------------------------------------------------------------------------------

def headcounts_of(cycle: Cycle, rows: list[Row]) -> dict[str, int]:
    """Each unit's active staff (a person counts 1)."""
    if cycle.subject_kind == SubjectKind.PERSON:
        return {r.code: 1 for r in rows}
    staff = dict(Person.objects.filter(active=True, unit_id__in=[r.unit_id for r in rows]).values_list("unit_id")
                 .annotate(n=Count("pk")).values_list("unit_id", "n"))
    return {r.code: staff.get(r.unit_id, 0) for r in rows}


def read_headcounts(path: Path, label: str, codes: set[str]) -> dict[str, int]:
    """A headcount file: ``unit,headcount`` (单位,人数) by code; every unit of the cycle must be listed once."""
    out: dict[str, int] = {}
    for n, row in read_file(path, label, {"unit": ("unit", "单位", "单位代码"), "headcount": ("headcount", "人数")},
                            ("unit", "headcount")):
        code, text = row["unit"], row["headcount"]
        if code not in codes:
            raise OutcomeInputError(field=where(label, n, "unit"), problem=_("{code} is not a unit of the cycle")
                                    .format(code=code))
        if code in out:
            raise OutcomeInputError(field=where(label, n, "unit"), problem=_("{code} is listed twice").format(
                code=code))
        if not text.isdigit():
            raise OutcomeInputError(field=where(label, n, "headcount"), problem=_(
                "“{text}” is not a whole number").format(text=text))
        out[code] = int(text)
    missing = sorted(codes - set(out))
    if missing:
        raise OutcomeInputError(field=label, problem=_("no headcount for {codes}").format(
            codes="、".join(missing[:10])))
    return out


def _bonus(cycle: Cycle, rows: list[Row], params: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    pool = params.get("pool")
    if not isinstance(pool, int) or pool <= 0:
        raise OutcomeInputError(field=_("bonus pool (yuan)"), problem=_("a whole number of yuan above 0"))
    coefficients = _parse(str(params.get("coefficients", "")), _("grade coefficients"), signed=False)
    grades = grade_names(cycle)
    _check_grades(coefficients, grades, _("grade coefficients"))
    lacking = sorted({r.grade for r in rows} - set(coefficients))
    if lacking:
        raise OutcomeInputError(field=_("grade coefficients"), problem=_("no coefficient for {grades}").format(
            grades="、".join(lacking)))
    heads = params.get("headcounts") or headcounts_of(cycle, rows)
    amounts = allocation.split(pool, [(r.code, r.rank, coefficients[r.grade], int(heads.get(r.code, 0)))
                                      for r in rows])
    out = [{**_base(r), "coefficient": str(float(coefficients[r.grade])), "headcount": int(heads.get(r.code, 0)),
            "amount": amounts[r.code]} for r in rows]
    out.sort(key=lambda x: (x["category"], x["rank"], x["code"]))
    given = sum(amounts.values())
    return out, {"pool": pool, "allocated": given, "undistributed": pool - given,
                 "headcount": sum(x["headcount"] for x in out)}


def _budget(cycle: Cycle, rows: list[Row], params: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    percents = _parse(str(params.get("percents", "")), _("adjustment by grade (%)"), signed=True)
    _check_grades(percents, grade_names(cycle), _("adjustment by grade (%)"))
    if any(abs(p) > 100 for p in percents.values()):
        raise OutcomeInputError(field=_("adjustment by grade (%)"), problem=_("between -100 and +100"))
    sums: Counter[int] = Counter()
    for sid, amount in BudgetLine.objects.filter(cycle=cycle).values_list("subject_id", "amount"):
        sums[sid] += amount
    if not sums:
        raise OutcomeInputError(field=_("project budgets"), problem=_("import the units' project budgets first"))
    waits = bool(params.get("cut_waits_for_plan"))
    out = []
    for r in rows:
        if r.subject_id not in sums:
            continue
        pct = percents.get(r.grade, Fraction(0))
        change = allocation.budget_change(sums[r.subject_id], pct)
        out.append({**_base(r), "base": sums[r.subject_id], "percent": float(pct), "change": change,
                    "new": sums[r.subject_id] + change, "waits": waits and change < 0})
    return out, {"base": sum(x["base"] for x in out), "added": sum(x["change"] for x in out if x["change"] > 0),
                 "cut": sum(x["change"] for x in out if x["change"] < 0), "units": len(out),
                 "without_budget": len(rows) - len(out)}


def _honour(cycle: Cycle, rows: list[Row], params: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    name = str(params.get("honour", "")).strip()
    if not name:
        raise OutcomeInputError(field=_("honour"), problem=_("name the honour"))
    grades = [g for g in params.get("grades", []) if g]
    if not grades or any(g not in grade_names(cycle) for g in grades):
        raise OutcomeInputError(field=_("grades honoured"), problem=_("choose grades of the scheme"))
    top = params.get("top")
    if top is not None and (not isinstance(top, int) or top < 1):
        raise OutcomeInputError(field=_("best ranks per category"), problem=_("a whole number of at least 1"))
    chosen = allocation.honoured([(r.code, r.category, r.rank, r.grade) for r in rows], set(grades), top)
    by_code = {r.code: r for r in rows}
    out = [{**_base(by_code[c]), "honour": name} for c in chosen]
    return out, {"honoured": len(out)}


def _reserve(cycle: Cycle, rows: list[Row], params: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    years = params.get("years")
    if not isinstance(years, int) or not 2 <= years <= 10:
        raise OutcomeInputError(field=_("years in a row"), problem=_("a whole number from 2 to 10"))
    grades = grade_names(cycle)
    best = set(params.get("grades") or grades[:1])
    if not best <= set(grades):
        raise OutcomeInputError(field=_("grades that count"), problem=_("choose grades of the scheme"))
    past = history(cycle)
    by_code: dict[str, dict[int, str]] = {}
    for year, items in past.items():
        for p in items:
            by_code.setdefault(p.code, {})[year] = p.grade
    out = []
    for r in rows:
        run = allocation.consecutive(by_code.get(r.code, {}), best, cycle.year)
        if len(run) >= years:
            out.append({**_base(r), "years": run, "count": len(run)})
    out.sort(key=lambda x: (-x["count"], x["category"], x["rank"], x["code"]))
    return out, {"people": len(out), "years_seen": sorted(past)}


def _unqualified(cycle: Cycle, rows: list[Row], params: dict[str, Any]) -> tuple[list[dict[str, Any]],
                                                                                    dict[str, Any]]:
    grades = grade_names(cycle)
    chosen = [g for g in params.get("grades", []) if g] or grades[-1:]
    if any(g not in grades for g in chosen):
        raise OutcomeInputError(field=_("grades listed"), problem=_("choose grades of the scheme"))
    measure = str(params.get("measure", "")).strip()
    if not measure:
        raise OutcomeInputError(field=pgettext("allocation", "measure"), problem=_("say what follows for those listed"))
    out = [{**_base(r), "flags": r.flags, "measure": measure} for r in rows if r.grade in chosen]
    return out, {"listed": len(out)}


def _part(cycle: Cycle, rows: list[Row], params: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    raw = _parse(str(params.get("percents", "")), _("adjustment by rating (%)"), signed=True)
    unknown = [w for w in raw if w not in PART_WORDS and w not in Rating.values]
    if unknown:
        raise OutcomeInputError(field=_("adjustment by rating (%)"), problem=_(
            "{names} is not a rating ({ratings})").format(names="、".join(unknown), ratings="、".join(PART_WORDS)))
    percents = {str(PART_WORDS.get(w, w)): p for w, p in raw.items()}
    by_subject = {r.subject_id: r for r in rows}
    out = []
    for line in BudgetLine.objects.filter(cycle=cycle).order_by("subject__code", "project"):
        r = by_subject.get(line.subject_id)
        if r is None:
            continue
        rating = allocation.part_rating(line.score)
        pct = percents.get(rating, Fraction(0))
        change = allocation.budget_change(line.amount, pct)
        out.append({**_base(r), "project": line.project, "project_name": line.name, "amount": line.amount,
                    "score": line.score, "rating": rating, "percent": float(pct), "change": change,
                    "new": line.amount + change})
    if not out:
        raise OutcomeInputError(field=_("project budgets"), problem=_("import the units' project budgets first"))
    counts = Counter(x["rating"] for x in out)
    return out, {"projects": len(out), "ratings": {k: counts.get(k, 0) for k in Rating.values},
                 "amount": sum(x["amount"] for x in out), "change": sum(x["change"] for x in out)}


KINDS = {PlanKind.BONUS: _bonus, PlanKind.BUDGET: _budget, PlanKind.HONOUR: _honour, PlanKind.RESERVE: _reserve,
         PlanKind.UNQUALIFIED: _unqualified, PlanKind.PART: _part}


def _title(kind: str, params: dict[str, Any]) -> str:
    word = str(PlanKind(kind).label)
    if kind == PlanKind.HONOUR:
        word = str(params.get("honour", word))
    return word


def settled(cycle: Cycle) -> bool:
    """Results that allocations may be confirmed on: a unit cycle's final publication; a staff appraisal, which is
    never published, once closed."""
    if cycle.subject_kind == SubjectKind.PERSON:
        return cycle.state in (CycleState.CLOSED, CycleState.PUBLISHED)
    return cycle.state == CycleState.PUBLISHED


def do_propose_plan(cycle: Cycle, kind: str, params: dict[str, Any], *, actor: Any) -> Plan:
    """Compute an allocation of ``kind`` from the cycle's current results with ``params``; a proposal."""
    with transaction.atomic():
        Plan.objects.check_create(actor)
        cycle = Cycle.objects.get_for(actor, Action.VIEW, pk=cycle.pk)
        if kind not in KINDS:
            raise OutcomeInputError(field=pgettext("allocation", "kind"), problem=_("not a kind of allocation"))
        rows = _results(cycle)
        assert cycle.computed_at is not None  # _results refused a cycle without results
        out, totals = KINDS[PlanKind(kind)](cycle, rows, dict(params))
        params = {k: v for k, v in params.items() if k != "headcounts"} | (
            {"headcounts": params["headcounts"]} if params.get("headcounts") else {})
        plan = Plan.objects.create(cycle=cycle, kind=kind, title=_title(kind, params), params=params,
                                   rows=out, totals=totals, basis=cycle.computed_at, created_at=timezone.now(),
                                   created_by=actor_user(actor))
        record_event(OutcomesAction.PROPOSE, actor=actor, obj=plan, after={
            "cycle": cycle.code, "kind": kind, "params": {k: v for k, v in params.items() if k != "headcounts"},
            "rows": len(out), "totals": totals})
    return plan


def do_confirm_plan(plan: Plan, *, actor: Any, comment: str = "") -> Plan:
    """Confirm a proposal: it becomes the cycle's allocation of its kind (audited with every row's figure)."""
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=Plan.objects.get_for(actor, Action.CHANGE, pk=plan.pk).pk)
        if plan.state != PlanState.PROPOSED:
            raise OutcomeStateError(what=plan.title, problem=_("only a proposal can be confirmed; it is {state}")
                                    .format(state=PlanState(plan.state).label))
        cycle = plan.cycle
        if cycle.computed_at != plan.basis or cycle.results_stale:
            raise OutcomeStateError(what=plan.title, problem=_("the results changed after this proposal was made: "
                                                               "propose it again"))
        if not settled(cycle):
            raise OutcomeStateError(what=plan.title, problem=_("an allocation is confirmed after the cycle's final "
                                                               "publication (a staff appraisal: once closed)"))
        plan.state, plan.comment = PlanState.CONFIRMED, comment.strip()
        plan.decided_at, plan.decided_by = timezone.now(), actor_user(actor)
        try:
            with transaction.atomic():
                plan.save(update_fields=["state", "comment", "decided_at", "decided_by"])
        except IntegrityError:
            raise OutcomeStateError(what=plan.title, problem=_("an allocation of this kind is already confirmed "
                                                               "for the cycle: withdraw it first")) from None
        record_event(OutcomesAction.CONFIRM, actor=actor, obj=plan, after={
            "cycle": cycle.code, "kind": plan.kind, "totals": plan.totals, "comment": plan.comment,
            "rows": {r["code"]: _figure(plan.kind, r) for r in plan.rows}})
    return plan


def _figure(kind: str, row: dict[str, Any]) -> Any:
    """What a confirmed row decides, for the audit trail."""
    if kind == PlanKind.PART:
        return [row["project"], row["rating"], row["change"]]
    key = {PlanKind.BONUS: "amount", PlanKind.BUDGET: "change", PlanKind.HONOUR: "honour",
           PlanKind.RESERVE: "years", PlanKind.UNQUALIFIED: "grade"}[PlanKind(kind)]
    return row[key]


def do_withdraw_plan(plan: Plan, *, actor: Any, reason: str = "") -> Plan:
    """Withdraw a proposal, or a confirmed allocation with a reason (it stays on record, withdrawn)."""
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=Plan.objects.get_for(actor, Action.CHANGE, pk=plan.pk).pk)
        if plan.state == PlanState.WITHDRAWN:
            raise OutcomeStateError(what=plan.title, problem=_("it is already withdrawn"))
        if plan.state == PlanState.CONFIRMED and not reason.strip():
            raise OutcomeInputError(field=_("reason"), problem=_("say why a confirmed allocation is withdrawn"))
        before = plan.state
        plan.state, plan.comment = PlanState.WITHDRAWN, reason.strip() or plan.comment
        plan.decided_at, plan.decided_by = timezone.now(), actor_user(actor)
        plan.save(update_fields=["state", "comment", "decided_at", "decided_by"])
        record_event(OutcomesAction.WITHDRAW, actor=actor, obj=plan, before={"state": before},
                     after={"state": plan.state, "reason": plan.comment})
    return plan


def plan_states(plan: Plan) -> dict[int, str]:
    """For a budget allocation whose cuts wait for improvement plans: each waiting subject's plan state
    (``none`` when the unit has submitted none)."""
    waiting = [r["subject"] for r in plan.rows if r.get("waits")]
    if not waiting:
        return {}
    found = dict(ImprovementPlan.objects.filter(subject_id__in=waiting).values_list("subject_id", "state"))
    return {sid: found.get(sid, "none") for sid in waiting}


def cut_in_effect(row: dict[str, Any], states: dict[int, str]) -> bool:
    """A cut takes effect when it does not wait, or the unit's improvement plan was accepted."""
    return not row.get("waits") or states.get(row["subject"]) == ImprovementState.ACCEPTED
