"""Ratings through the API: the caller's rating tasks and submitting one (the same service as the form), and a
subject's group results under the scheme's anonymity rule (never a rater, never a group below k)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from jixiao.api import errors
from jixiao.core.choices import Action
from jixiao.core.errors import NotFoundError
from jixiao.cycles.models import Cycle
from jixiao.ratings.models import Assignment
from jixiao.ratings.querysets import results_subjects
from jixiao.ratings.services import do_submit_rating, form_indicators, group_results

router = Router(tags=["ratings"])


class TaskOut(Schema):
    id: int
    campaign: str
    kind: str
    cycle: str
    unit: str
    group: str
    indicators: list[str]
    state: str
    deadline: datetime | None
    submitted_at: datetime | None


class SubmitIn(Schema):
    #: Indicator code -> score on its scale (a described level where it has them); a democratic appraisal:
    #: {"vote": "excellent" | "competent" | "basic" | "incompetent"}.
    answers: dict[str, float | str]
    comment: str = ""


class GroupOut(Schema):
    #: The rater group's code, or "*" for other raters pooled (anonymity ``merge``).
    group: str
    mean: float
    count: int


class IndicatorOut(Schema):
    indicator: str
    name: str
    groups: list[GroupOut]
    withheld: bool


class GroupResultsOut(Schema):
    unit: str
    k: int
    indicators: list[IndicatorOut]
    comments: list[str]


def _task(a: Assignment) -> dict[str, Any]:
    return {"id": a.pk, "campaign": a.campaign.name, "kind": a.campaign.kind, "cycle": a.campaign.cycle.code,
            "unit": a.subject.code, "group": a.group, "indicators": [n.code for n in form_indicators(a)],
            "state": a.state, "deadline": a.campaign.deadline, "submitted_at": a.submitted_at}


@router.get("/tasks", response={200: list[TaskOut], **errors(401)}, auth=django_auth)
def list_tasks(request: HttpRequest) -> list[dict[str, Any]]:
    """The caller's own rating tasks (assigned to their account)."""
    rows = (Assignment.objects.restrict(request.user, Action.VIEW).filter(rater=request.user)
            .select_related("campaign__cycle__scheme", "subject"))
    return [_task(a) for a in rows]


@router.post("/tasks/{id}", response={200: TaskOut, **errors(401, 403, 404, 409, 422)}, auth=django_auth)
def submit_task(request: HttpRequest, id: int, payload: SubmitIn) -> dict[str, Any]:
    """Submit one's rating form, once."""
    row = Assignment.objects.get_for(request.user, Action.CHANGE, pk=id, rater=request.user)
    return _task(do_submit_rating(row, payload.answers, actor=request.user, comment=payload.comment))


@router.get("/{cycle}/results/{unit}", response={200: GroupResultsOut, **errors(401, 404)}, auth=django_auth)
def subject_results(request: HttpRequest, cycle: str, unit: str) -> dict[str, Any]:
    """A subject's ratings by group as its unit (or the person) may see them: groups below k withheld."""
    cyc = Cycle.objects.get_for(request.user, Action.VIEW, code=cycle)
    subject = results_subjects(request.user).filter(cycle=cyc, code=unit).select_related("cycle__scheme").first()
    if subject is None:
        raise NotFoundError(what="subject")
    data = group_results(subject)
    return {"unit": unit, "k": data.k, "comments": data.comments, "indicators": [
        {"indicator": i.code, "name": i.name, "withheld": i.withheld,
         "groups": [{"group": g.group, "mean": round(g.mean, 4), "count": g.count} for g in i.lines]}
        for i in data.indicators]}

