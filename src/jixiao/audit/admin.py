"""The audit trail in the back office: read only, for the office and auditors."""

from django.contrib import admin

from jixiao.accounts.choices import Role
from jixiao.audit.models import AuditEvent
from jixiao.core.admin import RestrictedAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(RestrictedAdmin):
    view_roles = frozenset({Role.ADMIN, Role.AUDITOR})
    list_display = ("seq", "at", "actor_label", "source", "action", "object_type", "object_repr")
    list_filter = ("source", "action", "object_type")
    search_fields = ("object_repr", "actor_label", "action", "object_id")
    readonly_fields = tuple(f.name for f in AuditEvent._meta.fields)
