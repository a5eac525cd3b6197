"""Approval states in the back office: read only (steps are taken in the app, through the services)."""

from __future__ import annotations

from django.contrib import admin

from jixiao.approval.models import Submission
from jixiao.core.admin import RestrictedAdmin


@admin.register(Submission)
class SubmissionAdmin(RestrictedAdmin):
    list_display = ("subject", "cycle", "state", "changed_at", "changed_by")
    list_filter = ("cycle", "state")
    search_fields = ("subject__code", "subject__name")
    list_select_related = ("subject", "cycle", "changed_by")
    readonly_fields = ("subject", "cycle", "state", "reason", "changed_at", "changed_by")
