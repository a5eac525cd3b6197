"""Check rounds and items in the back office: read only (every change goes through the services, with its audit
event)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from jixiao.core.admin import RestrictedAdmin
from jixiao.verification.models import CheckItem, CheckRound


class _ReadOnly(RestrictedAdmin):
    """Nothing is changed here, so the sidebar need not ask the database whether it could be."""

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(CheckRound)
class CheckRoundAdmin(_ReadOnly):
    list_display = ("cycle", "name", "seed", "per_unit", "share", "threshold", "created_by", "created_at")
    list_filter = ("cycle",)
    list_select_related = ("cycle", "created_by")
    readonly_fields = ("cycle", "name", "seed", "per_unit", "share", "threshold", "note", "created_by",
                       "created_at")


@admin.register(CheckItem)
class CheckItemAdmin(_ReadOnly):
    list_display = ("round", "subject", "indicator", "state", "self_value", "finance", "verified_value", "method",
                    "applied_version")
    list_filter = ("round", "state", "method")
    search_fields = ("subject__code", "subject__name", "indicator")
    list_select_related = ("round", "subject")
    readonly_fields = ("round", "subject", "indicator", "state", "by_hand", "self_value", "self_version", "finance",
                       "finance_value", "finance_note", "finance_by", "finance_at", "verified_value", "method",
                       "verified_on", "verify_note", "file", "file_name", "verified_by", "verified_at", "applied_by",
                       "applied_at", "applied_version")
