"""Read endpoints for cycles."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from jixiao.api import errors
from jixiao.core.choices import Action
from jixiao.cycles.models import Cycle

router = Router(tags=["cycles"])


class CycleOut(Schema):
    code: str
    name: str
    scheme: str
    subject_kind: str
    period_kind: str
    year: int
    period_number: int
    state: str
    computed_at: datetime | None
    published_at: datetime | None

    @staticmethod
    def resolve_scheme(obj: Cycle) -> str:
        return f"{obj.scheme.code} v{obj.scheme.version}"


@router.get("/", response=list[CycleOut])
def list_cycles(request: HttpRequest) -> list[Cycle]:
    """The cycles the caller may see (the public: published ones)."""
    return list(Cycle.objects.restrict(request.user, Action.VIEW).select_related("scheme"))


@router.get("/{code}", response={200: CycleOut, **errors(404)})
def get_cycle(request: HttpRequest, code: str) -> Cycle:
    """One cycle; an unseen cycle is answered like a missing one (404)."""
    cycle: Cycle = Cycle.objects.select_related("scheme").get_for(request.user, Action.VIEW, code=code)
    return cycle
