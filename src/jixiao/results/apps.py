"""The results app (考核结果)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "jixiao.results"
    verbose_name = _("results")
