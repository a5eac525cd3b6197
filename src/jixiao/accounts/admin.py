"""Accounts in the back office: the office creates accounts and gives them roles and units."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminPasswordWidget

from jixiao.accounts.choices import Role
from jixiao.accounts.errors import WeakPasswordError
from jixiao.accounts.models import User
from jixiao.accounts.services import check_new_password, do_create_user, do_update_user
from jixiao.core.admin import RestrictedAdmin


class UserAddForm(forms.ModelForm):  # type: ignore[type-arg]
    password = forms.CharField(
        label=_("password"),
        widget=UnfoldAdminPasswordWidget(attrs={"autocomplete": "new-password"}),
        required=False,
        strip=False,
        help_text=_("Leave empty for an account that cannot sign in yet."),
    )

    class Meta:
        model = User
        fields = ("username", "first_name", "role", "units")

    def clean(self) -> dict[str, Any]:
        """The service's password check, shown on the field (the service checks again when it saves)."""
        data: dict[str, Any] = super().clean() or {}
        password = data.get("password")
        if password:
            candidate = User(username=data.get("username", ""), first_name=data.get("first_name", ""))
            try:
                check_new_password(password, candidate)
            except WeakPasswordError as exc:
                self.add_error("password", exc.text)
        return data


@admin.register(User)
class UserAdmin(RestrictedAdmin):
    view_roles = frozenset({Role.ADMIN})
    addable = True
    list_display = ("username", "first_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "first_name")
    filter_horizontal = ("units",)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = UserAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        if obj is None:
            return ["username", "first_name", "password", "role", "units"]
        return ["username", "first_name", "role", "units", "is_active", "last_login"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        return ["username", "first_name", "last_login"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            saved = do_update_user(
                obj, actor=request.user, role=data["role"], units=data["units"], is_active=data["is_active"]
            )
        else:
            saved = do_create_user(
                data["username"],
                data["role"],
                actor=request.user,
                password=data.get("password") or None,
                units=data["units"],
                name=data.get("first_name", ""),
            )
        obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        return None  # the service set the units
