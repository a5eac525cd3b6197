"""Surveys in the back office: read only (every change goes through the services, with its audit event)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from jixiao.core.admin import RestrictedAdmin
from jixiao.surveys.models import Survey, SurveyResponse, SurveyResult


class _ReadOnlyAdmin(RestrictedAdmin):
    """Nothing of a survey changes here: saying so spares the sidebar a query per model on every page."""

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(_ReadOnlyAdmin):
    list_display = ("title", "cycle", "mode", "state", "created_at", "computed_at")
    list_filter = ("cycle", "mode", "state")
    search_fields = ("title",)
    list_select_related = ("cycle",)
    readonly_fields = ("cycle", "title", "intro", "mode", "state", "min_seconds", "hourly_limit", "created_by",
                       "created_at", "computed_at")


@admin.register(SurveyResponse)
class ResponseAdmin(_ReadOnlyAdmin):
    list_display = ("survey", "subject", "answers", "seconds", "channel", "flagged", "exclusion", "submitted_at")
    list_filter = ("survey", "channel", "flagged", "exclusion")
    search_fields = ("subject__code", "subject__name")
    list_select_related = ("survey", "subject")
    readonly_fields = ("survey", "subject", "token", "answers", "seconds", "submitted_at", "channel", "network",
                       "fingerprint", "flagged", "exclusion")


@admin.register(SurveyResult)
class ResultAdmin(_ReadOnlyAdmin):
    list_display = ("survey", "subject", "indicator", "valid", "responses", "rate", "value", "margin", "computed_at")
    list_filter = ("survey", "indicator")
    search_fields = ("subject__code", "subject__name")
    list_select_related = ("survey", "subject")
    readonly_fields = ("survey", "subject", "indicator", "responses", "valid", "excluded", "tokens", "rate", "mean",
                       "value", "sd", "margin", "note", "computed_at")
