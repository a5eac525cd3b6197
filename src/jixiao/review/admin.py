"""Corrections, appeals and hearings in the back office: read only (every step is taken in the app, through
the services, with its audit event)."""

from __future__ import annotations

from django.contrib import admin

from jixiao.core.admin import RestrictedAdmin
from jixiao.review.models import Appeal, Correction, Hearing


@admin.register(Correction)
class CorrectionAdmin(RestrictedAdmin):
    list_display = ("cycle", "subject", "indicator", "before", "after", "actor", "at")
    list_filter = ("cycle",)
    search_fields = ("subject__code", "subject__name", "indicator")
    list_select_related = ("cycle", "subject", "actor")
    readonly_fields = ("cycle", "subject", "indicator", "before", "after", "reason", "appeal", "version", "actor",
                       "at")


@admin.register(Appeal)
class AppealAdmin(RestrictedAdmin):
    list_display = ("cycle", "subject", "target", "indicator", "state", "drafted_at", "signed_at", "decided_at")
    list_filter = ("cycle", "state", "target")
    search_fields = ("subject__code", "subject__name")
    list_select_related = ("cycle", "subject")
    readonly_fields = ("cycle", "subject", "target", "indicator", "grounds", "cited", "evidence_name", "state",
                       "decision", "drafted_by", "drafted_at", "signed_by", "signed_at", "decided_at")
    exclude = ("evidence",)


@admin.register(Hearing)
class HearingAdmin(RestrictedAdmin):
    list_display = ("appeal", "scheduled_at", "place", "decision", "decided_at")
    list_select_related = ("appeal",)
    readonly_fields = ("appeal", "scheduled_at", "place", "participants", "observers", "minutes", "decision",
                       "reasons", "decided_at", "recorded_by")
