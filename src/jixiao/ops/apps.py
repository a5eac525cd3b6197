from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: the ``jixiao`` commands (demo, serve, import, compute, verify_audit) and the demo city."""

    name = "jixiao.ops"
    label = "ops"
    verbose_name = _("Operations")
