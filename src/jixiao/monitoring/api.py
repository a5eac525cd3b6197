"""Monitoring through the API: the warnings the caller may see, entering a period value and answering a
warning; the rectification orders and escalations the caller may see, and a unit's system acknowledging an order
with its plan and submitting it for re-check (the same services as the pages)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from jixiao.api import errors
from jixiao.core.choices import Action
from jixiao.cycles.models import Subject
from jixiao.monitoring.choices import OrderState, WarningKind, WarningState
from jixiao.monitoring.models import Escalation, Order, PeriodValue, Warning
from jixiao.monitoring.services import (
    do_acknowledge_order,
    do_answer_warning,
    do_set_period_value,
    do_submit_order,
)

router = Router(tags=["monitoring"])


class WarningOut(Schema):
    id: int
    cycle: str
    unit: str
    indicator: str
    period: int
    kind: str
    status: str
    detail: str
    state: str
    answer: str
    answered_at: datetime | None
    follow_up: str
    created_at: datetime


class PeriodValueIn(Schema):
    unit: str
    indicator: str
    #: The month, 1 to 12.
    period: int
    #: The cumulative value to the end of the month: a number, or text as people type it.
    value: float | str
    note: str = ""
    #: The version this value is based on (0: there was none).
    version: int = 0


class PeriodValueOut(Schema):
    unit: str
    indicator: str
    period: int
    value: float
    version: int
    note: str
    entered_at: datetime


class AnswerIn(Schema):
    answer: str


def _out(w: Warning) -> dict[str, Any]:
    return {"id": w.pk, "cycle": w.cycle.code, "unit": w.subject.code, "indicator": w.indicator,
            "period": w.period, "kind": w.kind, "status": w.status, "detail": w.detail, "state": w.state,
            "answer": w.answer, "answered_at": w.answered_at, "follow_up": w.follow_up,
            "created_at": w.created_at}


@router.get("/{cycle}/warnings", response={200: list[WarningOut], **errors(401)}, auth=django_auth)
def list_warnings(request: HttpRequest, cycle: str, state: WarningState | None = None,
                  kind: WarningKind | None = None) -> list[dict[str, Any]]:
    """The cycle's warnings the caller may see: a unit's own, all for the office and auditors; the newest 1,000
    first (narrow with ``state`` and ``kind``)."""
    qs = Warning.objects.restrict(request.user, Action.VIEW).filter(cycle__code=cycle).select_related(
        "cycle", "subject")
    if state is not None:
        qs = qs.filter(state=state)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return [_out(w) for w in qs[:1000]]


@router.post("/{cycle}/values", response={200: PeriodValueOut, **errors(401, 403, 404, 409, 422)},
             auth=django_auth)
def set_period_value(request: HttpRequest, cycle: str, payload: PeriodValueIn) -> dict[str, Any]:
    """Enter a unit's cumulative value of an indicator to the end of a month (checked like a value)."""
    subject = Subject.objects.get_for(request.user, Action.VIEW, cycle__code=cycle, code=payload.unit)
    row: PeriodValue = do_set_period_value(subject, payload.indicator, payload.period, payload.value,
                                           actor=request.user, version=payload.version, note=payload.note)
    return {"unit": subject.code, "indicator": row.indicator, "period": row.period, "value": row.value,
            "version": row.version, "note": row.note, "entered_at": row.entered_at}


@router.post("/warnings/{id}/answer", response={200: WarningOut, **errors(401, 403, 404, 409, 422)},
             auth=django_auth)
def answer_warning(request: HttpRequest, id: int, payload: AnswerIn) -> dict[str, Any]:
    """Answer a warning of one of the caller's units (or, for the office, any)."""
    warning = Warning.objects.select_related("cycle", "subject").get_for(request.user, Action.VIEW, pk=id)
    return _out(do_answer_warning(warning, actor=request.user, answer=payload.answer))


# --- rectification orders and escalation ---------------------------------------------------------------------

