"""Using the results through the API: the allocations the caller may see and their rows (read only; the pages and
the services write)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from jixiao.api import errors
from jixiao.core.choices import Action
from jixiao.outcomes.choices import PlanKind, PlanState
from jixiao.outcomes.models import Plan
from jixiao.outcomes.querysets import plan_rows_for

router = Router(tags=["outcomes"])


class PlanOut(Schema):
    id: int
    cycle: str
    kind: PlanKind
    state: PlanState
    title: str
    params: dict[str, Any]
    totals: dict[str, Any]
    basis: datetime
    created_at: datetime
    decided_at: datetime | None


class PlanRowsOut(PlanOut):
    #: One row a subject (a project for project ratings); a unit's operators and leaders get their units' rows.
    rows: list[dict[str, Any]]


def _out(p: Plan) -> dict[str, Any]:
    return {"id": p.pk, "cycle": p.cycle.code, "kind": p.kind, "state": p.state, "title": p.title,
            "params": {k: v for k, v in p.params.items() if k != "headcounts"}, "totals": p.totals,
            "basis": p.basis, "created_at": p.created_at, "decided_at": p.decided_at}


@router.get("/plans", response={200: list[PlanOut], **errors(401)}, auth=django_auth)
def list_plans(request: HttpRequest, cycle: str | None = None, kind: PlanKind | None = None,
               state: PlanState | None = None) -> list[dict[str, Any]]:
    """The allocations the caller may see, newest first (the office and auditors: all; a unit's operators and
    leaders: the confirmed ones holding their units); the first 1,000."""
    qs = Plan.objects.restrict(request.user, Action.VIEW).select_related("cycle")
    if cycle is not None:
        qs = qs.filter(cycle__code=cycle)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if state is not None:
        qs = qs.filter(state=state)
    return [_out(p) for p in qs[:1000]]


@router.get("/plans/{id}", response={200: PlanRowsOut, **errors(401, 404)}, auth=django_auth)
def get_plan(request: HttpRequest, id: int) -> dict[str, Any]:
    """An allocation with the rows the caller may see."""
    plan: Plan = Plan.objects.select_related("cycle").get_for(request.user, Action.VIEW, pk=id)
    return {**_out(plan), "rows": plan_rows_for(request.user, plan)}
