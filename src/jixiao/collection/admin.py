"""Targets, values and ratings in the back office. Subject choices are limited to what the user may write."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import ForeignKey
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jixiao.collection.choices import ValueSource
from jixiao.collection.errors import ExplanationRequiredError
from jixiao.collection.models import Rating, Target, Value
from jixiao.collection.querysets import writable_subjects
from jixiao.collection.services import (
    check_entered_value,
    do_set_rating,
    do_set_target,
    do_set_value,
    lang,
    value_domain,
)
from jixiao.core.admin import RestrictedAdmin
from jixiao.core.errors import JixiaoError
from jixiao.engine.values import empty


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


class ValueAdminForm(forms.ModelForm):  # type: ignore[type-arg]  # a ModelForm of Value
    """The value as typed, checked by the one value check (its messages beside the field), with the version
    the page was based on: a save over someone else's newer one is refused, not an overwrite."""

    value = forms.CharField(label=_("value"), max_length=64, required=False)
    base_version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    class Meta:
        model = Value
        fields = ("subject", "indicator", "value", "note", "explanation")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The value as typed, for the service (which reads "95%" as a percentage).
        self.value_text = ""
        if self.instance.pk is not None:
            self.initial["value"] = f"{self.instance.value:g}"
            self.initial["base_version"] = self.instance.version
        else:
            self.initial["base_version"] = 0

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        subject = data.get("subject") or (self.instance.subject if self.instance.pk else None)
        indicator = data.get("indicator") or self.instance.indicator
        self.value_text = text = data.get("value") or ""
        if subject is None or not indicator:
            return data
        try:
            number, findings = check_entered_value(subject, indicator, text)
            if number is None and not findings:
                findings = [empty(value_domain(subject, indicator))]
        except JixiaoError as exc:
            self.add_error("indicator", exc.text)
            return data
        errors = [f.text(lang()) for f in findings if f.is_error]
        warnings = [f.text(lang()) for f in findings if not f.is_error]
        if errors:
            self.add_error("value", "; ".join(errors))
            return data
        data["value"] = number  # the model's number; the service gets the text as typed
        if warnings and not (data.get("explanation") or "").strip():
            self.add_error("explanation", ExplanationRequiredError(text=" ".join(warnings)).text)
        return data


@admin.register(Value)
class ValueAdmin(_CollectionAdmin):
    kind = "value"
    form = ValueAdminForm
    list_select_related = ("subject", "cycle", "entered_by")
    list_display = ("subject", "indicator", "value", "version", "source", "entered_by", "entered_at", "cycle")
    list_filter = ("cycle", "source", "office_item", "indicator")
    search_fields = ("subject__code", "subject__name", "indicator")
    fields = ("subject", "indicator", "value", "note", "explanation", "base_version")

    def save_model(self, request: HttpRequest, obj: Value, form: Any, change: bool) -> None:
        saved = do_set_value(
            form.cleaned_data.get("subject") or obj.subject,
            form.cleaned_data.get("indicator") or obj.indicator,
            form.value_text,
            actor=request.user,
            source=ValueSource.MANUAL,
            note=obj.note,
            version=form.cleaned_data.get("base_version") or 0,
            explanation=form.cleaned_data.get("explanation") or "",
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