class OrderOut(Schema):
    id: int
    number: str
    cycle: str
    unit: str
    indicator: str
    #: The month that ends the red quarter.
    period: int
    finding: str
    requirement: str
    state: str
    public: bool
    ack_due: datetime | None
    due: datetime | None
    plan: str
    issued_at: datetime | None
    acknowledged_at: datetime | None
    closed_at: datetime | None
    fails: int
    #: What is overdue now, in words; empty when nothing is.
    overdue: str
    created_at: datetime


class PlanIn(Schema):
    plan: str


class SummaryIn(Schema):
    summary: str


class StepOut(Schema):
    stage: int
    period: int
    reason: str
    automatic: bool
    record: str
    at: datetime
    recorded_at: datetime | None


class EscalationOut(Schema):
    id: int
    cycle: str
    unit: str
    indicator: str
    stage: int
    updated_at: datetime
    steps: list[StepOut]


def _order_out(o: Order) -> dict[str, Any]:
    return {"id": o.pk, "number": o.number, "cycle": o.cycle.code, "unit": o.subject.code, "indicator": o.indicator,
            "period": o.period, "finding": o.finding, "requirement": o.requirement, "state": o.state,
            "public": o.public, "ack_due": o.ack_due, "due": o.due, "plan": o.plan, "issued_at": o.issued_at,
            "acknowledged_at": o.acknowledged_at, "closed_at": o.closed_at, "fails": o.fails,
            "overdue": o.overdue(), "created_at": o.created_at}


@router.get("/{cycle}/orders", response={200: list[OrderOut], **errors(401)}, auth=django_auth)
def list_orders(request: HttpRequest, cycle: str, state: OrderState | None = None) -> list[dict[str, Any]]:
    """The cycle's rectification orders the caller may see: a unit's own, all for the office and auditors; the
    newest 1,000 first (narrow with ``state``)."""
    qs = Order.objects.restrict(request.user, Action.VIEW).filter(cycle__code=cycle).select_related(
        "cycle", "subject")
    if state is not None:
        qs = qs.filter(state=state)
    return [_order_out(o) for o in qs[:1000]]


def _order_for(request: HttpRequest, id: int) -> Order:
    order: Order = Order.objects.select_related("cycle", "subject").get_for(request.user, Action.VIEW, pk=id)
    return order


@router.post("/orders/{id}/acknowledge", response={200: OrderOut, **errors(401, 403, 404, 409, 422)},
             auth=django_auth)
def acknowledge_order(request: HttpRequest, id: int, payload: PlanIn) -> dict[str, Any]:
    """Acknowledge an issued order of one of the caller's units with the rectification plan."""
    return _order_out(do_acknowledge_order(_order_for(request, id), actor=request.user, plan=payload.plan))


@router.post("/orders/{id}/submit", response={200: OrderOut, **errors(401, 403, 404, 409, 422)},
             auth=django_auth)
def submit_order(request: HttpRequest, id: int, payload: SummaryIn) -> dict[str, Any]:
    """Report an order of one of the caller's units rectified and ask for the office's re-check."""
    return _order_out(do_submit_order(_order_for(request, id), actor=request.user, summary=payload.summary))


@router.get("/{cycle}/escalations", response={200: list[EscalationOut], **errors(401)}, auth=django_auth)
def list_escalations(request: HttpRequest, cycle: str) -> list[dict[str, Any]]:
    """The cycle's escalations the caller may see, standing ones first (highest stage first), each with its
    steps; the first 1,000."""
    qs = (Escalation.objects.restrict(request.user, Action.VIEW).filter(cycle__code=cycle)
          .select_related("cycle", "subject").prefetch_related("steps")
          .order_by("-stage", "subject__code", "indicator"))
    return [{"id": e.pk, "cycle": e.cycle.code, "unit": e.subject.code, "indicator": e.indicator,
             "stage": e.stage, "updated_at": e.updated_at,
             "steps": [{"stage": s.stage, "period": s.period, "reason": s.reason, "automatic": s.automatic,
                        "record": s.record, "at": s.at, "recorded_at": s.recorded_at} for s in e.steps.all()]}
            for e in qs[:1000]]
