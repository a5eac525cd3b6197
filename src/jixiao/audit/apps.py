"""The audit trail app (审计留痕)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "jixiao.audit"
    verbose_name = _("audit trail")

    def ready(self) -> None:
        from jixiao.audit import checks  # noqa: F401  (registers the checks of the trail's files)
