"""Appeals through the API: a cycle's appeals the caller may see, one appeal with its steps, drafting, and the
steps (the same services as the pages)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.security import django_auth

from jixiao.api import errors
from jixiao.core.choices import Action
from jixiao.cycles.models import Subject
from jixiao.review.choices import AppealStep, AppealTarget, HearingDecision
from jixiao.review.errors import AppealInputError
from jixiao.review.models import Appeal
from jixiao.review.services import (
    do_accept_appeal,
    do_decide_hearing,
    do_draft_appeal,
    do_reject_appeal,
    do_schedule_hearing,
    do_sign_appeal,
    do_withdraw_appeal,
)

router = Router(tags=["appeals"])


class StepOut(Schema):
    step: str
    state: str
    note: str
    by: str | None
    at: datetime


class AppealOut(Schema):
    id: int
    cycle: str
    unit: str
    target: str
    indicator: str
    grounds: str
    cited: str
    state: str
    decision: str
    drafted_at: datetime
    signed_at: datetime | None
    decided_at: datetime | None
    steps: list[StepOut]


class AppealIn(Schema):
    unit: str
    target: AppealTarget
    indicator: str = ""
    grounds: str
    cited: str = ""


class StepIn(Schema):
    reason: str = ""
    corrections: dict[str, str] = Field(default_factory=dict)
    at: datetime | None = None
    place: str = ""
    participants: str = ""
    observers: str = ""
    decision: HearingDecision | None = None
    minutes: str = ""


def _out(a: Appeal) -> dict[str, Any]:
    return {"id": a.pk, "cycle": a.cycle.code, "unit": a.subject.code, "target": a.target,
            "indicator": a.indicator, "grounds": a.grounds, "cited": a.cited, "state": a.state,
            "decision": a.decision, "drafted_at": a.drafted_at, "signed_at": a.signed_at,
            "decided_at": a.decided_at,
            "steps": [{"step": s.step, "state": s.after, "note": s.note,
                       "by": s.actor.get_username() if s.actor else None, "at": s.at}
                      for s in a.steps.select_related("actor")]}


def _get(request: HttpRequest, pk: int) -> Appeal:
    appeal: Appeal = Appeal.objects.select_related("cycle", "subject").get_for(request.user, Action.VIEW, pk=pk)
    return appeal


@router.get("/{cycle}/", response={200: list[AppealOut], **errors(401)}, auth=django_auth)
def list_appeals(request: HttpRequest, cycle: str) -> list[dict[str, Any]]:
    """The cycle's appeals the caller may see: a unit's own, all for the office and auditors."""
    qs = Appeal.objects.restrict(request.user, Action.VIEW).filter(cycle__code=cycle).select_related(
        "cycle", "subject")
    return [_out(a) for a in qs]


@router.get("/appeal/{pk}", response={200: AppealOut, **errors(401, 404)}, auth=django_auth)
def get_appeal(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _out(_get(request, pk))


@router.post("/{cycle}/draft", response={200: AppealOut, **errors(401, 403, 404, 409, 422)}, auth=django_auth)
def draft_appeal(request: HttpRequest, cycle: str, payload: AppealIn) -> dict[str, Any]:
    """Draft an appeal for one of the caller's units while the publicity lasts (the leader signs it)."""
    subject = Subject.objects.get_for(request.user, Action.VIEW, cycle__code=cycle, code=payload.unit)
    appeal = do_draft_appeal(subject, actor=request.user, target=payload.target, indicator=payload.indicator,
                             grounds=payload.grounds, cited=payload.cited)
    return _out(appeal)


@router.post("/appeal/{pk}/{step}", response={200: AppealOut, **errors(401, 403, 404, 409, 422)},
             auth=django_auth)
def take_step(request: HttpRequest, pk: int, step: AppealStep, payload: StepIn) -> dict[str, Any]:
    """Take a step on an appeal: sign, withdraw (the unit); accept, reject, hearing, decide (the office)."""
    appeal = _get(request, pk)
    user = request.user
    if step == AppealStep.SIGN:
        do_sign_appeal(appeal, actor=user)
    elif step == AppealStep.WITHDRAW:
        do_withdraw_appeal(appeal, actor=user, reason=payload.reason)
    elif step == AppealStep.ACCEPT:
        do_accept_appeal(appeal, actor=user, reason=payload.reason, corrections=payload.corrections)
    elif step == AppealStep.REJECT:
        do_reject_appeal(appeal, actor=user, reason=payload.reason)
    elif step == AppealStep.HEARING:
        if payload.at is None:
            raise AppealInputError(field="at", problem="required")
        do_schedule_hearing(appeal, actor=user, at=payload.at, place=payload.place,
                            participants=payload.participants, observers=payload.observers)
    elif step == AppealStep.DECIDE:
        do_decide_hearing(appeal, actor=user, decision=payload.decision or "", minutes=payload.minutes,
                          reasons=payload.reason, corrections=payload.corrections)
    else:
        raise AppealInputError(field="step", problem="not a step of an appeal")
    return _out(_get(request, pk))
