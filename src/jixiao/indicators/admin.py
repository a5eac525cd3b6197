"""The indicator library in the back office: an edit makes a new version."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from unfold.admin import TabularInline

from jixiao.core.admin import RestrictedAdmin
from jixiao.indicators.choices import DataSource, Kind
from jixiao.indicators.models import Indicator, IndicatorVersion
from jixiao.indicators.services import do_create_indicator, do_revise_indicator


class IndicatorForm(forms.ModelForm):  # type: ignore[type-arg]
    """The indicator's code plus the fields of its (next) version."""

    name = forms.CharField(max_length=200)
    definition = forms.CharField(widget=forms.Textarea, required=False)
    unit_of_measure = forms.CharField(max_length=32, required=False)
    kind = forms.ChoiceField(choices=[("", "—"), *Kind.choices], required=False)
    source = forms.ChoiceField(choices=[("", "—"), *DataSource.choices], required=False)

    class Meta:
        model = Indicator
        fields = ("code",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for key, value in self.instance.current.definition_fields().items():
                self.fields[key].initial = value


class VersionInline(TabularInline):  # type: ignore[misc]  # unfold is untyped
    model = IndicatorVersion
    extra = 0
    can_delete = False
    fields = ("version", "name", "unit_of_measure", "kind", "source", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Indicator)
class IndicatorAdmin(RestrictedAdmin):
    addable = True
    form = IndicatorForm
    list_display = ("code", "current_name", "latest_version", "retired")
    search_fields = ("code", "versions__name")
    inlines = (VersionInline,)

    @admin.display(description="name")
    def current_name(self, obj: Indicator) -> str:
        return obj.current.name

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        return ["code"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Indicator, form: Any, change: bool) -> None:
        fields = {k: form.cleaned_data[k] or "" for k in IndicatorVersion.FIELDS}
        if change:
            do_revise_indicator(obj, actor=request.user, **fields)
        else:
            obj.pk = do_create_indicator(obj.code, actor=request.user, **fields).indicator_id

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        return None
