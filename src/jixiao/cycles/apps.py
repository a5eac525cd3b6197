"""The assessment cycles app (考核周期)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CyclesConfig(AppConfig):
    name = "jixiao.cycles"
    verbose_name = _("assessment cycles")
