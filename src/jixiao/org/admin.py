"""The organisation in the back office."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jixiao.core.admin import RestrictedAdmin
from jixiao.org.forms import UnitForm
from jixiao.org.models import Category, Person, Unit
from jixiao.org.services import do_create_category, do_create_person, do_create_unit, do_update_unit


@admin.register(Category)
class CategoryAdmin(RestrictedAdmin):
    addable = True
    list_display = ("code", "name")
    fields = ("code", "name", "description")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Category, form: Any, change: bool) -> None:
        saved = do_create_category(obj.code, obj.name, actor=request.user, description=obj.description)
        obj.pk = saved.pk


@admin.register(Unit)
class UnitAdmin(RestrictedAdmin):
    """Units: a new parent moves the unit with its whole subtree (``do_update_unit``); a parent inside that
    subtree is a form error on the parent field."""

    addable = True
    form = UnitForm
    list_display = ("code", "name", "level", "category", "parent", "active")
    list_filter = ("level", "category", "active")
    search_fields = ("code", "name")
    list_select_related = ("category", "parent")
    fields = ("code", "name", "level", "parent", "category", "active")
    autocomplete_fields = ("parent",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        return ["code"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        if change:
            do_update_unit(obj, actor=request.user, **{k: form.cleaned_data[k] for k in form.changed_data})
        else:
            saved = do_create_unit(
                obj.code, obj.name, obj.level, actor=request.user, parent=obj.parent, category=obj.category
            )
            obj.pk = saved.pk


@admin.register(Person)
class PersonAdmin(RestrictedAdmin):
    addable = True
    list_display = ("code", "name", "post_type", "unit")
    list_filter = ("post_type",)
    search_fields = ("code", "name")
    list_select_related = ("unit",)
    fields = ("code", "name", "post_type", "unit")
    autocomplete_fields = ("unit",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        saved = do_create_person(obj.code, obj.name, obj.post_type, obj.unit, actor=request.user)
        obj.pk = saved.pk
