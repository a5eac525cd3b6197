"""Notices in the back office: read only, and for the office only. Like everywhere, a user sees only their own
notices (``restrict``): the back office is no window into other people's inboxes."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jixiao.core.admin import RestrictedAdmin
from jixiao.core.roles import Role
from jixiao.inbox.models import Notice


@admin.register(Notice)
class NoticeAdmin(RestrictedAdmin):
    view_roles = frozenset({Role.ADMIN})
    list_display = ("title", "kind", "cycle", "created_at", "read_at")
    list_filter = ("kind", "cycle")
    search_fields = ("title",)
    list_select_related = ("cycle",)
    readonly_fields = ("recipient", "kind", "title", "body", "link", "cycle", "created_at", "read_at")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # read in the app (``inbox:list``), through the services
