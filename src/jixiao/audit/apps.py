"""The audit trail app (审计留痕)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "jixiao.audit"
    verbose_name = _("audit trail")
