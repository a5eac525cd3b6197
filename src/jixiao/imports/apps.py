from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Imports (数据导入) as background jobs: the office uploads a file, a job reads and loads it all or nothing."""

    name = "jixiao.imports"
    label = "imports"
    verbose_name = _("Imports")
