"""The platform app (平台)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jixiao.core"
    verbose_name = _("platform")

    def ready(self) -> None:
        from jixiao.core import checks  # noqa: F401  (registers the deploy checks)
