"""Targets, values and ratings in the back office. Subject choices are limited to what the user may write."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey
from django.http import HttpRequest

from jixiao.collection.choices import ValueSource
from jixiao.collection.models import Rating, Target, Value
from jixiao.collection.querysets import writable_subjects
from jixiao.collection.services import do_set_rating, do_set_target, do_set_value
from jixiao.core.admin import RestrictedAdmin


class _CollectionAdmin(RestrictedAdmin):
    kind = ""
    list_select_related: tuple[str, ...] = ("subject", "cycle")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._staff(request) and writable_subjects(request.user, self.kind).exists()

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "subject":
            kwargs["queryset"] = writable_subjects(request.user, self.kind).select_related("cycle")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        return ["subject", "indicator"] if obj is not None else []


@admin.register(Value)
class ValueAdmin(_CollectionAdmin):
    kind = "value"
    list_select_related = ("subject", "cycle", "entered_by")
    list_display = ("subject", "indicator", "value", "source", "entered_by", "entered_at", "cycle")
    list_filter = ("cycle", "source", "indicator")
    search_fields = ("subject__code", "subject__name", "indicator")
    fields = ("subject", "indicator", "value", "note", "evidence")

    def save_model(self, request: HttpRequest, obj: Value, form: Any, change: bool) -> None:
        evidence = form.cleaned_data.get("evidence") if "evidence" in form.changed_data else None
        saved = do_set_value(
            obj.subject,
            obj.indicator,
            obj.value,
            actor=request.user,
            source=ValueSource.MANUAL,
            note=obj.note,
            evidence=evidence or None,
        )
        obj.pk = saved.pk


@admin.register(Target)
class TargetAdmin(_CollectionAdmin):
    kind = "target"
    list_display = ("subject", "indicator", "floor", "target", "cycle")
    list_filter = ("cycle", "indicator")
    fields = ("subject", "indicator", "floor", "target", "note")

    def save_model(self, request: HttpRequest, obj: Target, form: Any, change: bool) -> None:
        obj.pk = do_set_target(
            obj.subject, obj.indicator, actor=request.user, floor=obj.floor, target=obj.target, note=obj.note
        ).pk


@admin.register(Rating)
class RatingAdmin(_CollectionAdmin):
    kind = "rating"
    list_display = ("subject", "indicator", "group", "rater", "score", "cycle")
    list_filter = ("cycle", "group")
    fields = ("subject", "indicator", "group", "score")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        return ["subject", "indicator", "group"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Rating, form: Any, change: bool) -> None:
        obj.pk = do_set_rating(
            obj.subject, obj.indicator, obj.group, obj.score, actor=request.user, rater=obj.rater or None
        ).pk
