"""Read endpoints for the organisation tree."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from jixiao.core.choices import Action
from jixiao.org.models import Unit

router = Router(tags=["organisation"])


class UnitOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None
    category: str | None

    @staticmethod
    def resolve_parent(obj: Unit) -> str | None:
        return obj.parent.code if obj.parent is not None else None

    @staticmethod
    def resolve_category(obj: Unit) -> str | None:
        return obj.category.code if obj.category is not None else None


@router.get("/", response=list[UnitOut])
def list_units(request: HttpRequest) -> list[Unit]:
    """The unit tree, in tree order."""
    return list(Unit.objects.restrict(request.user, Action.VIEW).select_related("parent", "category"))
