"""Read endpoints for results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from jixiao.api import errors
from jixiao.core.choices import Action
from jixiao.cycles.models import Cycle
from jixiao.results.choices import Lang
from jixiao.results.models import Result
from jixiao.results.services import result_explanation

router = Router(tags=["results"])


class ResultOut(Schema):
    unit: str
    name: str
    category: str
    total: float
    rank: int
    grade: str
    flags: str
    points: dict[str, Any]
    engine_version: str
    computed_at: datetime

    @staticmethod
    def resolve_unit(obj: Result) -> str:
        return obj.subject.code

    @staticmethod
    def resolve_name(obj: Result) -> str:
        return obj.subject.name

    @staticmethod
    def resolve_category(obj: Result) -> str:
        return obj.subject.category

    @staticmethod
    def resolve_total(obj: Result) -> float:
        return round(obj.total, 2)


class ExplanationOut(Schema):
    unit: str
    text: str


@router.get("/{code}/results", response={200: list[ResultOut], **errors(404)})
def list_results(request: HttpRequest, code: str) -> list[Result]:
    """A cycle's results the caller may see, by category and rank."""
    cycle = Cycle.objects.get_for(request.user, Action.VIEW, code=code)
    return list(
        Result.objects.restrict(request.user, Action.VIEW).filter(cycle=cycle).select_related("subject")
    )


@router.get("/{code}/results/{unit}", response={200: ExplanationOut, **errors(404)})
def explain_result(request: HttpRequest, code: str, unit: str, lang: Lang = Lang.ZH) -> dict[str, str]:
    """How one subject's score came about (得分说明)."""
    result = Result.objects.select_related("subject", "cycle__scheme").get_for(
        request.user, Action.VIEW, cycle__code=code, subject__code=unit
    )
    return {"unit": unit, "text": result_explanation(result, lang)}
