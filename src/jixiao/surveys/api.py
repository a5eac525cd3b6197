"""Surveys through the API: the surveys the caller may see and a survey's results (a unit's operators and leaders:
their units' only), and, for the public, submitting a response by invitation token or link (the same service as
the survey page; no page-load time, so the speed check does not apply to answers sent this way)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from axes.helpers import get_client_ip_address
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.security import django_auth

from jixiao.api import errors
from jixiao.core.choices import Action
from jixiao.surveys.choices import Channel
from jixiao.surveys.models import Survey, SurveyResult
from jixiao.surveys.services import do_submit_survey_response

router = Router(tags=["surveys"])


class SurveyOut(Schema):
    id: int
    cycle: str
    title: str
    mode: str
    state: str
    questions: int
    computed_at: datetime | None


class SurveyResultOut(Schema):
    unit: str
    indicator: str
    value: float | None
    responses: int
    valid: int
    excluded: dict[str, int]
    tokens: int | None
    rate: float | None
    mean: float | None
    sd: float | None
    margin: float | None
    note: str
    computed_at: datetime


class SurveyResponseIn(Schema):
    #: One answer per question in order, each 1 (非常不满意) to 5 (非常满意).
    answers: list[int] = Field(max_length=40)


class SurveyResponseOut(Schema):
    survey: str
    unit: str
    flagged: bool
    submitted_at: datetime


@router.get("/", response={200: list[SurveyOut], **errors(401)}, auth=django_auth)
def list_surveys(request: HttpRequest) -> list[dict[str, Any]]:
    """The surveys the caller may see, newest first."""
    surveys = Survey.objects.restrict(request.user, Action.VIEW).select_related("cycle")
    return [{"id": s.pk, "cycle": s.cycle.code, "title": s.title, "mode": s.mode, "state": s.state,
             "questions": s.questions.count(), "computed_at": s.computed_at} for s in surveys[:500]]


@router.get("/{id}/results", response={200: list[SurveyResultOut], **errors(401, 404)}, auth=django_auth)
def survey_results(request: HttpRequest, id: int) -> list[dict[str, Any]]:
    """A survey's results with their provenance, the units' the caller may see."""
    survey = Survey.objects.get_for(request.user, Action.VIEW, pk=id)
    results = SurveyResult.objects.restrict(request.user, Action.VIEW).filter(survey=survey).select_related("subject")
    return [{"unit": r.subject.code, "indicator": r.indicator, "value": r.value, "responses": r.responses,
             "valid": r.valid, "excluded": r.excluded, "tokens": r.tokens, "rate": r.rate, "mean": r.mean, "sd": r.sd,
             "margin": r.margin, "note": r.note, "computed_at": r.computed_at} for r in results]


@router.post("/respond/{key}", response={200: SurveyResponseOut, **errors(404, 422, 429)})
def respond(request: HttpRequest, key: str, payload: SurveyResponseIn) -> dict[str, Any]:
    """Submit a citizen's answers by invitation token (then spent) or open link (limited per network and hour)."""
    response = do_submit_survey_response(key, payload.answers, actor=None, ip=get_client_ip_address(request) or "",
                                         user_agent=request.headers.get("user-agent", "")[:500], channel=Channel.API)
    return {"survey": response.survey.title, "unit": response.subject.code, "flagged": response.flagged,
                 "submitted_at": response.submitted_at}
