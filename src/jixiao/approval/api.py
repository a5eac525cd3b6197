"""Approval through the API: where each unit's data stand, and taking a step (the same services)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from jixiao.api import errors
from jixiao.approval.choices import Step
from jixiao.approval.services import state_of
from jixiao.approval.views import SERVICES
from jixiao.core.choices import Action
from jixiao.cycles.models import Subject

router = Router(tags=["approval"])


class StateOut(Schema):
    unit: str
    state: str


class StepIn(Schema):
    reason: str = ""


@router.get("/{cycle}/", response={200: list[StateOut], **errors(401)}, auth=django_auth)
def states(request: HttpRequest, cycle: str) -> list[dict[str, str]]:
    """Each visible unit's approval state in the cycle."""
    subjects = Subject.objects.restrict(request.user, Action.VIEW).filter(cycle__code=cycle).order_by("code")
    return [{"unit": s.code, "state": state_of(s)} for s in subjects]


@router.post("/{cycle}/{unit}/{step}", response={200: StateOut, **errors(401, 403, 404, 409, 422)},
             auth=django_auth)
def take_step(request: HttpRequest, cycle: str, unit: str, step: Step, payload: StepIn) -> dict[str, str]:
    """Take an approval step (submit, withdraw, approve, return, accept, reopen) on a unit's data."""
    subject = Subject.objects.get_for(request.user, Action.VIEW, cycle__code=cycle, code=unit)
    SERVICES[step](subject, request.user, payload.reason)
    return {"unit": subject.code, "state": state_of(subject)}
