"""Period values and warnings in the back office: read only (every change goes through the services, with its
audit event)."""

from __future__ import annotations

from django.contrib import admin

from jixiao.core.admin import RestrictedAdmin
from jixiao.monitoring.models import PeriodValue, Warning


@admin.register(PeriodValue)
class PeriodValueAdmin(RestrictedAdmin):
    list_display = ("cycle", "subject", "indicator", "period", "value", "version", "entered_by", "entered_at")
    list_filter = ("cycle", "period")
    search_fields = ("subject__code", "subject__name", "indicator")
    list_select_related = ("cycle", "subject", "entered_by")
    readonly_fields = ("cycle", "subject", "indicator", "period", "value", "version", "entered_by", "entered_at",
                       "note")


@admin.register(Warning)
class WarningAdmin(RestrictedAdmin):
    list_display = ("cycle", "subject", "indicator", "period", "kind", "status", "state", "created_at")
    list_filter = ("cycle", "kind", "status", "state")
    search_fields = ("subject__code", "subject__name", "indicator")
    list_select_related = ("cycle", "subject")
    readonly_fields = ("cycle", "subject", "indicator", "period", "kind", "status", "detail", "state", "answer",
                       "answered_by", "answered_at", "follow_up", "created_at", "updated_at")
