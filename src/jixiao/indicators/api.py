"""Read endpoints for the indicator library."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from jixiao.core.choices import Action
from jixiao.indicators.models import IndicatorVersion

router = Router(tags=["indicators"])


class IndicatorVersionOut(Schema):
    code: str
    version: int
    name: str
    definition: str
    unit_of_measure: str
    kind: str
    source: str

    @staticmethod
    def resolve_code(obj: IndicatorVersion) -> str:
        return obj.indicator.code


@router.get("/", response=list[IndicatorVersionOut])
def list_indicators(request: HttpRequest) -> list[IndicatorVersion]:
    """Every version of every indicator the caller may read (signed-in users)."""
    return list(IndicatorVersion.objects.restrict(request.user, Action.VIEW).select_related("indicator"))
