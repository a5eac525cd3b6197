"""The data collection app (数据采集)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    name = "jixiao.collection"
    verbose_name = _("data collection")
