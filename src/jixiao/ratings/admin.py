"""Campaigns and assignments in the back office: read only (every change goes through the services, with its
audit event)."""

from __future__ import annotations

from django.contrib import admin

from jixiao.core.admin import RestrictedAdmin
from jixiao.ratings.models import Assignment, Campaign


@admin.register(Campaign)
class CampaignAdmin(RestrictedAdmin):
    list_display = ("name", "cycle", "kind", "state", "deadline", "opened_at", "closed_at")
    list_filter = ("cycle", "kind", "state")
    search_fields = ("name",)
    list_select_related = ("cycle",)
    readonly_fields = ("cycle", "name", "kind", "indicators", "indicator", "state", "deadline", "instructions",
                       "opened_at", "closed_at", "reminded_at")


@admin.register(Assignment)
class AssignmentAdmin(RestrictedAdmin):
    list_display = ("campaign", "subject", "group", "rater", "invitee", "state", "submitted_at")
    list_filter = ("campaign", "group", "state")
    search_fields = ("subject__code", "subject__name", "invitee", "rater__username")
    list_select_related = ("campaign", "subject", "rater")
    # The token is the outside rater's access: never shown here (the campaign page gives the link to the office).
    exclude = ("token",)
    readonly_fields = ("campaign", "subject", "group", "rater", "invitee", "key", "state", "comment",
                       "submitted_at", "reminded_at")
