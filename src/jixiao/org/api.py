"""Endpoints for the organisation tree: read it (everyone), add and change units (the office), through the same
services as the back office and imports. A new parent is a move of the unit with its whole subtree."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from jixiao.api import errors
from jixiao.core.choices import Action
from jixiao.org.models import Category, Unit
from jixiao.org.services import do_create_unit, do_update_unit

router = Router(tags=["organisation"])


class UnitOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None
    category: str | None
    active: bool

    @staticmethod
    def resolve_parent(obj: Unit) -> str | None:
        return obj.parent.code if obj.parent is not None else None

    @staticmethod
    def resolve_category(obj: Unit) -> str | None:
        return obj.category.code if obj.category is not None else None


class UnitIn(Schema):
    """A new unit; ``parent`` and ``category`` by code (no parent: a root)."""

    code: str
    name: str
    level: str
    parent: str | None = None
    category: str | None = None


class UnitPatch(Schema):
    """The fields to change, and only those; ``parent`` null makes the unit a root, ``category`` null takes
    its category away."""

    name: str | None = None
    level: str | None = None
    category: str | None = None
    parent: str | None = None
    active: bool | None = None


def _unit(user: Any, code: str | None) -> Unit | None:
    """The unit named as a parent: one the user may see, else 404 (as for any unit)."""
    return Unit.objects.get_for(user, Action.VIEW, code=code) if code is not None else None


def _category(user: Any, code: str | None) -> Category | None:
    return Category.objects.get_for(user, Action.VIEW, code=code) if code is not None else None


@router.get("/", response=list[UnitOut])
def list_units(request: HttpRequest) -> list[Unit]:
    """The unit tree, in tree order."""
    return list(Unit.objects.restrict(request.user, Action.VIEW).select_related("parent", "category"))


@router.post("/", response={200: UnitOut, **errors(401, 403, 404, 409, 422)}, auth=django_auth)
def create_unit(request: HttpRequest, payload: UnitIn) -> Unit:
    """Add a unit (the office). A code already used: 409 ``unit_code_taken``; an unknown parent or category:
    404."""
    Unit.objects.check_create(request.user)
    unit = do_create_unit(
        payload.code,
        payload.name,
        payload.level,
        actor=request.user,
        parent=_unit(request.user, payload.parent),
        category=_category(request.user, payload.category),
    )
    return unit


@router.patch("/{code}", response={200: UnitOut, **errors(401, 403, 404, 409, 422)}, auth=django_auth)
def update_unit(request: HttpRequest, code: str, payload: UnitPatch) -> Unit:
    """Change a unit (the office): only the fields given. A new parent moves the unit with its whole subtree;
    a parent inside that subtree is refused with 409 ``unit_loop`` and nothing changes."""
    unit = Unit.objects.get_for(request.user, Action.CHANGE, code=code)
    changes: dict[str, Any] = payload.model_dump(exclude_unset=True)
    if "parent" in changes:
        changes["parent"] = _unit(request.user, changes["parent"])
    if "category" in changes:
        changes["category"] = _category(request.user, changes["category"])
    saved = do_update_unit(unit, actor=request.user, **changes)
    fresh: Unit = Unit.objects.select_related("parent", "category").get(pk=saved.pk)
    return fresh
