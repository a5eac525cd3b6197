from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Public satisfaction surveys (公众满意度调查): questionnaires per cycle whose answers become indicator
    values of the assessed units, with invitation tokens or open links, quality checks and provenance."""

    name = "jixiao.surveys"
    label = "surveys"
    verbose_name = _("Surveys")
