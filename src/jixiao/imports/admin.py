"""Import jobs in the back office: read only (they are started from the app's import page)."""

from __future__ import annotations

from django.contrib import admin

from jixiao.core.admin import RestrictedAdmin
from jixiao.imports.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(RestrictedAdmin):
    list_display = ("created_at", "name", "kind", "cycle", "state", "problem_count", "created_by")
    list_filter = ("state", "kind")
    search_fields = ("name", "sha256")
    list_select_related = ("cycle", "created_by")
    readonly_fields = ("kind", "cycle", "file", "name", "size", "sha256", "state", "counts", "problem_count",
                       "problems", "created_by", "created_at", "finished_at")
