"""Writing values through the API (session authentication; the same service as every other path)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from jixiao.api import errors
from jixiao.collection.models import Value
from jixiao.collection.services import do_set_value
from jixiao.core.choices import Action
from jixiao.cycles.models import Subject

router = Router(tags=["values"])


class ValueIn(Schema):
    cycle: str
    unit: str
    indicator: str
    value: float
    note: str = ""


class ValueOut(Schema):
    unit: str
    indicator: str
    value: float
    source: str
    entered_at: datetime
    note: str

    @staticmethod
    def resolve_unit(obj: Value) -> str:
        return obj.subject.code


@router.post("/", response={200: ValueOut, **errors(401, 403, 404, 409, 422)}, auth=django_auth)
def set_value(request: HttpRequest, payload: ValueIn) -> Value:
    """Enter a value (an operator for their own units, while the cycle is open)."""
    subject = Subject.objects.get_for(request.user, Action.VIEW, cycle__code=payload.cycle, code=payload.unit)
    return do_set_value(
        subject, payload.indicator, payload.value, actor=request.user, source="api", note=payload.note
    )
