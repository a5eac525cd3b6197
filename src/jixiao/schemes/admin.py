"""Schemes in the back office: imported from YAML (validated by the engine), shown as exported YAML."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from jixiao.core.admin import RestrictedAdmin
from jixiao.schemes.errors import InvalidSchemeError
from jixiao.schemes.models import Scheme
from jixiao.schemes.services import do_import_scheme, export_scheme_text, parse_scheme_text


class SchemeImportForm(forms.ModelForm):  # type: ignore[type-arg]
    """A scheme file's YAML; the engine's problems are shown on the field."""

    yaml = forms.CharField(widget=forms.Textarea(attrs={"rows": 30}), label="YAML")

    class Meta:
        model = Scheme
        fields: tuple[str, ...] = ()

    def clean_yaml(self) -> str:
        text: str = self.cleaned_data["yaml"]
        try:
            parse_scheme_text(text)
        except InvalidSchemeError as exc:
            raise forms.ValidationError(exc.problems) from None
        return text


@admin.register(Scheme)
class SchemeAdmin(RestrictedAdmin):
    addable = True
    list_display = ("code", "version", "name", "created_at")
    search_fields = ("code", "name")
    readonly_fields = ("code", "version", "name", "description", "created_at", "exported_yaml")

    @admin.display(description="YAML")
    def exported_yaml(self, obj: Scheme) -> str:
        return format_html("<pre>{}</pre>", export_scheme_text(obj))

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = SchemeImportForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        return ["yaml"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        return self.readonly_fields if obj is not None else []

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Scheme, form: Any, change: bool) -> None:
        obj.pk = do_import_scheme(form.cleaned_data["yaml"], actor=request.user).pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        return None
