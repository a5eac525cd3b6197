"""Evidence files in the back office: read only, for the office and auditors (files are attached with values)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from jixiao.accounts.choices import Role
from jixiao.core.admin import RestrictedAdmin
from jixiao.evidence.models import Evidence


@admin.register(Evidence)
class EvidenceAdmin(RestrictedAdmin):
    view_roles = frozenset({Role.ADMIN, Role.AUDITOR})
    list_display = ("uploaded_at", "name", "subject", "indicator", "cycle", "size", "uploaded_by", "replaced_at")
    list_filter = ("cycle", "content_type")
    search_fields = ("name", "sha256", "subject__code", "subject__name", "indicator")
    list_select_related = ("cycle", "subject", "uploaded_by")
    # The stored path is not shown: no URL serves it; the file opens through the download view, which checks
    # access.
    fields = readonly_fields = ("download", "cycle", "subject", "indicator", "value", "content_type", "size",
                                "sha256", "uploaded_by", "uploaded_at", "replaced_at")

    @admin.display(description=_("file"))
    def download(self, obj: Evidence) -> SafeString:
        return format_html('<a href="{}">{}</a>', reverse("evidence:download", args=[obj.pk]), obj.name)
