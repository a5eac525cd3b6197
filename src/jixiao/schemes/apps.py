"""The schemes app (考核方案)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchemesConfig(AppConfig):
    name = "jixiao.schemes"
    verbose_name = _("schemes")
