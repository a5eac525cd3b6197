"""Files the office brings: the units' project budgets of a cycle's year (项目预算, with each project's evaluation
score when it was evaluated) and the results of years before the platform (往年考核结果). All or nothing: a file
with any problem changes nothing and names every problem's file, row and column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jixiao.audit.services import record_event
from jixiao.core.choices import Action
from jixiao.cycles.models import Cycle, Subject
from jixiao.outcomes.choices import HistoryKind, OutcomesAction
from jixiao.outcomes.errors import OutcomeInputError
from jixiao.outcomes.models import BudgetLine, HistoricalResult
from jixiao.outcomes.services.common import number, read_file, where

BUDGET_COLUMNS = {"unit": ("unit", "单位代码", "单位"), "project": ("project", "项目编号"),
                  "name": ("name", "项目名称"), "amount": ("amount", "budget", "预算金额（元）", "预算金额"),
                  "score": ("score", "评价得分")}
HISTORY_COLUMNS = {"year": ("year", "年度"), "kind": ("kind", "对象类型"), "code": ("code", "代码"),
                   "name": ("name", "名称"), "category": ("category", "类别"), "total": ("total", "总分"),
                   "rank": ("rank", "排名"), "grade": ("grade", "等次")}
MAX_ROWS = 50_000
KIND_WORDS = {"unit": HistoryKind.UNIT, "单位": HistoryKind.UNIT, "person": HistoryKind.PERSON,
              "个人": HistoryKind.PERSON, "工作人员": HistoryKind.PERSON}


def _first(problems: list[str]) -> None:
    if problems:
        more = len(problems) - 10
        raise OutcomeInputError(field=_("file"), problem="；".join(problems[:10]) + (
            _(" … and {n} more").format(n=more) if more > 0 else ""))


def do_import_budgets(cycle: Cycle, path: Path, *, actor: Any, label: str = "") -> int:
    """Replace the cycle's project budgets with the file's (unit code or name, project code, name, amount in whole
    yuan, optional score 0-100). Returns the number of projects."""
    label = label or path.name
    rows = read_file(path, label, BUDGET_COLUMNS, ("unit", "project", "name", "amount"))
    if len(rows) > MAX_ROWS:
        raise OutcomeInputError(field=label, problem=_("at most {n} rows").format(n=MAX_ROWS))
    with transaction.atomic():
        BudgetLine.objects.check_create(actor)
        cycle = Cycle.objects.get_for(actor, Action.CHANGE, pk=cycle.pk)
        subjects = {s.code: s for s in Subject.objects.filter(cycle=cycle, person__isnull=True)}
        by_name = {s.name: s for s in subjects.values()}
        lines: list[BudgetLine] = []
        problems: list[str] = []
        seen: dict[str, int] = {}
        for n, row in rows:
            try:
                subject = subjects.get(row["unit"]) or by_name.get(row["unit"])
                if subject is None:
                    raise OutcomeInputError(field=where(label, n, "unit"), problem=_(
                        "{unit} is not a unit of the cycle").format(unit=row["unit"]))
                if not row["project"] or not row["name"]:
                    raise OutcomeInputError(field=where(label, n, "project"), problem=_("a project needs a code "
                                                                                        "and a name"))
                if row["project"] in seen:
                    raise OutcomeInputError(field=where(label, n, "project"), problem=_(
                        "{code} is already on row {row}").format(code=row["project"], row=seen[row["project"]]))
                seen[row["project"]] = n
                amount = number(row["amount"], label, n, "amount", whole=True, low=0, high=1e13)
                score = (number(row["score"], label, n, "score", low=0, high=100)
                         if row.get("score") else None)
            except OutcomeInputError as exc:
                problems.append(exc.text)
                continue
            lines.append(BudgetLine(cycle=cycle, subject=subject, project=row["project"][:64],
                                    name=row["name"][:200], amount=int(amount), score=score))
        _first(problems)
        removed = BudgetLine.objects.filter(cycle=cycle).delete()[0]
        BudgetLine.objects.bulk_create(lines)
        record_event(OutcomesAction.BUDGET, actor=actor, obj=cycle, after={
            "file": label, "projects": len(lines), "replaced": removed, "amount": sum(x.amount for x in lines)})
    return len(lines)


def do_import_history(path: Path, *, actor: Any, label: str = "") -> int:
    """Add or replace earlier years' results (year, kind unit/person, code, name, category, total, rank, grade):
    a row of a year, kind and code already held replaces it. Returns the number of rows."""
    label = label or path.name
    rows = read_file(path, label, HISTORY_COLUMNS, ("year", "code", "name", "grade"))
    if len(rows) > MAX_ROWS:
        raise OutcomeInputError(field=label, problem=_("at most {n} rows").format(n=MAX_ROWS))
    items: dict[tuple[int, str, str], HistoricalResult] = {}
    problems: list[str] = []
    for n, row in rows:
        try:
            year = int(number(row["year"], label, n, "year", whole=True, low=2000, high=2100))
            kind = KIND_WORDS.get((row.get("kind") or "unit").lower())
            if kind is None:
                raise OutcomeInputError(field=where(label, n, "kind"), problem=_(
                    "“{text}” is neither unit (单位) nor person (个人)").format(text=row["kind"]))
            if not row["code"] or not row["grade"]:
                raise OutcomeInputError(field=where(label, n, "code"), problem=_("a row needs a code and a grade"))
            total = number(row["total"], label, n, "total", low=-1000, high=1000) if row.get("total") else None
            rank = int(number(row["rank"], label, n, "rank", whole=True, low=1, high=1e6)) if row.get("rank") else None
            key = (year, str(kind), row["code"])
            if key in items:
                raise OutcomeInputError(field=where(label, n, "code"), problem=_(
                    "{code} is listed twice for {year}").format(code=row["code"], year=year))
        except OutcomeInputError as exc:
            problems.append(exc.text)
            continue
        items[key] = HistoricalResult(year=year, kind=kind, code=row["code"][:64], name=row["name"][:200],
                                      population=(row.get("category") or "")[:64], total=total, rank=rank,
                                      grade=row["grade"][:32], source=label[:200])
    _first(problems)
    with transaction.atomic():
        HistoricalResult.objects.check_create(actor)
        groups: dict[tuple[int, str], list[str]] = {}
        for y, k, c in items:
            groups.setdefault((y, k), []).append(c)
        for (y, k), codes in groups.items():
            for i in range(0, len(codes), 500):
                HistoricalResult.objects.filter(year=y, kind=k, code__in=codes[i:i + 500]).delete()
        HistoricalResult.objects.bulk_create(items.values())
        years = sorted({k[0] for k in items})
        record_event(OutcomesAction.HISTORY, actor=actor, object_type="outcomes.historicalresult",
                     object_repr=label, after={"file": label, "rows": len(items), "years": years})
    return len(items)
