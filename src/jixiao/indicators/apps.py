"""The indicator library app (指标库)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "jixiao.indicators"
    verbose_name = _("indicator library")
